"""Local endpoints running in background threads of this process, as the dashboard starts them.

``python -m tuning serve`` gives a model a process of its own. The dashboard instead
starts an endpoint beside itself: :func:`start_endpoint` binds a server made by
:func:`tuning.serving.serve.create_server` (SageMaker's contract: GET /ping, POST /invocations)
and runs its ``serve_forever`` loop in a daemon thread, so the endpoint lives as long as
the dashboard's server process and ends with it. The registry is module-level, keyed by
port and guarded by a lock: every browser session sees the same endpoints and can stop
them. Endpoints bind 127.0.0.1 by default, so only this machine can reach them.

>>> endpoint = start_endpoint(predictor, port=0)        # doctest: +SKIP
>>> endpoint.url                                        # doctest: +SKIP
'http://127.0.0.1:40123'
>>> stop_endpoint(endpoint.port)                        # doctest: +SKIP
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tuning.errors import ValidationError
from tuning.serving.serve import create_server

if TYPE_CHECKING:
    from tuning.serving.artifacts import Predictor

__all__ = ["Endpoint", "list_endpoints", "start_endpoint", "stop_endpoint"]

STOP_TIMEOUT_SECONDS = 5.0
"""How long :func:`stop_endpoint` waits for the serving thread to end after shutdown."""


@dataclass(frozen=True)
class Endpoint:
    """One running local endpoint: where it listens and which model it serves."""

    host: str
    port: int
    training_job_name: str
    final: bool
    started_at: float
    tuning_job_name: str | None = None
    _server: Any = field(default=None, repr=False, compare=False)
    _thread: threading.Thread | None = field(default=None, repr=False, compare=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def model(self) -> str:
        """``"final"`` (retrained on train + validation) or ``"as tuned"``."""
        return "final" if self.final else "as tuned"


_endpoints: dict[int, Endpoint] = {}
_lock = threading.Lock()


def start_endpoint(predictor: Predictor, host: str = "127.0.0.1", port: int = 0, *,
                   tuning_job_name: str | None = None) -> Endpoint:
    """Serve ``predictor`` on ``host:port`` from a background thread; return the endpoint.

    ``port=0`` picks any free port (see :attr:`Endpoint.port`). A port in use (by another
    endpoint or program) is refused with a :class:`~tuning.errors.ValidationError`.
    """
    from tuning.serving.artifacts import Predictor

    if not isinstance(predictor, Predictor):
        raise ValidationError(
            f"start_endpoint needs a Predictor (from tuning.serving.serve.serve_model or tuning.load_predictor), "
            f"but got {type(predictor).__name__}."
        )
    with _lock:
        if port in _endpoints:
            running = _endpoints[port]
            raise ValidationError(
                f"port {port} is already in use by the endpoint of {running.training_job_name} "
                f"({running.url}). Stop it first, or pick another port."
            )
        server = create_server(predictor, host, port)  # a busy or bad port: ValidationError
        bound_host, bound_port = server.server_address[:2]
        thread = threading.Thread(target=server.serve_forever, name=f"tunelab-endpoint-{bound_port}", daemon=True)
        endpoint = Endpoint(
            host=str(bound_host), port=int(bound_port), training_job_name=predictor.training_job_name,
            final=predictor.final, started_at=time.time(), tuning_job_name=tuning_job_name,
            _server=server, _thread=thread,
        )
        thread.start()
        _endpoints[endpoint.port] = endpoint
    return endpoint


def stop_endpoint(port: int) -> None:
    """Stop the endpoint on ``port`` and free the port; unknown ports are refused clearly."""
    with _lock:
        endpoint = _endpoints.pop(port, None)
        if endpoint is None:
            running = ", ".join(str(p) for p in sorted(_endpoints)) or "none"
            raise ValidationError(
                f"no endpoint is running on port {port!r} (ports of running endpoints: {running})."
            )
    endpoint._server.shutdown()  # ends serve_forever; then the socket is closed
    endpoint._server.server_close()
    if endpoint._thread is not None:
        endpoint._thread.join(STOP_TIMEOUT_SECONDS)


def list_endpoints() -> list[Endpoint]:
    """The running endpoints, by port."""
    with _lock:
        return [_endpoints[port] for port in sorted(_endpoints)]
