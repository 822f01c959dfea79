"""Fair share: a server-wide limit on training jobs running at once, granted round-robin between students.

In class mode thirty students may each launch a tuning job with three parallel training
jobs on one lab machine. Each tuning job has its own worker pool
(:mod:`tuning.running.runner`), so without a gate the first student to launch 50 parallel
jobs takes every core and the others wait behind them. The gate here holds the number of
training jobs running at once in this server process to a limit (the machine's cores, or
the Dask cluster's worker threads, or the teacher's number), and when slots are short it
hands each freed slot to the student served longest ago, then, within that student, to
their tuning job served longest ago. Everyone who waits is served within one turn of the
others: nobody starves, however many jobs the first student launched.

It is no scheduler. The worker pool (or Dask) still runs every training job, as before;
the gate only decides *whose* training job is released to its pool next. Why written
here: Dask's and the process pool's queues are per pool (one per tuning job), Dask's own
fairness is between tasks, not between the people who submitted them, and Optuna and
scikit-learn have no notion of several studies sharing cores. Nothing public shares slots
between tuning jobs of different people in one process.

How a tuning job's loop uses it, through a :class:`Ticket` (one per run of the loop):

- :meth:`Ticket.allow` each turn: "I have ``in_flight`` training jobs, and would start
  ``want`` more": the slots of jobs that ended go back, and it returns how many may start now.
- :meth:`Ticket.withdraw` when the tuning job stops: it stops waiting.
- :meth:`Ticket.close` on every way out of the loop (end, failure, Ctrl-C, stop): its
  slots go back and its "queued" line in the store is cleared. ``with ticket:`` does it.

While it waits, :meth:`Ticket.queue_status` says where it stands ("queued: 12 training
jobs ahead"), and :meth:`Ticket.show` writes that line to the tuning job's
``queue_status`` in the store (when it changed), which the Monitor page reads. Counting
ahead follows the same turns the gate will take, as if slots came free one at a time.

Outside class mode, with no limit set, a loop gets :data:`UNLIMITED`: every call is a
no-op that allows what is asked, so nothing changes. The gate is per process: the
dashboard's tuning jobs share it; a ``python -m tuning run`` in another process does not.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tuning.classroom.settings import ClassSettings, load_class_settings
from tuning.classroom.workspace import TEACHER_KEY
from tuning.errors import StoreWriteError

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["LOCAL_POOL_KEY", "UNLIMITED", "AdmissionGate", "Ticket", "Unlimited", "admission_for", "gate_for",
           "queue_words"]

LIVE_WRITE_SECONDS = 1.0
"""How often a job that waits with nothing running writes its heartbeat and queued line (the runner's pace)."""
LOCAL_POOL_KEY = "local"
"""The gate of this machine's worker processes; a Dask cluster's gate is keyed by its scheduler's address."""


def queue_words(ahead: int | None, cap: int | None) -> str:
    """The queued line, in the student's words: ``ahead`` None means their own limit holds them."""
    if ahead is None:
        return (f"queued: you have {cap} training job{'s' if cap != 1 else ''} running, the class limit per student; "
                "the next starts when one of yours ends")
    if ahead == 0:
        return "queued: next to start when a training slot frees"
    return f"queued: {ahead} training job{'s' if ahead != 1 else ''} ahead"


@dataclass(eq=False)
class Ticket:
    """One run of a tuning job's loop at the gate: its slots in use, granted and wanted."""

    gate: AdmissionGate
    workspace: str | None
    """The job's ``workspace`` column (None: made outside class mode; such jobs share one turn)."""
    name: str
    arrival: int
    in_use: int = 0
    """Slots of training jobs in flight (as the loop last said, plus those it took since)."""
    granted: int = 0
    """Slots set aside for it, not yet taken (it takes them at its next turn)."""
    wanted: int = 0
    """Slots it would take now, counting the granted ones."""
    served: int = -1
    """When it was last granted a slot (the gate's count of grants); -1: never."""
    shown: str | None = field(default=None, repr=False)
    written: float = field(default=float("-inf"), repr=False)
    store: Any = field(default=None, repr=False)

    @property
    def short(self) -> int:
        """Slots it waits for, beyond those already granted."""
        return max(0, self.wanted - self.granted)

    @property
    def limited(self) -> bool:
        """True: a real gate (the loop then does not queue jobs ahead in its pool, where they would hold slots)."""
        return True

    @property
    def waiting(self) -> bool:
        """Whether it would start more training jobs than it may now."""
        with self.gate.condition:
            return self.wanted > 0

    def allow(self, want: int, *, in_flight: int) -> int:
        """With ``in_flight`` training jobs submitted, how many of ``want`` more may start now (0 to want)."""
        with self.gate.condition:
            self.in_use = max(0, in_flight)
            self.wanted = max(0, want)
            self.gate._distribute()
            take = min(self.wanted, self.granted)
            self.granted -= take
            self.in_use += take
            self.wanted -= take
            if self.granted:  # set aside while it wanted more than it does now: back to the others
                self.granted = 0
                self.gate._distribute()
            return take

    def wait_for_slot(self, timeout: float, store: Any = None) -> None:
        """Block until a slot is granted, it stops wanting one, or ``timeout`` seconds pass (a stop is heard then).

        With ``store``, a job waiting with nothing running still beats its heart and keeps its
        queued line current, once every :data:`LIVE_WRITE_SECONDS`: a job queued for minutes is
        not taken for a dead one by a reader on another machine.
        """
        with self.gate.condition:
            self.gate.condition.wait_for(lambda: self.granted > 0 or self.wanted == 0 or self.gate.closed(self),
                                         timeout)
        if store is not None and time.monotonic() - self.written >= LIVE_WRITE_SECONDS:
            store.heartbeat(self.name)
            self.show(store)
            self.written = time.monotonic()

    def withdraw(self) -> None:
        """Stop waiting (the tuning job is stopping): what it was set aside goes to the others."""
        with self.gate.condition:
            self.wanted = self.granted = 0
            self.gate._distribute()

    def ahead(self) -> int | None:
        """Training jobs of others that will start before this one's next; None when its own student's limit holds it."""
        return self.gate.ahead(self)

    def queue_status(self) -> str | None:
        """"queued: N training jobs ahead" while it waits with nothing granted; None otherwise."""
        with self.gate.condition:
            if self.short <= 0:
                return None
            return queue_words(self.gate.ahead(self), self.gate.caps.get(self.workspace))

    def show(self, store: Any) -> None:
        """Write :meth:`queue_status` to the store when it changed (the Monitor page reads it)."""
        text = self.queue_status()
        if text != self.shown:
            store.update_tuning_job(self.name, queue_status=text)
            self.shown, self.store = text, store

    def close(self) -> None:
        """Leave the gate: every slot back, the queued line cleared (a refused write leaves it, said by the job's end)."""
        self.gate.leave(self)
        if self.shown is not None and self.store is not None:
            try:
                self.store.update_tuning_job(self.name, queue_status=None)
                self.shown = None
            except StoreWriteError:
                pass  # the store refuses writes: the job is Interrupted, and the line is read only while active

    def __enter__(self) -> Ticket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AdmissionGate:
    """The slots of one pool of workers (this machine's, or one Dask cluster's), granted round-robin."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, int(limit))
        self.condition = threading.Condition()
        self.tickets: list[Ticket] = []
        self.caps: dict[str | None, int] = {}
        """Per workspace: most slots it may hold at once (students with a teacher's limit only)."""
        self.workspace_served: dict[str | None, int] = {}
        self.arrivals: dict[str | None, int] = {}
        self.grants = 0
        self.granted_per_workspace: Counter[str | None] = Counter()
        """Slots granted to each workspace since the server started: the teacher's check that the share was fair."""
        self.recent: list[str | None] = []
        """The workspaces of the last grants, oldest first (at most :attr:`RECENT` of them)."""
        self._arrived = 0

    RECENT = 1000

    def configure(self, limit: int | None = None) -> None:
        """A new limit (the teacher changed it, a Dask cluster grew): slots freed by it are granted at once."""
        with self.condition:
            if limit is not None:
                self.limit = max(1, int(limit))
            self._distribute()

    def open(self, workspace: str | None, name: str, *, cap: int | None = None) -> Ticket:
        """A ticket for a run of tuning job ``name`` of ``workspace``; ``cap`` its student's limit at once (None: none)."""
        with self.condition:
            self._arrived += 1
            ticket = Ticket(self, workspace, name, arrival=self._arrived)
            self.tickets.append(ticket)
            self.arrivals.setdefault(workspace, self._arrived)
            if cap is None:
                self.caps.pop(workspace, None)
            else:
                self.caps[workspace] = cap
            return ticket

    def leave(self, ticket: Ticket) -> None:
        with self.condition:
            if ticket in self.tickets:
                self.tickets.remove(ticket)
            ticket.in_use = ticket.granted = ticket.wanted = 0
            self._distribute()

    def closed(self, ticket: Ticket) -> bool:
        return ticket not in self.tickets

    @property
    def in_use(self) -> int:
        """Slots held (in use or set aside) by every ticket."""
        with self.condition:
            return sum(ticket.in_use + ticket.granted for ticket in self.tickets)

    def held(self, workspace: str | None) -> int:
        with self.condition:
            return sum(ticket.in_use + ticket.granted for ticket in self.tickets if ticket.workspace == workspace)

    def _distribute(self) -> None:
        """Grant free slots, one at a time, to whoever's turn it is (the caller holds the condition)."""
        used = sum(ticket.in_use + ticket.granted for ticket in self.tickets)
        held = Counter()
        for ticket in self.tickets:
            held[ticket.workspace] += ticket.in_use + ticket.granted
        short = {ticket: ticket.short for ticket in self.tickets}
        served = {ticket: ticket.served for ticket in self.tickets}
        granted_any = False
        while used < self.limit:
            ticket = _next_turn(self.tickets, short, held, self.caps, self.workspace_served, served, self.arrivals)
            if ticket is None:
                break
            ticket.granted += 1
            short[ticket] -= 1
            held[ticket.workspace] += 1
            used += 1
            self.grants += 1
            ticket.served = served[ticket] = self.workspace_served[ticket.workspace] = self.grants
            self.granted_per_workspace[ticket.workspace] += 1
            self.recent.append(ticket.workspace)
            del self.recent[:-self.RECENT]
            granted_any = True
        if granted_any:
            self.condition.notify_all()

    def ahead(self, target: Ticket) -> int | None:
        """Grants to others before ``target``'s next, following the gate's own turns; None if its cap holds it."""
        with self.condition:
            if target.short <= 0:
                return 0
            held = Counter()
            for ticket in self.tickets:
                held[ticket.workspace] += ticket.in_use + ticket.granted
            short = {ticket: ticket.short for ticket in self.tickets}
            served = {ticket: ticket.served for ticket in self.tickets}
            workspace_served = dict(self.workspace_served)
            clock, count = self.grants, 0
            while True:
                ticket = _next_turn(self.tickets, short, held, self.caps, workspace_served, served, self.arrivals)
                if ticket is None:
                    return None  # only its own student's limit is left in the way
                if ticket is target:
                    return count
                count += 1
                clock += 1
                short[ticket] -= 1
                held[ticket.workspace] += 1
                served[ticket] = workspace_served[ticket.workspace] = clock


def _next_turn(tickets: Iterable[Ticket], short: dict[Ticket, int], held: Counter, caps: dict[str | None, int],
               workspace_served: dict[str | None, int], served: dict[Ticket, int],
               arrivals: dict[str | None, int]) -> Ticket | None:
    """Whose turn: the waiting workspace served longest ago (under its cap), then its ticket served longest ago.

    Never served counts as longest ago; ties go to who came first. A pure function of its
    arguments, so the gate's grants and its count of who is ahead take the same turns.
    """
    waiting = [ticket for ticket in tickets if short[ticket] > 0
               and (caps.get(ticket.workspace) is None or held[ticket.workspace] < caps[ticket.workspace])]
    if not waiting:
        return None
    workspace = min({ticket.workspace for ticket in waiting},
                    key=lambda key: (workspace_served.get(key, -1), arrivals.get(key, 0)))
    return min((ticket for ticket in waiting if ticket.workspace == workspace),
               key=lambda ticket: (served[ticket], ticket.arrival))


class Unlimited:
    """The gate outside class mode with no limit set: it allows what is asked and writes nothing."""

    limited = False
    waiting = False

    def allow(self, want: int, *, in_flight: int) -> int:
        return want

    def wait_for_slot(self, timeout: float) -> None:
        return None

    def withdraw(self) -> None:
        return None

    def show(self, store: Any) -> None:
        return None

    def close(self) -> None:
        return None

    def __enter__(self) -> Unlimited:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


UNLIMITED = Unlimited()

_GATES: dict[str, AdmissionGate] = {}
_GATES_LOCK = threading.Lock()


def gate_for(key: str, limit: int | None = None) -> AdmissionGate:
    """The process's gate for a pool of workers (``LOCAL_POOL_KEY`` or a scheduler's address), made at first use."""
    with _GATES_LOCK:
        gate = _GATES.get(key)
        if gate is None:
            gate = _GATES[key] = AdmissionGate(limit or 1)
            return gate
    if limit is not None:
        gate.configure(limit)
    return gate


def _pool_slots(cluster: Client | None) -> tuple[str, Callable[[], int]]:
    """Which gate, and its default limit: this machine's cores, or the cluster's worker threads."""
    if cluster is None:
        return LOCAL_POOL_KEY, lambda: os.cpu_count() or 1
    return str(cluster.scheduler_info()["address"]), lambda: sum(cluster.nthreads().values()) or 1


def admission_for(store: Any, name: str, *, cluster: Client | None = None,
                  settings: ClassSettings | None = None) -> Ticket | Unlimited:
    """The ticket a run of tuning job ``name`` takes training slots with (:data:`UNLIMITED` outside class mode).

    In class mode, or when the teacher set a server-wide limit, the job joins the gate of
    its pool under its ``workspace`` column; a student's job is capped by the teacher's
    per-student limit, the teacher's and the lab's are not.
    """
    settings = settings if settings is not None else load_class_settings()
    if not settings.enabled and settings.max_running_training_jobs is None:
        return UNLIMITED
    key, default = _pool_slots(cluster)
    gate = gate_for(key, settings.max_running_training_jobs or default())
    workspace = store.workspace_of(name)
    student = settings.enabled and workspace not in (None, TEACHER_KEY)
    return gate.open(workspace, name, cap=settings.student_max_parallel_training_jobs if student else None)
