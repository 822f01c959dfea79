"""The Hyperparameter lab page, with AppTest: the setup's plan, bad input, a preset run from the button and read."""

from __future__ import annotations

import json
import time

from streamlit.testing.v1 import AppTest

from tuning import Store
from tuning.running.lab import lab_of, labs

PAGE = "../views/lab.py"
WAIT_SECONDS = 240


def _wait_for_the_lab():
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        store = Store()
        found = labs(store)
        store.dispose()
        if found and not found[0].is_active:
            return found[0]
        assert time.monotonic() < deadline, "the lab did not end in time"
        time.sleep(0.5)


def test_the_setup_shows_a_presets_claim_and_plan_and_refuses_bad_input_in_the_users_words():
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not app.exception
    assert app.info[-1].value == "No lab yet: pick a preset above and press Run the lab."
    assert app.markdown[0].value.startswith("**The course says:** a high learning rate is fast but risks overshooting")
    plan = app.info[0].value
    assert plan.startswith("**5 training jobs**, one per value of learning_rate: 0.0001, 0.001, 0.01, 0.1, 1; ")
    app.selectbox(key="lab.preset").set_value("Your own").run()
    assert not app.exception
    # Your own lab starts from the algorithm's first hyperparameter, on its default range and scaling.
    assert app.info[0].value.startswith("**5 training jobs**, one per value of learning_rate: 0.0001, 0.0005623, "
                                        "0.003162, 0.01778, 0.1;")
    app.selectbox(key="lab.hp.mlp").set_value("hidden_units").run()
    assert app.info[0].value.startswith("**5 training jobs**, one per value of hidden_units: 8, 19, 45, 108, 256;")
    app.selectbox(key="lab.hp.mlp").set_value("learning_rate").run()
    app.number_input(key="lab.low.mlp.learning_rate").set_value(0.0).run()  # 0 cannot be on a log scale
    assert not app.exception
    (error,) = app.error
    assert error.value.startswith("Logarithmic scaling spreads values by equal ratios, so it needs a first value "
                                  "above 0, but got 0: start from a small positive value")
    assert app.button(key="lab.start").disabled
    app.number_input(key="lab.low.mlp.learning_rate").set_value(0.5).run()
    app.number_input(key="lab.high.mlp.learning_rate").set_value(0.1).run()
    assert not app.exception and app.button(key="lab.start").disabled
    assert app.error[0].value == ("a lab's values run from a lower to a higher one, but got from 0.5 to 0.1: swap them "
                                  "(or pick two different values).")


def test_a_preset_run_from_the_page_is_drawn_with_a_sentence_per_value_and_its_claims_checked():
    app = AppTest.from_file(PAGE, default_timeout=120).run()
    app.selectbox(key="lab.preset").set_value("eta").run()
    shown_name = app.info[0].value.rsplit("as **", 1)[1].rstrip("*.")
    app.button(key="lab.start").click().run()
    assert not app.exception
    assert app.success[0].value == f"Started **{shown_name}**."  # the name shown before Run is the one run
    job = _wait_for_the_lab()
    assert job.name == shown_name and job.status == "Completed" and job.strategy == "Grid"
    assert lab_of(job) == {"Hyperparameter": "eta", "Values": [0.01, 0.03162, 0.1, 0.3162, 1.0], "Preset": "eta"}

    later = AppTest.from_file(PAGE, default_timeout=60).run()  # a new session reopens it from the store
    assert not later.exception
    sentences = [m.value for m in later.markdown if m.value.startswith("- eta ")]
    assert [s.split(":")[0] for s in sentences] == ["- eta 0.01", "- eta 0.03162", "- eta 0.1", "- eta 0.3162",
                                                    "- eta 1"]
    comparison = later.success[0].value
    assert comparison.startswith("Best final validation logloss: eta ")
    checks = [element.value for element in [*later.success[1:], *later.warning]]
    assert len(checks) == 2 and all(c.startswith(("As the course says", "Not as the course says")) for c in checks)
    (chart,) = [json.loads(element.proto.spec) for element in later.get("plotly_chart")]
    assert chart["layout"]["title"]["text"] == "eta, one value per panel: validation:logloss — lower is better"
    titles = [a["text"].split("<br>")[0] for a in chart["layout"]["annotations"] if a["text"].startswith("<b>")]
    assert titles == ["<b>0.01</b>", "<b>0.03162</b>", "<b>0.1</b>", "<b>0.3162</b>", "<b>1</b>"]
    words = [a["text"].split("<sup>")[1].split("</sup>")[0] for a in chart["layout"]["annotations"]
             if a["text"].startswith("<b>")]
    assert words[-1] == "settles first" and words[0] == "still improving"  # each panel's reading, in a word or two
    validation = [trace for trace in chart["data"] if trace["name"] == "Validation"]
    assert len(validation) == 5 and all(len(trace["x"]) == 150 for trace in validation)  # num_round 150 each
    # Since training jobs record the training channel too, each value's training curve is drawn (dashed) beside it.
    training = [trace for trace in chart["data"] if trace["name"] == "Training"]
    assert len(training) == 5 and all(len(trace["x"]) == 150 for trace in training)
    assert not any("Validation curves only" in caption.value for caption in later.caption)


def test_the_lab_chart_draws_one_panel_per_value_training_dashed_and_a_log_axis_when_a_value_diverges():
    from tuning.visualization import plot_lab_curves

    validation = {0.01: [(1, 0.5), (2, 0.2), (3, 0.1)], 1.0: [(1, 0.7), (2, 3.0), (3, 9.0)]}
    training = {0.01: [(1, 0.45), (2, 0.15), (3, 0.05)]}
    figure = plot_lab_curves([0.01, 1.0], validation, training=training, hyperparameter="learning_rate",
                             objective_name="validation:logloss", objective_type="Minimize", step_label="Epoch",
                             labels={0.01: "steady", 1.0: "diverges"})
    lines = [(trace.name, trace.line.dash, trace.xaxis) for trace in figure.data]
    assert lines == [("Validation", "solid", "x"), ("Training", "dash", "x"), ("Validation", "solid", "x2")]
    assert [a.text for a in figure.layout.annotations[:2]] == ["<b>0.01</b><br><sup>steady</sup>",
                                                               "<b>1</b><br><sup>diverges</sup>"]
    assert figure.layout.yaxis.type == "log" and figure.layout.showlegend is True  # 0.05 to 9: a ratio of 180
    calm = plot_lab_curves([0.01], {0.01: validation[0.01]}, hyperparameter="learning_rate",
                           objective_name="validation:logloss", objective_type="Minimize")
    assert calm.layout.yaxis.type != "log" and calm.layout.showlegend is False  # 0.1 to 0.5; one kind of line
