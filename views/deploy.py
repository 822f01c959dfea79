"""Deploy: a training job's model answers new rows, from a CSV file or a form."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from views.shared import get_store, pick_tuning_job
from tuning import Predictor, TuneLabError
from tuning.datasets import load_dataset
from tuning.deploy import (
    artifact_archive,
    feature_schema,
    typical_row,
    model_for_training_job,
    model_is_saved,
    predict_frame,
    read_rows_csv,
)


@st.cache_resource(show_spinner=False)
def _model(tuning_job: str, training_job: str, created_at: float) -> Predictor:
    """One loaded (or retrained) model per training job, shared by every session.

    ``created_at`` is in the key so a tuning job deleted and run again under the same
    name does not get the old model.
    """
    return model_for_training_job(get_store(), tuning_job, training_job)


@st.cache_data(show_spinner=False)
def _archive(tuning_job: str, training_job: str, created_at: float) -> bytes:
    return artifact_archive(get_store(), tuning_job, training_job)


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

try:
    saved = model_is_saved(store, job.name, training_job)
    with st.spinner("Loading the model..." if saved else f"Retraining {training_job} (once; it is saved for next time)..."):
        predictor = _model(job.name, training_job, job.created_at)
except TuneLabError as error:
    st.error(str(error))
    st.stop()

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
            st.error(str(error))
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
                entered[field.name] = where.number_input(field.name, value=float(field.default),
                                                         format="%.4f", key=widget_key)
            elif field.choices:
                index = field.choices.index(field.default) if field.default in field.choices else 0
                entered[field.name] = where.selectbox(field.name, field.choices, index=index, key=widget_key)
            else:
                entered[field.name] = where.text_input(field.name, value=str(field.default), key=widget_key)
        submitted = st.form_submit_button("Predict")
    if submitted:
        try:
            result = predict_frame(predictor, pd.DataFrame([entered]))
        except TuneLabError as error:
            st.error(str(error))
        else:
            prediction = result["prediction"].iloc[0]
            shown = f"{prediction:.6g}" if predictor.classes is None else str(prediction)
            st.success(f"Prediction: **{shown}**")
            if predictor.classes is not None:
                labels = [str(label) for label in predictor.classes]
                probabilities = [float(result[f"probability_{label}"].iloc[0]) for label in predictor.classes]
                figure = go.Figure(go.Bar(x=labels, y=probabilities))
                figure.update_layout(title="Class probabilities", xaxis_title="class",
                                     yaxis_title="probability", yaxis_range=[0, 1])
                st.plotly_chart(figure, width="stretch")

try:
    archive = _archive(job.name, training_job, job.created_at)
except TuneLabError as error:
    st.error(str(error))
else:
    st.download_button("Download model artifact (.zip)", archive, file_name=f"{training_job}.zip",
                       mime="application/zip")
