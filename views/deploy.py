"""Deploy: a training job's model answers new rows, from a CSV file, a form or a local endpoint.

The model is the training job's as tuned (trained on the training channel) or its final
model (retrained on train + validation, AMT's optional last step). Endpoints started here
run in threads of the dashboard's server process (:mod:`tuning.serving.endpoints`), so every
browser session sees them and can stop them.
"""

from __future__ import annotations

import csv
import datetime
import io

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from views.shared import get_store, literal, pick_tuning_job, show_chart, user_words
from tuning import Predictor, TuneLabError
from tuning.datasets import load_dataset
from tuning.serving.deploy import (
    artifact_archive,
    feature_schema,
    final_model_is_saved,
    typical_row,
    model_is_saved,
    predict_frame,
    read_rows_csv,
)
from tuning.classroom.endpoints import endpoints_seen_by, may_stop_endpoint, stop_endpoint_as
from tuning.serving.endpoints import start_endpoint
from tuning.serving.serve import describe_model, serve_model

MODEL_CHOICES = {
    True: "final (retrained on train + validation, AMT's last step)",
    False: "as tuned (trained on the training channel)",
}
DEFAULT_PORT = 8080


@st.cache_resource(show_spinner=False)
def _model(tuning_job: str, training_job: str, created_at: float, final: bool) -> Predictor:
    """One loaded (or trained) model per training job and kind, shared by every session.

    ``created_at`` is in the key so a tuning job deleted and run again under the same
    name does not get the old model.
    """
    return serve_model(get_store(), tuning_job, training_job, final=final)


@st.cache_data(show_spinner=False)
def _archive(tuning_job: str, training_job: str, created_at: float, final: bool) -> bytes:
    return artifact_archive(get_store(), tuning_job, training_job, final=final)


def _stop(port: int) -> None:
    """The Stop button's callback: another session may have stopped it already; in class mode only its owner may."""
    try:
        stop_endpoint_as(get_store(), port)
    except TuneLabError as error:
        st.session_state["deploy:endpoint-message"] = str(error)


def _curl_examples(url: str, row: dict) -> str:
    """Two shell commands a student can paste: the health check and one typical row."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(row.values())
    line = buffer.getvalue().replace("'", "'\\''")
    return (f"curl -s {url}/ping\n"
            f"curl -s -X POST -H 'Content-Type: text/csv' --data-binary '{line}' {url}/invocations")


st.title("Deploy")
st.caption("Deploying a model here means it answers new rows, like a SageMaker endpoint, but on this laptop.")

store = get_store()
job = pick_tuning_job(store)
if job is None:
    st.stop()
if not job.best_training_job:
    st.info(
        f"Tuning job **{job.name}** has no completed training job yet, so there is no model to deploy. "
        "Wait until one completes (see Monitor), or pick another tuning job, or launch one from Home."
    )
    st.stop()

completed = store.training_jobs(job.name, status="Completed")
maximize = job.objective_type == "Maximize"
others = sorted(
    (j for j in completed if j.name != job.best_training_job and j.final_objective_value is not None),
    key=lambda j: -j.final_objective_value if maximize else j.final_objective_value,
)
ordered = [j for j in completed if j.name == job.best_training_job] + others
values = {j.name: j.final_objective_value for j in ordered}


def _label(name: str) -> str:
    value = values.get(name)
    shown = f"{value:.5g}" if value is not None else "n/a"
    return f"{name}{' (best)' if name == job.best_training_job else ''} — {job.objective_metric_name} = {shown}"


training_job = st.selectbox("Training job", [j.name for j in ordered], format_func=_label)
st.caption(
    "The best training job's model is saved on disk. Any other completed training job's model was not "
    "kept: it is retrained once, on demand, with its own hyperparameters and seed, then saved."
)
final = st.radio(
    "Model", list(MODEL_CHOICES), format_func=MODEL_CHOICES.get, horizontal=True,
    index=0 if training_job == job.best_training_job else 1, key=f"deploy:{job.name}:{training_job}:model",
)
st.caption(
    "Tuning holds the validation channel back to score each training job. AMT's optional last step trains "
    "the chosen hyperparameters again on the training *and* validation rows, with the same seed and rounds: "
    "the final model. No rows are left to score it, so its quality is the promise of the objective above "
    "(measured before it saw the validation rows), not a new measurement. It is trained once, then saved."
)

try:
    if final:
        saved = final_model_is_saved(store, job.name, training_job)
        waiting = f"Training the final model of {training_job} on train + validation (once; it is saved)..."
    else:
        saved = model_is_saved(store, job.name, training_job)
        waiting = f"Retraining {training_job} (once; it is saved for next time)..."
    with st.spinner("Loading the model..." if saved else waiting):
        predictor = _model(job.name, training_job, job.created_at, final)
except TuneLabError as error:
    st.error(user_words(error))
    if final:
        st.info("The model as tuned may still load: choose **as tuned** above.")
    st.stop()
st.caption(f"Serving **{describe_model(predictor)}**.")
if left_out := (job.config or {}).get("ExcludeColumns"):
    st.caption(f"The tuning job left out {', '.join(map(literal, left_out))} (ExcludeColumns): the model does not "
               "use them, so they are not asked for below.")

with st.expander("Hyperparameters", expanded=True):
    st.dataframe(
        pd.DataFrame({"Hyperparameter": list(predictor.hyperparameters),
                      "Value": [str(v) for v in predictor.hyperparameters.values()]}),
        hide_index=True, width="stretch",
    )

csv_tab, form_tab = st.tabs(["Predict a CSV", "Type feature values"])
with csv_tab:
    st.caption(
        f"A CSV file with a header row and the feature columns {', '.join(predictor.feature_columns)}; "
        "other columns (such as the target) are kept but ignored."
    )
    uploaded = st.file_uploader("Rows to predict (CSV)", type=["csv"])
    if uploaded is not None:
        try:
            rows = read_rows_csv(predictor, uploaded.getvalue(), name=uploaded.name)
            result = predict_frame(predictor, rows)
        except TuneLabError as error:
            st.error(user_words(error))
        else:
            st.dataframe(result, width="stretch")
            st.download_button("Download predictions.csv", result.to_csv(index=False).encode("utf-8"),
                               file_name="predictions.csv", mime="text/csv")

@st.cache_data(max_entries=8, show_spinner=False)
def typical_feature_values(dataset_name: str) -> dict:
    """The form's starting row: medians and most frequent values of the job's data, if it loads."""
    try:
        return typical_row(load_dataset(dataset_name).features)
    except TuneLabError:  # a CSV path moved or deleted: the encoder's defaults will do
        return {}


with form_tab:
    schema = feature_schema(predictor, typical_feature_values(job.dataset))
    key = f"deploy:{job.name}:{training_job}"
    with st.form(f"{key}:form"):
        columns = st.columns(3)
        entered = {}
        for position, field in enumerate(schema):
            where = columns[position % 3]
            widget_key = f"{key}:{field.name}"
            if field.kind == "numeric":
                entered[field.name] = where.number_input(literal(field.name), value=float(field.default),
                                                         format="%.4f", key=widget_key)
            elif field.choices:
                index = field.choices.index(field.default) if field.default in field.choices else 0
                entered[field.name] = where.selectbox(literal(field.name), field.choices, index=index, key=widget_key)
            else:
                entered[field.name] = where.text_input(literal(field.name), value=str(field.default), key=widget_key)
        submitted = st.form_submit_button("Predict")
    if submitted:
        try:
            result = predict_frame(predictor, pd.DataFrame([entered]))
        except TuneLabError as error:
            st.error(user_words(error))
        else:
            prediction = result["prediction"].iloc[0]
            shown = f"{prediction:.6g}" if predictor.classes is None else str(prediction)
            st.success(f"Prediction: **{literal(shown)}**")
            if predictor.classes is not None:
                labels = [str(label) for label in predictor.classes]
                probabilities = [float(result[f"probability_{label}"].iloc[0]) for label in predictor.classes]
                figure = go.Figure(go.Bar(x=labels, y=probabilities))
                figure.update_layout(title="Class probabilities", xaxis_title="class",
                                     yaxis_title="probability", yaxis_range=[0, 1])
                show_chart(figure)

try:
    archive = _archive(job.name, training_job, job.created_at, final)
except TuneLabError as error:
    st.error(user_words(error))
else:
    st.download_button("Download model artifact (.zip)", archive,
                       file_name=f"{training_job}{'-final' if final else ''}.zip", mime="application/zip")

st.subheader("Endpoint")
st.caption(
    "A local endpoint answers HTTP requests as a SageMaker endpoint does (GET /ping, POST /invocations with "
    "text/csv or application/json), on this machine only (127.0.0.1). It runs inside the dashboard's server "
    "and keeps running when you close the tab, until you stop it here or the dashboard stops."
)
port = st.number_input("Port", min_value=1, max_value=65535, value=DEFAULT_PORT, step=1, key="deploy:port")
if st.button("Start endpoint"):
    try:
        started = start_endpoint(predictor, port=int(port), tuning_job_name=job.name)
    except TuneLabError as error:
        st.error(user_words(error))
    else:
        st.success(f"Endpoint running at {started.url}, serving {describe_model(predictor)}.")
st.caption("Try it from a terminal (the second command sends a typical row, the features in training order):")
st.code(_curl_examples(f"http://127.0.0.1:{int(port)}",
                       {f.name: f.default for f in feature_schema(predictor, typical_feature_values(job.dataset))}),
        language="bash")

message = st.session_state.pop("deploy:endpoint-message", None)
if message:
    st.error(literal(message))
running = endpoints_seen_by(store)  # class mode: the endpoints of the jobs this session may see
if not running:
    st.caption("No endpoint is running.")
for endpoint in running:
    text, stop = st.columns([5, 1])
    started_at = datetime.datetime.fromtimestamp(endpoint.started_at).strftime("%H:%M:%S")
    text.markdown(f"`{endpoint.url}` — {endpoint.tuning_job_name or ''} / {endpoint.training_job_name} "
                  f"({endpoint.model}), started {started_at}")
    stop.button("Stop", key=f"deploy:stop:{endpoint.port}", on_click=_stop, args=(endpoint.port,), width="stretch",
                disabled=not may_stop_endpoint(store, endpoint),
                help=None if may_stop_endpoint(store, endpoint) else "Another student's endpoint: only they or the "
                                                                     "teacher can stop it.")
