"""What the search-space lint finds: the rules' names and thresholds, and one finding with its fix.

A module of its own so that the rules (:mod:`tuning.explain.lint`) and the runtime estimate
(:mod:`tuning.explain.runtime_estimate`) share one :class:`Finding` without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["BEST_ON_EDGE", "BUDGET", "EDGE_SHARE", "JOBS_PER_HYPERPARAMETER", "LINEAR_OVER_DECADES",
           "MIN_NO_EFFECT_JOBS", "NO_EFFECT", "NO_EFFECT_SHARE", "RUNTIME_ESTIMATE", "Finding", "fix_label", "number_text"]

# Rule ids
BEST_ON_EDGE = "best-on-edge"
LINEAR_OVER_DECADES = "linear-over-decades"
BUDGET = "budget"
NO_EFFECT = "no-effect"
RUNTIME_ESTIMATE = "runtime-estimate"

EDGE_SHARE = 0.02
"""The best job is "on the edge" within this share of the range's width (on its scaling)."""
JOBS_PER_HYPERPARAMETER = 10
"""A rule of thumb for searches that sample (Random, Bayesian, TPE, Hyperband): at least this
many training jobs per tuned hyperparameter, or the search hardly sees each one's effect."""
NO_EFFECT_SHARE = 0.02
"""Below this share of the importance, a hyperparameter had no measurable effect."""
MIN_NO_EFFECT_JOBS = 10
"""Importance from fewer Completed training jobs is too rough to call anything ineffective."""


@dataclass(frozen=True)
class Finding:
    """One thing the lint found: which rule, how serious, a sentence, and a fix a page can apply."""

    rule: str
    """One of the rule ids: best-on-edge, linear-over-decades, budget, no-effect, runtime-estimate."""
    severity: str
    """``"warning"`` (likely to cost results) or ``"info"`` (worth knowing)."""
    message: str
    """For a student: what was found, why it matters, and what to do."""
    fix: Mapping[str, Any] | None = None
    """Machine-readable, for :func:`apply_fix`; ``None`` when there is nothing to click."""
    hyperparameter: str | None = None
    """The hyperparameter the finding is about, if one."""

    @property
    def label(self) -> str:
        """The fix's button text: ``Set max_depth's MaxValue to 20``; empty without a fix."""
        return fix_label(self.fix) if self.fix else ""


def fix_label(fix: Mapping[str, Any]) -> str:
    """A fix in words, short enough for a button."""
    if "max_jobs" in fix:
        return f"Raise MaxNumberOfTrainingJobs to {fix['max_jobs']:,}"
    name = fix.get("hyperparameter")
    if "ScalingType" in fix:
        return f"Search {name} on {fix['ScalingType']} scaling"
    if "StaticValue" in fix:
        return f"Stop tuning {name}: fix it at {number_text(fix['StaticValue'])}"
    bounds = [f"{key} to {number_text(fix[key])}" for key in ("MinValue", "MaxValue") if key in fix]
    return f"Set {name}'s {' and '.join(bounds)}"


def number_text(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


# -- fixes ---------------------------------------------------------------------------------
