"""The HTML report: real tuning jobs in a real store file, the command line as a user runs it, and a
real chromium that opens the file with the network cut off.

Run only this file: ``PYTHONPATH=$PWD .venv/bin/python -m pytest -q tests/test_report.py`` (the browser
test needs Debian's chromium; ``CI=true TUNELAB_REQUIRE_BROWSER=1`` makes it run, or fail, anyway).
"""

from __future__ import annotations

import dataclasses
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tuning import CategoricalParameter, ContinuousParameter, IntegerParameter, Store, TuningJobConfig, run_tuning_job
from tuning.analysis.baseline import baseline_for_job
from tuning.analysis.holdout import generalisation_check
from tuning.analysis.resource_use import compute_usage
from tuning.cli import main
from tuning.report import report_html, write_report
from tuning.sagemaker.request_json import read_tuning_job_json, to_sagemaker_request
from tuning.serving.deploy import model_is_saved
from tuning.visualization import RESULTS_CHARTS

ROOT = Path(__file__).resolve().parent.parent
N_CHARTS = len(RESULTS_CHARTS)
PLOTLY_JS_MARK = "* plotly.js v"  # plotly.js's own banner, at the top of the bundle

SCRIPT = "<script>window.__pwned=1</script>"
IMG = "<img src=x onerror=window.__pwned=2>"
LABEL = "<img src=x onerror=window.__pwned=3>"  # a class label: it ends up in the baseline's sentence
FILE_NAME = "<img src=x onerror=window.__pwned=4>.csv"
HOSTILE_JOB = "<script>window.__pwned=5</script>"  # a store written by another tool: no name rule on the way in


@pytest.fixture(scope="module")
def jobs(tmp_path_factory):
    """Five finished jobs: Grid and Random on iris (no stopped jobs, no resource), Hyperband with stopped
    jobs, one with a test split, one on a CSV whose names are tags; and a copy under a tag for a name."""
    folder = tmp_path_factory.mktemp("report")
    store = Store(folder / "tunelab.db")
    grid = read_tuning_job_json(json.loads((ROOT / "examples" / "iris-grid.json").read_text()))
    run_tuning_job(grid.replace(name="iris-grid"), store)
    run_tuning_job(grid.replace(name="iris-random", strategy="Random", strategy_config={}, max_jobs=4), store)
    run_tuning_job(TuningJobConfig(
        dataset="diabetes", algorithm="xgboost", objective_metric_name="validation:rmse", objective_type="Minimize",
        hyperparameter_ranges={"eta": ContinuousParameter(0.01, 0.5, "Logarithmic"), "max_depth": IntegerParameter(1, 6)},
        strategy="Hyperband", strategy_config={"MinResource": 1, "MaxResource": 27}, max_jobs=9, max_parallel_jobs=2,
        random_seed=3, name="hyperband"), store)
    run_tuning_job(TuningJobConfig(
        dataset="breast_cancer", algorithm="knn", strategy="Random", max_jobs=6, max_parallel_jobs=2, random_seed=7,
        hyperparameter_ranges={"k": IntegerParameter(1, 40), "weights": CategoricalParameter(["uniform", "distance"])},
        test_split_fraction=0.25, name="held"), store)
    csv = folder / FILE_NAME
    lines = [f"{SCRIPT},{IMG},label"] + [f"{i % 7},{(i * 3) % 5},{LABEL if i % 3 else 'no'}" for i in range(90)]
    csv.write_text("\n".join(lines) + "\n")
    run_tuning_job(TuningJobConfig(
        dataset=csv, target="label", algorithm="knn", strategy="Random", max_jobs=4, max_parallel_jobs=2,
        random_seed=1, exclude_columns=[SCRIPT], name="tagged"), store)
    tagged = store.get_tuning_job("tagged")
    store.create_tuning_job(dataclasses.replace(tagged, name=HOSTILE_JOB, best_training_job=f"{HOSTILE_JOB}-001"))
    store.add_training_jobs([dataclasses.replace(t, tuning_job_name=HOSTILE_JOB, name=f"{HOSTILE_JOB}-{t.index + 1:03d}")
                             for t in store.training_jobs("tagged")])
    yield store
    store.dispose()


def _cli(*args: str, store: Store, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tuning", "--store", str(store.url), *args],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def _code_blocks(text: str) -> list[str]:
    return [html.unescape(block) for block in re.findall(r"<pre><code>(.*?)</code></pre>", text, flags=re.S)]


def _rows(text: str, css_class: str = "training-jobs") -> list[list[str]]:
    """The body rows of the first table of ``css_class``, each cell's text unescaped."""
    body = re.search(rf'<table class="{css_class}">.*?<tbody>(.*?)</tbody>', text, flags=re.S).group(1)
    return [[html.unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]


def _header(text: str, css_class: str = "training-jobs") -> list[str]:
    head = re.search(rf'<table class="{css_class}"><thead><tr>(.*?)</tr>', text, flags=re.S).group(1)
    return [html.unescape(cell) for cell in re.findall(r"<th>(.*?)</th>", head)]


def _charts(text: str) -> list[str]:
    return re.findall(r'<figure class="chart" data-chart="([^"]*)">', text)


def _offline(text: str) -> None:
    """Nothing in the file loads from elsewhere: plotly.js inlined once, in the head, no src= to a server."""
    assert text.count(PLOTLY_JS_MARK) == 1 and text.index(PLOTLY_JS_MARK) < text.index("</head>")
    assert not re.search(r"<script[^>]*\bsrc=", text) and "<link" not in text and "@import" not in text


def test_the_cli_writes_one_file_with_the_configuration_the_table_and_every_chart(jobs, tmp_path):
    result = _cli("report", "iris-grid", "-o", "out.html", store=jobs, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out.html"
    assert "Wrote out.html" in result.stdout and f"8 training jobs, {N_CHARTS} charts" in result.stdout
    text = out.read_text(encoding="utf-8")
    _offline(text)
    job = jobs.get_tuning_job("iris-grid")
    assert _charts(text) == [chart.title for chart in RESULTS_CHARTS]
    assert text.count('class="plotly-graph-div"') == N_CHARTS

    config = TuningJobConfig.from_dict(job.config)
    blocks = [json.loads(block) for block in _code_blocks(text)]
    assert blocks == [config.to_dict(), to_sagemaker_request(config)]  # TuneLab's JSON, then AWS's request
    assert read_tuning_job_json(blocks[1]).to_dict() == config.to_dict()  # the request reads back as the job

    rows = _rows(text)
    training_jobs = jobs.training_jobs("iris-grid")
    assert len(rows) == 8 and {row[1] for row in rows} == {t.name for t in training_jobs}
    assert rows[0][0] == "★" and rows[0][1] == job.best_training_job and all(row[0] == "" for row in rows[1:])
    assert _header(text)[:5] == ["Best", "TrainingJobName", "TrainingJobStatus", "FinalObjectiveValue", "Value"]
    assert {row[4] for row in rows} == {"final"}
    baseline = baseline_for_job(job)
    assert f"{job.best_objective_value:.6g}</strong> &middot; baseline <strong>{baseline.value:.4g}</strong>" in text
    assert "RandomSeed 7" in text and "one run with one seed" in text
    assert "trains each model in one go" in text  # k-NN: no rounds, so nothing to save, said so
    assert "held out no test split" in text and "TestSplitFraction" in text
    assert 'class="note interim"' not in text  # a finished job: nothing labelled interim


def test_without_o_the_file_is_named_after_the_jobs(jobs, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["--store", jobs.url, "report", "iris-grid"]) == 0
    assert (tmp_path / "iris-grid-report.html").is_file() and "Wrote iris-grid-report.html" in capsys.readouterr().out
    assert main(["--store", jobs.url, "report", "iris-grid", "iris-random"]) == 0
    assert (tmp_path / "iris-grid-vs-iris-random-report.html").is_file()


def test_a_job_with_stopped_jobs_labels_their_values_interim_and_counts_the_compute_saved(jobs):
    text = report_html(jobs, "hyperband")
    job, training_jobs = jobs.get_tuning_job("hyperband"), jobs.training_jobs("hyperband")
    stopped = {t.name: t for t in training_jobs if t.status == "Stopped"}
    assert stopped, "Hyperband stopped no job"
    rows = {row[1]: row for row in _rows(text)}
    for name, training_job in stopped.items():
        step = training_job.intermediate_values[-1][0]
        assert rows[name][4] == f"interim: round {step} of 27"
        assert rows[name][3].endswith(f"at round {step} of 27 (stopped)")
    assert all(row[4] == "final" for name, row in rows.items() if name not in stopped)
    assert "StoppedReason" in _header(text) and "Hyperband" in {row[-1] for row in rows.values()}
    usage = compute_usage(job, training_jobs)
    assert usage.saved > 0 and html.escape(usage.line()) in text  # "used 120 of 324 boosting rounds (63% saved..."
    assert "their values are interim" in text
    assert _charts(text) == [chart.title for chart in RESULTS_CHARTS]

    plain = report_html(jobs, "iris-grid")  # no stopped job: no interim label, no stopped note
    assert "their values are interim" not in plain and 'class="note interim"' not in plain
    assert not any("interim" in row[4] for row in _rows(plain))
    assert "StoppedReason" not in _header(plain)


def test_a_running_job_is_labelled_interim_at_the_top_and_over_its_charts(jobs):
    import socket
    import time

    done = jobs.get_tuning_job("hyperband")
    running = dataclasses.replace(done, name="still-running", status="InProgress", ended_at=None, completion_reason=None,
                                  runner_host=socket.gethostname(), runner_pid=os.getpid(), heartbeat_at=time.time())
    jobs.create_tuning_job(running)
    jobs.add_training_jobs([dataclasses.replace(t, tuning_job_name=running.name, name=f"still-running-{t.index + 1:03d}")
                            for t in jobs.training_jobs("hyperband")[:5]])
    text = report_html(jobs, "still-running")
    assert jobs.get_tuning_job("still-running").is_active
    assert "Interim: still-running was still InProgress when this report was written (5 of 9 training jobs" in text
    assert "Interim charts" in text and " so far." in text  # the compute line too
    assert "The lint reads the finished job" in text and len(_charts(text)) == N_CHARTS


def test_tags_in_names_columns_and_labels_are_escaped_never_markup(jobs):
    for name in ("tagged", HOSTILE_JOB):
        text = report_html(jobs, name)
        for payload in (SCRIPT, IMG, LABEL, FILE_NAME, HOSTILE_JOB):
            assert payload not in text, (name, payload)
        assert html.escape(SCRIPT) in text  # the left-out column, shown as typed
        assert html.escape(f"majority class '{LABEL}'") in text  # the baseline names the class as typed
        assert html.escape(FILE_NAME.removesuffix(".csv")) in text  # the dataset's name
        assert len(_charts(text)) == N_CHARTS
    text = report_html(jobs, HOSTILE_JOB)
    assert f"<h1>TuneLab report: {html.escape(HOSTILE_JOB)}</h1>" in text
    assert f"<title>TuneLab report: {html.escape(HOSTILE_JOB)}</title>" in text
    assert {row[1] for row in _rows(text)} == {f"{HOSTILE_JOB}-{i:03d}" for i in range(1, 5)}


def test_a_group_report_overlays_the_best_so_far_curves_and_has_each_job_in_full(jobs, tmp_path, capsys):
    out = tmp_path / "race.html"
    assert main(["--store", jobs.url, "report", "iris-grid", "iris-random", "-o", str(out)]) == 0
    assert "2 tuning jobs, 12 training jobs" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    _offline(text)
    titles = _charts(text)
    assert titles == ["Best objective so far, by tuning job"] + [chart.title for chart in RESULTS_CHARTS] * 2
    overlay = text.split('<figure class="chart"')[1]
    assert '"name":"iris-grid"' in overlay and '"name":"iris-random"' in overlay
    assert "one seed each" in overlay and "one run with one seed: a gap between two curves can be luck" in text
    assert '<section id="job-1">' in text and '<section id="job-2">' in text
    assert "<h1>TuneLab report: iris-grid vs iris-random</h1>" in text

    mixed = report_html(jobs, ["iris-grid", "hyperband"])  # accuracy and rmse: no shared axis, said so
    assert "cannot share an axis" in mixed and "Best objective so far, by tuning job" not in mixed


def test_the_generalisation_check_uses_the_kept_models_only_and_says_how_to_rescore_more(jobs):
    job = jobs.get_tuning_job("held")
    text = report_html(jobs, "held")
    assert "Only the best 1 model is kept on disk" in text
    assert "python -m tuning show held --test --top-k 5" in text
    (row,) = _rows(text, "holdout")
    assert row[0] == job.best_training_job
    assert "Generalisation check" in _charts(text)

    check = generalisation_check(jobs, "held", top_k=3)  # retrains two models and keeps them
    assert all(model_is_saved(jobs, "held", r.training_job_name) for r in check.rows)
    again = report_html(jobs, "held")
    assert html.escape(check.sentence) in again
    assert "Only the best 3 models are kept on disk" in again
    assert [row[0] for row in _rows(again, "holdout")] == [r.training_job_name for r in check.rows]


def test_unknown_and_twice_named_jobs_are_refused_in_words(jobs, tmp_path, capsys):
    assert main(["--store", jobs.url, "report", "ghost", "-o", str(tmp_path / "x.html")]) == 2
    assert "no tuning job named 'ghost'" in capsys.readouterr().err
    assert main(["--store", jobs.url, "report", "iris-grid", "iris-grid"]) == 2
    assert "named twice" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_the_results_page_offers_the_report_as_a_download(jobs, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("TUNELAB_STORE_URL", jobs.url)
    app = AppTest.from_file("../views/results.py", default_timeout=60).run()
    assert not app.exception
    labels = [button.label for button in app.get("download_button")]
    assert "Download report (HTML)" in labels


# -- a real browser, no network ------------------------------------------------------------------------
@pytest.mark.browser
def test_the_file_draws_every_chart_in_chromium_with_the_network_blocked(jobs, page, tmp_path):
    files = {
        "race": write_report(jobs, ["iris-grid", "iris-random"], tmp_path / "race.html"),
        "hyperband": write_report(jobs, "hyperband", tmp_path / "hyperband.html"),
        "held": write_report(jobs, "held", tmp_path / "held.html"),
        "hostile": write_report(jobs, HOSTILE_JOB, tmp_path / "hostile.html"),
    }
    assert [report.charts for report in files.values()] == [1 + 2 * N_CHARTS, N_CHARTS, N_CHARTS + 1, N_CHARTS]
    left: list[str] = []

    def only_local(route) -> None:  # noqa: ANN001 - a Playwright Route
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.on("request", lambda request: None if request.url.startswith(("file:", "data:")) else left.append(request.url))
    assert page.viewport_size == {"width": 1280, "height": 720}
    shots: list[Path] = []

    def shot(name: str) -> None:
        shots.append(tmp_path / f"{len(shots) + 1:02d}-report-{name}.png")
        page.screenshot(path=shots[-1])

    for name, report in files.items():
        page.goto((tmp_path / f"{name}.html").as_uri())
        figures = page.locator("figure.chart")
        assert figures.count() == report.charts
        # plotly drew each one, seen or not: every chart's div holds its SVG.
        page.wait_for_function("""() => [...document.querySelectorAll('figure.chart')]
                                          .every(f => f.querySelector('.js-plotly-plot .main-svg'))""", timeout=30_000)
        assert page.evaluate("() => typeof window.__pwned") == "undefined"
        assert page.locator("img[src='x']").count() == 0
        shot(f"{name}-top")
        if name != "hostile":
            figures.nth(report.charts - 1).scroll_into_view_if_needed()
            shot(f"{name}-last-chart")
        if name == "hyperband":
            page.locator("table.training-jobs").scroll_into_view_if_needed()
            shot(f"{name}-table")
    assert left == [], f"requests left the page: {left[:5]}"
    if os.environ.get("TUNELAB_SCREENSHOTS"):
        folder = Path(os.environ["TUNELAB_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        for path in shots:
            shutil.copy(path, folder / path.name)


@pytest.mark.browser
def test_the_results_page_download_button_hands_over_the_report(page, dashboard_url, dashboard_home, tmp_path):
    """In a real dashboard: the button builds the report on the click, and the file is the engine's report."""
    from playwright.sync_api import expect

    store = Store(dashboard_home / "tunelab.db")
    grid = read_tuning_job_json(json.loads((ROOT / "examples" / "iris-grid.json").read_text()))
    run_tuning_job(grid.replace(name="report-download", strategy="Random", strategy_config={}, max_jobs=4), store)
    page.set_default_timeout(60_000)
    page.goto(f"{dashboard_url}/results?job=report-download")
    button = page.get_by_role("button", name=re.compile("Download report"))
    expect(button).to_be_visible(timeout=60_000)  # the first run of a page imports pandas, plotly, xgboost...
    page.screenshot(path=tmp_path / "report-results-button.png")
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename == "report-download-report.html"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "<h1>TuneLab report: report-download</h1>" in text and len(_charts(text)) == N_CHARTS
    assert {row[1] for row in _rows(text)} == {t.name for t in store.training_jobs("report-download")}
    if os.environ.get("TUNELAB_SCREENSHOTS"):
        shutil.copy(tmp_path / "report-results-button.png", Path(os.environ["TUNELAB_SCREENSHOTS"]))
