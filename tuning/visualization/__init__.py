"""Charts of tuning jobs, as plotly figures (in the spirit of ``optuna.visualization``).

Every function takes engine records (:class:`~tuning.records.TrainingJob` objects, as
``Store.training_jobs(name)`` returns them) and returns a ``plotly.graph_objects.Figure``
labelled for a projector: a title, axis titles that name the objective metric and its
direction ("validation:auc — higher is better"), log axes for Logarithmic ranges. The
dashboard only shows them (``st.plotly_chart(figure)``); nothing here imports Streamlit.

>>> from tuning.visualization import plot_best_so_far
>>> jobs = store.training_jobs(tuning_job.name)  # doctest: +SKIP
>>> figure = plot_best_so_far(jobs, objective_name=tuning_job.objective_metric_name,
...                           objective_type=tuning_job.objective_type)  # doctest: +SKIP
"""

from __future__ import annotations

from tuning.visualization._best_so_far import plot_best_so_far
from tuning.visualization._common import BEST_LINES, MAX_LINES
from tuning.visualization._compare import plot_compare_best_so_far
from tuning.visualization._datasets import plot_target_distribution
from tuning.visualization._holdout import plot_generalisation_check
from tuning.visualization._hyperband import plot_hyperband
from tuning.visualization._importance import hyperparameter_importance, plot_importance
from tuning.visualization._intermediate import plot_intermediate_values
from tuning.visualization._lab import plot_lab_curves
from tuning.visualization._leaderboard import plot_leaderboard
from tuning.visualization._median_rule import plot_median_rule
from tuning.visualization._objective_surface import plot_objective_surface
from tuning.visualization._parallel_coordinates import plot_parallel_coordinates
from tuning.visualization._results import RESULTS_CHARTS, ResultsChart, default_axes, results_figure
from tuning.visualization._replay import numeric_names, plot_coverage, plot_surrogate_plane, plot_surrogate_slice
from tuning.visualization._tpe_densities import plot_tpe_densities
from tuning.visualization._seed_bands import plot_seed_bands_by_job, plot_seed_bands_by_seconds
from tuning.visualization._slice import plot_slice

__all__ = [
    "BEST_LINES",
    "MAX_LINES",
    "RESULTS_CHARTS",
    "ResultsChart",
    "default_axes",
    "hyperparameter_importance",
    "numeric_names",
    "plot_coverage",
    "plot_best_so_far",
    "plot_compare_best_so_far",
    "plot_generalisation_check",
    "plot_hyperband",
    "plot_importance",
    "plot_target_distribution",
    "plot_intermediate_values",
    "plot_lab_curves",
    "plot_leaderboard",
    "plot_median_rule",
    "plot_objective_surface",
    "plot_parallel_coordinates",
    "plot_seed_bands_by_job",
    "plot_seed_bands_by_seconds",
    "plot_slice",
    "plot_surrogate_plane",
    "plot_surrogate_slice",
    "plot_tpe_densities",
    "results_figure",
]
