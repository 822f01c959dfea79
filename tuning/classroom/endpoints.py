"""Local endpoints as one workspace sees them: those of the jobs it may see, stoppable only by their job's owner.

Why its own gate: an endpoint (:mod:`tuning.serving.endpoints`) runs in the dashboard's server
process and is shared by every session, like the store, but is no row of it. It belongs to
the tuning job whose model it serves, so the store's rule for that job decides: a student
stops the endpoints of their own jobs; the teacher any. With the plain store (outside class
mode) every endpoint is listed and may be stopped, as before.
"""

from __future__ import annotations

from tuning.classroom.scoped_store import WorkspaceStore
from tuning.errors import ValidationError
from tuning.serving.endpoints import Endpoint, list_endpoints, stop_endpoint
from tuning.store.database import Store

__all__ = ["endpoints_seen_by", "may_stop_endpoint", "stop_endpoint_as"]


def _job_workspace(store: WorkspaceStore, endpoint: Endpoint) -> str | None:
    name = endpoint.tuning_job_name
    return store.store.workspace_of(name) if name and store.store.tuning_job_exists(name) else None


def endpoints_seen_by(store: Store | WorkspaceStore) -> list[Endpoint]:
    """The running endpoints this store's workspace may see (every one outside class mode)."""
    running = list_endpoints()
    if not isinstance(store, WorkspaceStore):
        return running
    return [endpoint for endpoint in running if store.may_see(_job_workspace(store, endpoint))]


def may_stop_endpoint(store: Store | WorkspaceStore, endpoint: Endpoint) -> bool:
    """Whether this workspace may stop ``endpoint``: for a page to offer the button."""
    return not isinstance(store, WorkspaceStore) or store.may_change(_job_workspace(store, endpoint))


def stop_endpoint_as(store: Store | WorkspaceStore, port: int) -> None:
    """Stop the endpoint on ``port`` if this workspace may; else a ValidationError in words, the endpoint left running."""
    endpoint = next((endpoint for endpoint in list_endpoints() if endpoint.port == port), None)
    if endpoint is not None and not may_stop_endpoint(store, endpoint):
        raise ValidationError(f"the endpoint on port {port} serves tuning job {endpoint.tuning_job_name}, which is "
                              "not yours: only its owner or the teacher can stop it.")
    stop_endpoint(port)
