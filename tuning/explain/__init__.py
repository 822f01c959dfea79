"""Why a tuning job went as it did: its strategy replayed step by step (:func:`replay`).

>>> from tuning.explain import replay
>>> steps = replay(store, "bank-bayes").steps()  # doctest: +SKIP
"""

from __future__ import annotations

from tuning.explain.replay import Replay, ReplayStep, proposed_by, replay

__all__ = ["Replay", "ReplayStep", "proposed_by", "replay"]
