"""The charts of a tuning job's results, in one list: the Results page's tabs and the HTML report's figures.

Why a list here and not on the page: the report (:mod:`tuning.report`) draws every chart
the Results page draws, without Streamlit. With one list, a chart added for the page is
in the report too, built by the same call with the same inputs (ranges, baseline,
learning curves), so the file and the page cannot tell two stories.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuning.analysis.baseline import baseline_for_job
from tuning.job.config import TuningJobConfig
from tuning.visualization._best_so_far import plot_best_so_far
from tuning.visualization._common import BEST_LINES, MAX_LINES
from tuning.visualization._importance import plot_importance
from tuning.visualization._intermediate import plot_intermediate_values
from tuning.visualization._objective_surface import plot_objective_surface
from tuning.visualization._parallel_coordinates import plot_parallel_coordinates
from tuning.visualization._slice import plot_slice

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from tuning.records import TrainingJob, TuningJob


@dataclass(frozen=True)
class ResultsChart:
    """One chart of a tuning job's results: its title, the plot that draws it, and what the plot needs."""

    title: str
    plot: Callable[..., Any]  # a tuning.visualization plot_* function
    caption: str | None = None
    ranges: bool = True  # it takes the tuned ranges (axes, log scales)
    baseline: bool = False  # it draws the baseline beside the best job
    curves: bool = False  # it needs the learning curves, read from the store only for it
    axes: bool = False  # two hyperparameters are its axes (the page lets the user pick them)


RESULTS_CHARTS = (
    ResultsChart("Objective surface", plot_objective_surface, axes=True),
    ResultsChart("Best so far", plot_best_so_far, ranges=False, baseline=True),
    ResultsChart("Parallel coordinates", plot_parallel_coordinates,
                 caption=f"One line per completed job; above {MAX_LINES:,} jobs, the best {BEST_LINES} "
                         "and a random sample of the rest."),
    ResultsChart("Importance", plot_importance, ranges=False,
                 caption="How much each hyperparameter explains the objective (a random forest fitted to the "
                         "results)."),
    ResultsChart("Each hyperparameter", plot_slice),
    ResultsChart("Learning curves", plot_intermediate_values, ranges=False, baseline=True, curves=True,
                 caption="The objective after each round; dashed lines are jobs that early stopping or "
                         "Hyperband stopped, and the x marks when. With many jobs, a sample of the curves "
                         "is drawn over a band that holds most of them. Dotted lines are the same objective on "
                         "the training rows (a fixed sample of at most 5,000), for the best 5 jobs: training "
                         "still improving while validation is not is overfitting; hover one for the gap."),
)
"""The charts in their order on the Results page (its tabs) and in the report."""


def default_axes(names: Sequence[str]) -> tuple[str, str] | None:
    """The objective surface's axes before anyone picks: eta across and max_depth up when
    tuned (the course's pair), else the first two tuned hyperparameters; ``None`` under two."""
    if len(names) < 2:
        return None
    x = "eta" if "eta" in names else names[0]
    y = "max_depth" if "max_depth" in names and x != "max_depth" else next(name for name in names if name != x)
    return x, y


def results_figure(chart: ResultsChart, tuning_job: TuningJob, training_jobs: Sequence[TrainingJob],
                   *args: str) -> go.Figure:
    """Draw ``chart`` for one tuning job: the ranges and baseline it needs come from the stored job.

    ``training_jobs`` must carry their learning curves when ``chart.curves`` is set; ``args``
    are the objective surface's two axes. Raises :class:`~tuning.errors.ValidationError`
    where the plot does (two axes that are the same hyperparameter, say).
    """
    extra: dict[str, Any] = {}
    if chart.ranges:
        extra["ranges"] = TuningJobConfig.from_dict(tuning_job.config).resolved_ranges()
    if chart.baseline:
        extra["baseline"] = baseline_for_job(tuning_job)
    return chart.plot(training_jobs, *args, objective_name=tuning_job.objective_metric_name,
                      objective_type=tuning_job.objective_type, **extra)
