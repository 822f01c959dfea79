"""``HyperparameterTuner.create(estimator_dict=...)`` with several estimators: AWS's TrainingJobDefinitions.

The SDK's notebook code runs as it is::

    tuner = HyperparameterTuner.create(
        estimator_dict={"xgboost": xgb, "linear": ll},
        objective_metric_name_dict={"xgboost": "validation:auc", "linear": "validation:auc"},
        hyperparameter_ranges_dict={"xgboost": {...}, "linear": {...}},
        base_tuning_job_name="bc-multi", strategy="Bayesian", max_jobs=4, max_parallel_jobs=2)
    tuner.fit(inputs={"xgboost": {"train": ..., "validation": ...}, "linear": {...}})
    tuner.best_training_job()          # the best across the definitions
    tuner.best_estimator()             # that definition's estimator, attached to it
    tuner.analytics().dataframe()      # with the SDK's TrainingJobDefinitionName column

Each estimator is first a one-definition tuner of its own (the SDK's ``_add_estimator``;
here :class:`~tuning.sagemaker.tuner.HyperparameterTuner` with ``estimator_name``, whose
checks, the metric against the objective type, the ranges against the algorithm, run at
once). ``fit`` builds each one's configuration the way that tuner would, and hands the lot
to the group's one gate (:meth:`tuning.job.definitions.TrainingJobDefinitionsConfig.check`)
and runner (:mod:`tuning.running.definitions_run`); the results are the group's
(:mod:`tuning.running.definitions_group`, :func:`tuning.sagemaker.analytics.describe_group`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from tuning.job.naming import stamped_name
from tuning.sagemaker.job_ref import TuningJobRef
from tuning.errors import ValidationError
from tuning.job.definitions import TrainingJobDefinitionsConfig, member_name
from tuning.running.definitions_group import definitions_group
from tuning.running.definitions_run import DefinitionsHandle, prepare_definitions, run_definitions, stop_members
from tuning.sagemaker.analytics import HyperparameterTuningJobAnalytics, describe_tuning_job
from tuning.sagemaker.inputs import resolve_channels

__all__ = ["DefinitionsTuner", "attach_group"]

Tuner = Any
"""A one-definition :class:`tuning.sagemaker.tuner.HyperparameterTuner` (not imported: tuner.py calls this module)."""


class DefinitionsTuner:
    """The SDK's tuner over several estimators; see the module docstring. Built by ``create``."""

    def __init__(self, tuners: Mapping[str, Tuner], *, base_tuning_job_name: str | None = None) -> None:
        self._tuners = dict(tuners)
        first = next(iter(self._tuners.values()))
        self.store, self.scheduler = first.store, first.scheduler
        self.estimator = None  # the SDK's: a tuner made by create has estimator_dict instead
        self.estimator_dict = {name: tuner.estimator for name, tuner in self._tuners.items()}
        self.objective_metric_name_dict = {name: tuner.objective_metric_name for name, tuner in self._tuners.items()}
        self.metric_definitions_dict = {name: tuner.metric_definitions for name, tuner in self._tuners.items()
                                        if tuner.metric_definitions is not None}
        self.objective_type, self.strategy = first.objective_type, first.strategy
        self.max_jobs, self.max_parallel_jobs = first.max_jobs, first.max_parallel_jobs
        self.base_tuning_job_name = base_tuning_job_name
        self.latest_tuning_job: TuningJobRef | None = None
        self._current_job_name: str | None = None
        self._handle: DefinitionsHandle | None = None

    def hyperparameter_ranges_dict(self) -> dict[str, dict[str, Any]]:
        """Each estimator's ranges, by estimator name."""
        return {name: dict(tuner.hyperparameter_ranges) for name, tuner in self._tuners.items()}

    def _group_name(self, job_name: str | None) -> str:
        """``job_name``, or the SDK's ``<base>-<timestamp>`` cut so that every ``<name>-<definition>`` fits 32."""
        if job_name is not None:
            return job_name
        longest = max(len(member_name("", name)) for name in self._tuners)  # "-<definition>"
        first = next(iter(self._tuners))
        return stamped_name(str(self.base_tuning_job_name or "tuning"),
                            lambda name: self.store.tuning_job_exists(member_name(name, first)),
                            room=max(15, 32 - longest))

    def fit(self, inputs: Any = None, job_name: str | None = None, include_cls_metadata: Any = None,
            estimator_kwargs: Any = None, wait: bool = True, **kwargs: Any) -> None:
        """Start the tuning job; ``inputs`` by estimator name, as the SDK's ``_fit_with_estimator_dict``
        takes them (``{"xgboost": {"train": ..., "validation": ...}, ...}``)."""
        if self._handle is not None and self._handle.running:
            raise ValidationError(f"tuning job {self._handle.name!r} of this tuner is still running: call wait() "
                                  "or stop_tuning_job() before fit() again.")
        names = list(self._tuners)
        if inputs is not None and (not isinstance(inputs, Mapping) or set(inputs) - set(names)):
            raise ValidationError(f"fit: inputs must be a dict using {sorted(names)} (the estimator names) as keys, "
                                  f"such as {{{names[0]!r}: {{'train': ..., 'validation': ...}}}}, but got {inputs!r:.200}.")
        configs = {}
        for name, tuner in self._tuners.items():
            channels = None if inputs is None else inputs.get(name)
            try:
                train, validation = resolve_channels(channels, target=tuner.estimator.target,
                                                     inputs_dir=self.store.artifact_dir.parent / "inputs")
            except ValidationError as error:
                raise ValidationError(f"fit: inputs[{name!r}]: {error}") from None
            configs[name] = tuner._config(train.source, validation=None if validation is None else validation.source,
                                          target=train.target)
        group = TrainingJobDefinitionsConfig(self._group_name(job_name), configs)
        prepared = prepare_definitions(group, self.store)  # the one gate, then each definition against its data
        for name, job in prepared:
            self._tuners[name].estimator.check_problem_type(job.train.problem_type)
        self._current_job_name = str(group.name)
        self.latest_tuning_job = TuningJobRef(self, str(group.name))
        if not wait:
            self._handle = DefinitionsHandle(group, prepared, self.store, scheduler=self.scheduler)
            return
        print(f"Tuning job {group.name}: {len(prepared)} training job definitions "
              f"({', '.join(f'{name} {job.max_jobs} jobs' for name, job in prepared)}), "
              f"{group.max_parallel_jobs} at a time", flush=True)
        found = run_definitions(group, self.store, prepared=prepared, scheduler=self.scheduler)
        best = found.best_training_job()
        print(f"Tuning job {found.name}: {found.status}"
              + (f"; best {best['TrainingJobName']} ({best['TrainingJobDefinitionName']}, "
                 f"{best['FinalHyperParameterTuningJobObjectiveMetric']['Value']:.6g})" if best else ""), flush=True)

    def wait(self) -> Any:
        """Block until the tuning job ends; return the group as stored."""
        name = self._require_job("wait")
        if self._handle is not None and self._handle.name == name:
            return self._handle.wait()
        while definitions_group(self.store, name).is_active:
            time.sleep(0.5)
        return definitions_group(self.store, name)

    def stop_tuning_job(self) -> None:
        """Ask every definition's tuning job to stop."""
        group = definitions_group(self.store, self._require_job("stop_tuning_job"))
        stop_members(self.store, [job.name for job in group.members.values() if job is not None], group=group.name)

    def describe(self) -> dict[str, Any]:
        """DescribeHyperParameterTuningJob's answer, TrainingJobDefinitions and all."""
        return describe_tuning_job(self.store, self._require_job("describe"))

    def analytics(self) -> HyperparameterTuningJobAnalytics:
        return HyperparameterTuningJobAnalytics(self._require_job("analytics"), store=self.store)

    def _get_best_training_job(self) -> dict[str, Any]:
        name = self._require_job("best_training_job")
        group = definitions_group(self.store, name)
        best = group.best_training_job()
        if best is None:
            raise ValidationError(f"best_training_job: tuning job {name!r} ({group.status}) has no completed training "
                                  f"job{' yet; wait() for it' if group.is_active else ''}. "
                                  + (f"Its failures: {group.failure_reason}" if group.failure_reason else
                                     "Look at analytics().dataframe() for what became of its training jobs."))
        return best

    def best_training_job(self) -> str:
        """The name of the best training job across the definitions."""
        return str(self._get_best_training_job()["TrainingJobName"])

    def _member_tuner(self, best_training_job: str | Mapping[str, Any] | None) -> tuple[Tuner, str]:
        """The definition's own tuner, pointed at its tuning job, and the training job's name."""
        group = definitions_group(self.store, self._require_job("best_estimator"))
        chosen = self._get_best_training_job() if best_training_job is None else best_training_job
        if isinstance(chosen, str):
            chosen = {"TrainingJobName": chosen, "TrainingJobDefinitionName": group.definition_of_training_job(chosen)}
        if not isinstance(chosen, Mapping) or "TrainingJobName" not in chosen:
            raise ValidationError("best_training_job must be the SDK's dict ({'TrainingJobName': ..., "
                                  f"'TrainingJobDefinitionName': ...}}) or a training job's name, but got {chosen!r:.200}.")
        definition = chosen.get("TrainingJobDefinitionName") or group.definition_of_training_job(str(chosen["TrainingJobName"]))
        if definition not in self._tuners or group.members.get(definition) is None:
            raise ValidationError(f"best_estimator: {chosen['TrainingJobName']!r} is not a training job of this tuning "
                                  f"job's definitions ({', '.join(self._tuners)}).")
        tuner = self._tuners[definition]
        tuner.latest_tuning_job = TuningJobRef(None, group.members[definition].name)  # type: ignore[union-attr]
        return tuner, str(chosen["TrainingJobName"])

    def best_estimator(self, best_training_job: str | Mapping[str, Any] | None = None) -> Any:
        """The best training job's estimator (``estimator_dict[TrainingJobDefinitionName]``, as the SDK picks it)
        with that job's hyperparameters, attached to it."""
        tuner, name = self._member_tuner(best_training_job)
        return tuner.best_estimator(name)

    def deploy(self, *args: Any, **kwargs: Any) -> Any:
        """A local endpoint for the best training job across the definitions (see the one-definition ``deploy``)."""
        tuner, _ = self._member_tuner(None)
        return tuner.deploy(*args, **kwargs)

    def _require_job(self, what: str) -> str:
        if self.latest_tuning_job is None:
            raise ValidationError(f"{what}: this tuner has no tuning job yet. Call fit(inputs) first, or "
                                  "HyperparameterTuner.attach(tuning_job_name) for an existing one.")
        return self.latest_tuning_job.name


def attach_group(tuner_class: Any, name: str, store: Any) -> DefinitionsTuner:
    """``HyperparameterTuner.attach`` for a tuning job over several definitions: each definition's
    tuner attached to its tuning job, gathered again."""
    group = definitions_group(store, name)
    missing = [definition for definition, job in group.members.items() if job is None]
    if missing:
        raise ValidationError(f"attach: tuning job {name!r} never started definition(s) {', '.join(missing)}; "
                              f"`python -m tuning resume {name}` runs them first.")
    tuners = {}
    for definition, job in group.members.items():
        tuner = tuner_class.attach(job.name, store=store)  # type: ignore[union-attr]
        tuner.estimator_name = definition
        tuners[definition] = tuner
    attached = DefinitionsTuner(tuners)
    attached.latest_tuning_job = TuningJobRef(attached, name)
    attached._current_job_name = name
    return attached
