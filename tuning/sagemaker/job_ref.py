"""``tuner.latest_tuning_job``: the SDK's handle on the last tuning job a tuner launched.

One class for both tuners (:class:`tuning.sagemaker.tuner.HyperparameterTuner` and, over
several definitions, :class:`tuning.sagemaker.definitions_tuner.DefinitionsTuner`): it asks
its tuner, which knows whether the name is one tuning job or a group of them. A handle made
without a tuner (a definition's member, seen from ``best_estimator``) has only its name.
"""

from __future__ import annotations

from typing import Any

from tuning.errors import ValidationError

__all__ = ["TuningJobRef"]


class TuningJobRef:
    """A name, and the SDK's ``describe``, ``wait`` and ``stop``, answered by the tuner."""

    def __init__(self, tuner: Any, name: str) -> None:
        self._tuner = tuner
        self.name = name

    @property
    def job_name(self) -> str:
        return self.name

    def _asked(self) -> Any:
        if self._tuner is None:
            raise ValidationError(f"the tuning job {self.name!r} is one definition's part of a group: describe, "
                                  "wait for or stop the group through its tuner.")
        return self._tuner

    def describe(self) -> dict[str, Any]:
        return self._asked().describe()

    def wait(self) -> Any:
        return self._asked().wait()

    def stop(self) -> None:
        self._asked().stop_tuning_job()

    def __repr__(self) -> str:
        return f"_TuningJob(name={self.name!r})"
