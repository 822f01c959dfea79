"""Hyperband, looked into: its brackets and rungs as the pruner planned them, and each job's path.

TuneLab's Hyperband strategy stops jobs with Optuna's ``HyperbandPruner``, running in the
tuning job's training board (:mod:`tuning.running.board`). That pruner runs one successive
halving per *bracket*: in bracket ``b`` a job is first judged at ``MinResource * 3**b``
rounds, and at each *rung* after it (three times the resource each time) only the best
third of the jobs that reached the rung go on. Which bracket a job is in is not stored:
the pruner derives it, deterministically, from a hash of its study's name and the trial's
number (``_get_bracket_id``). The board names its study after the tuning job (recorded as
``RunRecord.PrunerStudyName``) and, in a run that was not resumed, the trial numbers are
the training jobs' indexes, so this module rebuilds each job's bracket after the fact with
the pruner's own code, and reads each job's value at each rung from its stored curve.

Nothing is re-derived by hand: the number of brackets and each bracket's share of jobs come
from a ``HyperbandPruner`` built by :func:`tuning.job.early_stopping.create_pruner` with the
job's own MinResource and MaxResource (:func:`tuning.job.preparation.hyperband_resources`).
The *planned* jobs per rung are the Hyperband paper's plan (Li et al. 2018, Algorithm 1),
``n_i = floor(n * eta**-i)``, with ``n`` the bracket's allocation from the pruner; Optuna's
variant is asynchronous (the first job at a rung always goes on), so a run promotes more
than the plan when few jobs share a bracket. The diagram says both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING

import optuna

from tuning.algorithms import get_algorithm
from tuning.errors import ValidationError
from tuning.job.config import PRUNER_STUDY, RUN_RECORD, TuningJobConfig
from tuning.job.early_stopping import create_pruner
from tuning.job.preparation import default_max_resource, hyperband_resources
from tuning.records import TrainingJobStatus
from tuning.strategies import strategy_class

if TYPE_CHECKING:
    from optuna.pruners import HyperbandPruner

    from tuning.records import TrainingJob, TuningJob
    from tuning.store.database import Store

__all__ = ["HyperbandBracket", "HyperbandDiagram", "HyperbandJob", "HyperbandRung", "RungResult",
           "hyperband_diagram", "hyperband_pruner_plan"]

PROMOTED = "promoted"
CUT = "cut"
FINISHED = "finished"
"""Reached MaxResource: the job's full course (no decision there)."""
LEFT = "left before"
"""The job ended before this rung for another reason (failed, stopped by the user, still running)."""
NOT_REACHED = "not reached"
"""Cut at an earlier rung."""
REACHED = "reached"
"""At the rung, with no decision recorded (it was stopped there by the user, or is still running)."""


@dataclass(frozen=True)
class HyperbandRung:
    """One rung of a bracket: where jobs are judged, how many the plan takes there, how many got there."""

    resource: int
    """Rounds (epochs) trained when a job reaches this rung."""
    planned_jobs: int
    """The Hyperband paper's plan for one full round of brackets: ``floor(n * eta**-i)``."""
    expected_jobs: float
    """The plan scaled to this tuning job's MaxNumberOfTrainingJobs and the bracket's share."""
    decides: bool
    """False for the last rung, MaxResource itself: a job there has run its full course."""
    reached: int = 0
    promoted: int = 0
    cut: int = 0


@dataclass(frozen=True)
class HyperbandBracket:
    """One bracket: its rungs and its jobs' use of the resource."""

    bracket_id: int
    first_rung: int
    """The resource at which this bracket first judges a job (``MinResource * 3**bracket_id``)."""
    share: float
    """The pruner's share of trials for this bracket (its allocation budget over the total)."""
    planned_jobs: int
    """The paper's ``n`` for this bracket (the pruner's allocation budget)."""
    expected_jobs: float
    """``share * MaxNumberOfTrainingJobs``: how many of this tuning job's jobs the plan sends here."""
    rungs: list[HyperbandRung]
    jobs: list[int]
    """Indexes of the training jobs in this bracket."""
    resource_spent: int
    """Rounds the bracket's jobs trained, summed (each job to where it stopped)."""
    planned_resource: float
    """Rounds the plan would spend on ``expected_jobs`` jobs, cut exactly at the plan's rungs."""


@dataclass(frozen=True)
class RungResult:
    """A job at one rung of its bracket: its value there (read from its curve) and the verdict."""

    resource: int
    step: int | None
    """The curve's step the pruner judged: the first reported step at or after ``resource``."""
    value: float | None
    verdict: str


@dataclass(frozen=True)
class HyperbandJob:
    """One training job's path through its bracket."""

    index: int
    name: str
    bracket: int
    status: str
    stopped_reason: str | None
    stopped_at: int | None
    """The last step it trained (its bar's length); ``None`` without a curve."""
    final_objective_value: float | None
    rungs: list[RungResult]

    @property
    def cut_at(self) -> int | None:
        """The rung resource where Hyperband cut it, or ``None``."""
        return next((rung.resource for rung in self.rungs if rung.verdict == CUT), None)


@dataclass
class HyperbandDiagram:
    """A Hyperband tuning job's brackets and rungs, as planned and as they ran."""

    tuning_job_name: str
    study_name: str
    objective_name: str
    objective_type: str
    resource_name: str
    """The hyperparameter that is the resource (``num_round``, ``epochs``)."""
    resource_word: str
    """What one step is called (``round``, ``epoch``)."""
    min_resource: int
    max_resource: int
    reduction_factor: int
    max_jobs: int
    brackets: list[HyperbandBracket]
    jobs: list[HyperbandJob]
    notes: list[str] = field(default_factory=list)

    @property
    def resource_spent(self) -> int:
        return sum(bracket.resource_spent for bracket in self.brackets)

    def bracket(self, bracket_id: int) -> HyperbandBracket:
        return self.brackets[bracket_id]


def hyperband_pruner_plan(study_name: str, min_resource: int, max_resource: int,
                          direction: str = "Maximize") -> tuple[HyperbandPruner, optuna.study.Study]:
    """The pruner the board built for this job, initialised, and a study of the same name.

    Built with :func:`create_pruner`, as the board builds it; its private
    ``_try_initialization`` is what the pruner itself calls at its first decision (with an
    integer MaxResource it needs no trials), so its brackets are the ones that decided.
    """
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # as the board does: no "A new study created" line
    pruner = create_pruner("Hyperband", min_resource=min_resource, max_resource=max_resource)
    study = optuna.create_study(study_name=study_name, pruner=pruner,
                                direction="maximize" if direction == "Maximize" else "minimize")
    pruner._try_initialization(study)  # noqa: SLF001 - the pruner's own plan, not a copy of it
    return pruner, study


def _bracket_of(pruner: HyperbandPruner, study: optuna.study.Study, trial_number: int) -> int:
    return pruner._get_bracket_id(study, SimpleNamespace(number=trial_number))  # noqa: SLF001


def _ladder(min_resource: int, max_resource: int, eta: int, bracket_id: int) -> list[int]:
    """The bracket's rung resources below MaxResource, then MaxResource (the finish)."""
    rungs = []
    resource = min_resource * eta ** bracket_id
    while resource < max_resource:
        rungs.append(resource)
        resource *= eta
    return rungs + [max_resource]


def _plan(n: int, eta: int, ladder: list[int]) -> list[int]:
    """The paper's jobs per rung: ``floor(n * eta**-i)`` (each decision keeps a third, for eta 3)."""
    return [math.floor(n * eta ** -i + 1e-9) for i in range(len(ladder))]


def _planned_resource(expected: list[float], ladder: list[int]) -> float:
    """Rounds spent if the expected jobs are cut exactly at the plan's rungs."""
    spent = 0.0
    for i, resource in enumerate(ladder):
        going_on = expected[i + 1] if i + 1 < len(ladder) else 0.0
        spent += (expected[i] - going_on) * resource
    return spent


def _judged_step(curve: list[tuple[int, float]], resource: int) -> tuple[int, float] | None:
    """The first reported point at or after ``resource``: where the pruner judged the rung."""
    return next(((step, value) for step, value in curve if step >= resource), None)


def _job_path(job: TrainingJob, bracket_id: int, ladder: list[int]) -> HyperbandJob:
    curve = sorted((int(step), float(value)) for step, value in job.intermediate_values)
    last = curve[-1][0] if curve else None
    cut_by_pruner = job.status == TrainingJobStatus.STOPPED and job.stopped_reason == "Hyperband"
    results = []
    ended = False
    for position, resource in enumerate(ladder):
        decides = position < len(ladder) - 1
        point = _judged_step(curve, resource)
        if ended:
            results.append(RungResult(resource, None, None, NOT_REACHED))
            continue
        if point is None:
            results.append(RungResult(resource, None, None, LEFT))
            ended = True
            continue
        step, value = point
        if not decides:
            verdict = FINISHED
        elif step == last and cut_by_pruner:
            verdict, ended = CUT, True
        elif step == last and job.status != TrainingJobStatus.COMPLETED:
            verdict, ended = REACHED, True
        else:
            verdict = PROMOTED
        results.append(RungResult(resource, step, value, verdict))
    return HyperbandJob(
        index=job.index, name=job.name, bracket=bracket_id, status=job.status, stopped_reason=job.stopped_reason,
        stopped_at=last, final_objective_value=job.final_objective_value, rungs=results,
    )


def _hyperband_settings(tuning_job: TuningJob) -> tuple[TuningJobConfig, int, int, str, str]:
    config = TuningJobConfig.from_dict(tuning_job.config)
    algorithm = get_algorithm(tuning_job.algorithm)
    resolved = algorithm.resolve(dict(config.static_hyperparameters))
    min_resource, max_resource = hyperband_resources(
        config, default_max_resource(algorithm, resolved, config.resolved_ranges()))
    return config, int(min_resource), int(max_resource), algorithm.resource, algorithm.resource_step or "step"


def hyperband_diagram(store: Store, tuning_job_name: str) -> HyperbandDiagram:
    """The brackets, rungs and jobs of Hyperband tuning job ``tuning_job_name``.

    Refuses, in words, a job that did not run with the Hyperband strategy, and one recorded
    before TuneLab kept the pruner's study name (its brackets were drawn from a random name).
    """
    tuning_job = store.get_tuning_job(tuning_job_name)  # an unknown name: a ValidationError naming known jobs
    if not strategy_class(tuning_job.strategy).grows_resource:
        raise ValidationError(
            f"tuning job {tuning_job_name!r} ran with the {tuning_job.strategy} strategy, not Hyperband: it has no "
            "brackets or rungs to show. Pick a tuning job whose strategy is Hyperband"
            + (", or look at its median rule (early stopping Auto)."
               if tuning_job.config.get("TrainingJobEarlyStoppingType") == "Auto" else ".")
        )
    record = tuning_job.config.get(RUN_RECORD) or {}
    study_name = record.get(PRUNER_STUDY)
    if not study_name:
        raise ValidationError(
            f"tuning job {tuning_job_name!r} was run before TuneLab recorded the name of its Hyperband pruner's "
            "study, from which the pruner draws each job's bracket: its brackets cannot be reconstructed. "
            "Run it again (a new tuning job with the same settings) to see its brackets."
        )
    config, min_resource, max_resource, resource_name, word = _hyperband_settings(tuning_job)
    pruner, study = hyperband_pruner_plan(study_name, min_resource, max_resource, tuning_job.objective_type)
    eta = pruner._reduction_factor  # noqa: SLF001
    budgets = list(pruner._trial_allocation_budgets)  # noqa: SLF001
    total = sum(budgets)
    training_jobs = sorted(store.training_jobs(tuning_job_name), key=lambda job: job.index)
    jobs = []
    for job in training_jobs:  # a run not resumed: the board's trial number is the job's index
        bracket_id = _bracket_of(pruner, study, job.index)
        jobs.append(_job_path(job, bracket_id, _ladder(min_resource, max_resource, eta, bracket_id)))
    brackets = []
    for bracket_id, budget in enumerate(budgets):
        ladder = _ladder(min_resource, max_resource, eta, bracket_id)
        planned = _plan(budget, eta, ladder)
        share = budget / total
        expected = [count * share * tuning_job.max_jobs / budget for count in planned]
        members = [job for job in jobs if job.bracket == bracket_id]
        rungs = []
        for position, (resource, count) in enumerate(zip(ladder, planned)):
            verdicts = [job.rungs[position].verdict for job in members]
            rungs.append(HyperbandRung(
                resource=resource, planned_jobs=count, expected_jobs=expected[position],
                decides=position < len(ladder) - 1,
                reached=sum(v in (PROMOTED, CUT, FINISHED, REACHED) for v in verdicts),
                promoted=verdicts.count(PROMOTED), cut=verdicts.count(CUT),
            ))
        brackets.append(HyperbandBracket(
            bracket_id=bracket_id, first_rung=ladder[0], share=share, planned_jobs=budget,
            expected_jobs=share * tuning_job.max_jobs, rungs=rungs, jobs=[job.index for job in members],
            resource_spent=sum(job.stopped_at or 0 for job in members),
            planned_resource=_planned_resource(expected, ladder),
        ))
    notes = [
        f"Brackets are reconstructed with the pruner's own assignment (a hash of the study name {study_name!r} "
        "and each job's trial number); rung values are read from the stored learning curves.",
        f"Planned jobs per rung are the Hyperband plan for one full round of brackets ({total} jobs); this tuning "
        f"job ran {len(jobs)} of at most {tuning_job.max_jobs}, and Optuna's Hyperband always lets the first job "
        "at a rung go on, so with few jobs per bracket more are promoted than planned.",
    ]
    if record.get("Resumes"):
        notes.append(
            "This tuning job was resumed: the pruner restarted its study at the resume and numbered the jobs it "
            "heard again in the order they had finished, so the brackets shown for jobs run after the resume "
            "(by their index) may not be the ones that judged them."
        )
    strays = [job.name for job in jobs if job.status == TrainingJobStatus.STOPPED
              and job.stopped_reason == "Hyperband" and job.cut_at is None]
    if strays:
        notes.append(f"{len(strays)} job(s) stopped by Hyperband at a step that is not a rung of their reconstructed "
                     f"bracket ({', '.join(strays[:5])}): the reconstruction does not match the run there.")
    return HyperbandDiagram(
        tuning_job_name=tuning_job_name, study_name=study_name, objective_name=tuning_job.objective_metric_name,
        objective_type=tuning_job.objective_type, resource_name=resource_name, resource_word=word,
        min_resource=min_resource, max_resource=max_resource, reduction_factor=eta, max_jobs=tuning_job.max_jobs,
        brackets=brackets, jobs=jobs, notes=notes,
    )
