"""Datasets: look at the bundled and uploaded datasets, and upload a CSV of your own."""

from __future__ import annotations

import re
import time

import streamlit as st

from tuning.datasets.profile import DatasetProfile, profile_dataset
from tuning.datasets import PROBLEM_TYPES, Dataset, DatasetInfo, load_dataset
from tuning.errors import TuneLabError
from tuning.job.form_values import Key
from tuning.datasets.uploads import (
    UPLOAD_MAX_MB,
    delete_uploaded_dataset,
    is_uploaded_dataset,
    save_uploaded_dataset,
    upload_columns,
    uploaded_at,
    uploaded_dataset_workspace,
)
from tuning.visualization import plot_target_distribution
from views.shared import PROBLEM_TYPE_SHORT, literal, owner_words, session_uploads, show_chart, user_words, visible_datasets

HEADER_CHOICES = {"Detect": None, "First row is a header": True, "No header (SageMaker format, label first)": False}
INFER = "Infer from the target"


@st.cache_resource(max_entries=8, show_spinner="Reading the dataset…")
def cached_dataset(info: DatasetInfo, version: float) -> tuple[Dataset, DatasetProfile]:
    """Read and profile once per dataset version: bank-marketing has 41,188 rows.

    ``version`` is an upload's time (0 for a bundled dataset), so an upload replaced under
    the same name is read again rather than shown from the cache.
    """
    dataset = load_dataset(info.name)
    return dataset, profile_dataset(dataset)


def slug(file_name: str) -> str:
    """A dataset name from a file name: 'My Sales (2024).csv' -> 'my-sales-2024'."""
    stem = re.sub(r"\.csv$", "", file_name, flags=re.IGNORECASE).lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:63] or "my-data"


def preview(info: DatasetInfo) -> None:
    """Everything to look at before tuning on ``info``'s dataset, and the way to tune on it."""
    try:
        version = uploaded_at(info.name) if is_uploaded_dataset(info.name) else 0.0
        dataset, profile = cached_dataset(info, version)
    except TuneLabError as error:
        st.error(user_words(error), icon=":material/error:")
        return
    when = f" on {time.strftime('%Y-%m-%d %H:%M', time.localtime(version))}" if version else ""
    st.caption(f"{literal(info.description)}  \nSource: {literal(info.source)}{when}")
    cells = st.columns(4)
    cells[0].metric("Rows", f"{profile.rows:,}")
    cells[1].metric("Feature columns", profile.features)
    cells[2].metric("Problem type", PROBLEM_TYPE_SHORT[profile.problem_type].capitalize(), help=profile.problem_type)
    cells[3].metric("Target column", profile.target_name)
    for note in dataset.notes:
        st.info(literal(note), icon=":material/info:")
    leak_warnings(info, dataset)
    st.markdown("**First rows**")
    head = dataset.features.head(20).copy()
    head.insert(0, dataset.target_name, dataset.target.head(20))
    st.dataframe(head, width="stretch", hide_index=True, height=300)
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**Columns** — {profile.missing_total:,} missing values in all")
        st.dataframe(profile.columns, width="stretch", hide_index=True, height=300,
                     column_config={"missing %": st.column_config.NumberColumn(format="%.1f %%")})
    with right:
        show_chart(plot_target_distribution(dataset))
    if st.button("Tune a model on this dataset", icon=":material/add_circle:", type="primary"):
        open_create(info.name)


def leak_warnings(info: DatasetInfo, dataset: Dataset) -> None:
    """A warning per column that leaks the answer, with a button to tune without it."""
    for column in info.leaky_columns:
        if column not in dataset.features.columns:
            continue
        warning, action = st.columns([3, 1], vertical_alignment="center")
        warning.warning(f"`{literal(column)}` leaks the answer: it is only known after the outcome, so a model "
                        "that reads it scores very well here and cannot be used on new cases, before the "
                        "outcome. Leave it out of the tuning job.", icon=":material/warning:")
        # A short label: "Leave `duration` out in a new tuning job" was cut off at 1280 px.
        if action.button(f"Tune without `{literal(column)}`", key=f"datasets.leave_out.{column}",
                         help="Opens Create with this column left out (ExcludeColumns).",
                         icon=":material/visibility_off:", width="stretch"):
            open_create(info.name, leave_out=[column])


def open_create(name: str, leave_out: list[str] | None = None) -> None:
    """Hand the dataset (and the columns to leave out) to the Create page, and go there."""
    st.session_state[Key.DATASET_HANDOVER] = name
    if leave_out is not None:
        st.session_state[Key.EXCLUDE_HANDOVER] = leave_out
    try:
        st.switch_page("views/create.py")
    except st.errors.StreamlitAPIException:  # page run on its own (tests): no navigation
        left_out = f", with {', '.join(map(literal, leave_out))} left out" if leave_out else ""
        st.info(f"Open the Create tuning job page: this dataset is selected there{left_out}.")


def upload_form() -> None:
    """Pick a CSV, say how to read it, save it: every refusal is shown, and nothing is kept."""
    uploaded = st.file_uploader(
        "CSV file", type=["csv"],
        help=f"At most {UPLOAD_MAX_MB} MB. Either a header row naming the columns (you pick the target), "
             "or SageMaker's headerless format with the label in the first column.",
    )
    if uploaded is None:
        st.caption(f"Comma-separated, UTF-8, at most {UPLOAD_MAX_MB} MB; one example per row.")
        return
    data = uploaded.getvalue()
    if len(data) > UPLOAD_MAX_MB * 2**20:
        st.error(f"{literal(uploaded.name)} is {len(data) / 2**20:.1f} MB, over the {UPLOAD_MAX_MB} MB limit. "
                 "Upload a sample of its rows instead.", icon=":material/error:")
        return
    header = HEADER_CHOICES[st.radio("Header row", list(HEADER_CHOICES), horizontal=True, key="upload.header")]
    columns, headerless = upload_columns(data, header=header)  # [] if unreadable: saving says why
    if headerless:
        st.caption(f"Read without a header (SageMaker's format): {len(columns)} columns, the first is the "
                   f"label and the others become {columns[1] if len(columns) > 1 else 'f1'} … {columns[-1]}.")
    elif columns:
        st.caption(f"Columns read from the header row ({len(columns)}): " + ", ".join(map(literal, columns[:30]))
                   + (f" and {len(columns) - 30} more" if len(columns) > 30 else ""))
    name_column, target_column, type_column = st.columns(3)
    name = name_column.text_input("Dataset name", value=slug(uploaded.name), key=f"upload.name.{uploaded.name}")
    if headerless or not columns:
        target = None
        target_column.text_input("Target column", value="the first column (label)" if headerless else "",
                                 disabled=True, key="upload.target.fixed")
    else:
        target = target_column.selectbox("Target column", columns, index=len(columns) - 1,
                                         key=f"upload.target.{uploaded.name}",
                                         help="The column the models learn to predict.")
    problem = type_column.selectbox("Problem type", [INFER, *PROBLEM_TYPES], key="upload.problem",
                                    help="Inferred: text or few whole numbers mean classes; other numbers, regression.")
    replace = is_uploaded_dataset(name) and st.checkbox(f"Replace the uploaded dataset {name!r}")
    if st.button("Save dataset", icon=":material/save:", key="upload.save"):
        try:
            uploads = session_uploads()  # class mode: stamped with the workspace, another's never replaced
            dataset = (uploads.save if uploads is not None else save_uploaded_dataset)(
                data, name=name.strip(), target=target, header=header, original_name=uploaded.name,
                problem_type=None if problem == INFER else problem, replace=replace,
            )
        except TuneLabError as error:
            st.error(user_words(error), icon=":material/error:")
        else:
            st.session_state["datasets.pending"] = dataset.name  # selected on the rerun
            st.session_state["datasets.flash"] = (
                f"Saved **{dataset.name}**: {dataset.rows:,} rows, {dataset.features.shape[1]} features, "
                f"{dataset.problem_type}. It is selected above and listed on the Create tuning job page.")
            st.rerun()


def source_label(info: DatasetInfo) -> str:
    """"bundled", "uploaded", or in class mode whose upload it is ("uploaded by Ann")."""
    if info.source != "uploaded by you":
        return "bundled"
    if session_uploads() is None:
        return "uploaded"
    return f"uploaded by {owner_words(uploaded_dataset_workspace(info.name))}"


st.title("Datasets")
st.caption("The data a tuning job learns from. Look before you tune: rows, column types, gaps, "
           "and how the target is spread.")

infos = visible_datasets()
by_name = {info.name: info for info in infos}
sources = {info.name: source_label(info) for info in infos}  # read in this run (a picker formats later too)
pending = st.session_state.pop("datasets.pending", None)  # a widget's value is set before it is drawn
if pending in by_name:
    st.session_state["datasets.chosen"] = pending
elif st.session_state.get("datasets.chosen") not in by_name:
    st.session_state.pop("datasets.chosen", None)
if "datasets.flash" in st.session_state:
    st.success(st.session_state.pop("datasets.flash"), icon=":material/check_circle:")
chosen = st.selectbox(
    "Dataset", list(by_name), key="datasets.chosen",
    format_func=lambda n: f"{n} — {sources[n]}",
)
info = by_name[chosen]
preview(info)
uploads = session_uploads()
if is_uploaded_dataset(info.name) and (uploads is None or uploads.may_change(info.name)):
    with st.expander(f"Delete {info.name}"):
        sure = st.checkbox("Yes, delete this uploaded dataset (tuning jobs already run on it keep their results)")
        if st.button("Delete", disabled=not sure, key="datasets.delete"):
            try:
                (uploads.delete if uploads is not None else delete_uploaded_dataset)(info.name)
            except TuneLabError as error:
                st.error(user_words(error), icon=":material/error:")
                st.stop()
            st.session_state["datasets.pending"] = infos[0].name
            st.session_state["datasets.flash"] = f"Deleted the uploaded dataset **{info.name}**."
            st.rerun()

st.subheader("Upload a CSV")
upload_form()
