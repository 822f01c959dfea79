"""The Datasets page, with AppTest: previews, a real upload through the page, its errors."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tuning.datasets.uploads import is_uploaded_dataset, list_uploaded_datasets, save_uploaded_dataset



def _page() -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    return app.switch_page("views/datasets.py").run()


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_a_bundled_dataset_is_previewed_and_another_can_be_chosen():
    app = _page()
    assert not app.exception
    assert app.selectbox(key="datasets.chosen").value == "bank-marketing"
    assert _metrics(app) == {"Rows": "41,188", "Feature columns": "14", "Problem type": "Binary",
                             "Target column": "output"}
    head, columns = app.dataframe[0].value, app.dataframe[1].value
    assert len(head) == 20 and head.columns[0] == "output"
    assert set(columns["kind"]) == {"numeric", "categorical"}
    app.selectbox(key="datasets.chosen").set_value("california-housing").run()
    assert _metrics(app)["Rows"] == "20,640"
    assert "207 missing values" in " ".join(markdown.value for markdown in app.markdown)


def test_tune_on_this_dataset_opens_create_with_it_selected():
    app = _page()
    app.selectbox(key="datasets.chosen").set_value("wine").run()
    next(button for button in app.button if button.label == "Tune a model on this dataset").click().run()
    assert not app.exception
    assert app.selectbox(key="create.dataset").value == "wine"


def test_uploading_a_csv_saves_it_and_selects_it():
    app = _page()
    csv = b"size,colour,price\n1,red,10.5\n2,blue,20.0\n3,red,31.0\n4,green,39.5\n5,blue,52.0\n"
    app.file_uploader[0].set_value(("Shop Prices.csv", csv, "text/csv")).run()
    assert app.text_input(key="upload.name.Shop Prices.csv").value == "shop-prices"
    assert app.selectbox(key="upload.target.Shop Prices.csv").value == "price"
    app.button(key="upload.save").click().run()
    assert not app.exception and not app.error
    assert "Saved **shop-prices**" in app.success[0].value
    assert app.selectbox(key="datasets.chosen").value == "shop-prices"
    assert _metrics(app)["Problem type"] == "Regression"
    assert [info.name for info in list_uploaded_datasets()] == ["shop-prices"]


@pytest.mark.parametrize(("csv", "name", "message"), [
    (b"just-one-column\n1\n2\n", "one-col", "single column"),
    (b"a,b\n", "no-rows", "no data rows"),
    (b"x,y\n1,2\n3,4\n", "iris", "bundled dataset"),
    (b"x,y\n1,2\n3,4\n", "Bad Name", "not usable"),
])
def test_an_unusable_upload_shows_why_and_saves_nothing(csv, name, message):
    app = _page()
    app.file_uploader[0].set_value(("bad.csv", csv, "text/csv")).run()
    app.text_input(key="upload.name.bad.csv").set_value(name).run()
    app.button(key="upload.save").click().run()
    assert not app.exception
    assert message in app.error[0].value
    assert list_uploaded_datasets() == []


def test_an_uploaded_dataset_is_listed_previewed_and_deleted():
    save_uploaded_dataset(b"a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n", name="tiny", original_name="tiny.csv")
    app = _page()
    box = app.selectbox(key="datasets.chosen")
    assert box.options[-1] == "tiny — uploaded"
    box.set_value("tiny").run()
    assert _metrics(app)["Rows"] == "4"
    assert app.button(key="datasets.delete").disabled
    next(c for c in app.checkbox if c.label.startswith("Yes, delete")).check().run()
    app.button(key="datasets.delete").click().run()
    assert not app.exception
    assert not is_uploaded_dataset("tiny")
    assert "Deleted" in app.success[0].value
    assert app.selectbox(key="datasets.chosen").value == "bank-marketing"


def test_a_sagemaker_csv_saves_with_the_defaults():
    app = _page()
    app.file_uploader[0].set_value(("sm.csv", b"1,0.5,3\n0,0.1,2\n1,0.7,1\n0,0.2,5\n", "text/csv")).run()
    assert any("SageMaker's format" in caption.value for caption in app.caption)
    assert app.text_input(key="upload.target.fixed").value == "the first column (label)"
    app.button(key="upload.save").click().run()
    assert not app.exception and not app.error
    assert _metrics(app)["Target column"] == "label" and _metrics(app)["Feature columns"] == "2"
    app.radio(key="upload.header").set_value("First row is a header").run()
    assert app.selectbox(key="upload.target.sm.csv").options == ["1", "0.5", "3"]


def test_a_file_over_the_cap_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr("tuning.datasets.uploads.UPLOAD_MAX_MB", 0)
    app = _page()
    app.file_uploader[0].set_value(("big.csv", b"a,b\n1,2\n3,4\n", "text/csv")).run()
    assert not app.exception
    assert "big.csv is 0.0 MB, over the 0 MB limit" in app.error[0].value
    assert not [button for button in app.button if button.key == "upload.save"]
    assert list_uploaded_datasets() == []


def test_a_replaced_upload_is_not_shown_from_the_cache():
    save_uploaded_dataset(b"a,label\n1,x\n2,y\n", name="swap", original_name="swap.csv")
    app = _page()
    app.selectbox(key="datasets.chosen").set_value("swap").run()
    assert list(app.dataframe[0].value["a"]) == [1, 2]
    save_uploaded_dataset(b"a,label\n7,x\n8,y\n", name="swap", original_name="swap.csv", replace=True)
    app.run()
    assert list(app.dataframe[0].value["a"]) == [7, 8]


def test_tune_on_this_dataset_run_alone_says_where_to_go():
    app = AppTest.from_file("../views/datasets.py", default_timeout=60).run()
    next(button for button in app.button if button.label == "Tune a model on this dataset").click().run()
    assert not app.exception
    assert app.session_state["create_dataset"] == "bank-marketing"
    assert "Create tuning job" in app.info[-1].value
