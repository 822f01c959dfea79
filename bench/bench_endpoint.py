"""How many requests the local endpoint answers, and how fast, with 1, 20 and 200 clients.

Usage::

    .venv/bin/python bench/bench_endpoint.py [--requests 2000] [--threads 32]

A tuning job of one training job (iris, XGBoost) is run in a temp folder, and its model is
served in a process of its own, twice in the same run:

- **TuneLab**: :func:`tuning.serving.serve.create_server` as ``python -m tuning serve``
  runs it (a listen backlog of 1024, a pool of ``--threads`` threads, request timeouts);
- **peer**: the same request handler on the standard library's ``ThreadingHTTPServer`` as
  it comes (a backlog of 5, a thread per connection): what the endpoint was before.

For each number of concurrent clients, every client posts one CSV row per request, each
on a new connection (HTTP/1.0, as most clients of a SageMaker-style endpoint do), until
``--requests`` requests have been sent in all. Printed: answered and failed requests,
requests per second, and the p50 and p99 latency; then TuneLab's figures over the peer's.
The clients are threads of this process, so on 2 cores they share the CPU with the
server: the figures compare the two servers, they are not a capacity planning number.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_SERVER = """
import sys
from tuning import Store
from tuning.serving import serve
if sys.argv[2] == "peer":
    from http.server import ThreadingHTTPServer
    serve.PooledHTTPServer = lambda address, handler, threads: ThreadingHTTPServer(address, handler)
predictor = serve.serve_model(Store(sys.argv[1]), "bench-endpoint", final=False)
server = serve.create_server(predictor, "127.0.0.1", 0, threads=int(sys.argv[3]))
print(server.server_address[1], flush=True)
server.serve_forever()
"""
_ROW = b"5.1,3.5,1.4,0.2\n"


def _train(home: Path) -> Path:
    from tuning import ContinuousParameter, Store, TuningJobConfig, run_tuning_job

    path = home / "tunelab.db"
    store = Store(path)
    run_tuning_job(TuningJobConfig(dataset="iris", hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
                                   static_hyperparameters={"num_round": 20}, strategy="Random", max_jobs=1,
                                   random_seed=1, name="bench-endpoint"), store)
    store.dispose()
    return path


def _post(port: int) -> float | None:
    """One request on a new connection: its latency in seconds, or None when it failed."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/invocations", body=_ROW, headers={"Content-Type": "text/csv"})
        response = connection.getresponse()
        response.read()
        return time.perf_counter() - started if response.status == 200 else None
    except OSError:
        return None
    finally:
        connection.close()


def _load(port: int, clients: int, requests: int) -> dict[str, float]:
    each = max(1, requests // clients)
    barrier = threading.Barrier(clients)

    def client(_: int) -> list[float | None]:
        barrier.wait()  # every client starts in the same instant
        return [_post(port) for _ in range(each)]

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = [latency for batch in pool.map(client, range(clients)) for latency in batch]
    wall = time.perf_counter() - started
    answered = sorted(latency for latency in results if latency is not None)
    quantiles = statistics.quantiles(answered, n=100) if len(answered) >= 2 else [float("nan")] * 99
    return {"sent": len(results), "answered": len(answered), "failed": len(results) - len(answered),
            "per_second": len(answered) / wall, "p50_ms": quantiles[49] * 1000, "p99_ms": quantiles[98] * 1000}


def _serve(store: Path, kind: str, threads: int, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen([sys.executable, "-c", _SERVER, str(store), kind, str(threads)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    port = int(process.stdout.readline())
    return process, port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per level of concurrency")
    parser.add_argument("--threads", type=int, default=32, help="TuneLab's pool size")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "TUNELAB_HOME": home, "PYTHONPATH": str(ROOT)}
        os.environ["TUNELAB_HOME"] = home
        store = _train(Path(home))
        figures: dict[tuple[str, int], dict[str, float]] = {}
        for kind in ("tunelab", "peer"):
            process, port = _serve(store, kind, args.threads, env)
            try:
                _load(port, 4, 40)  # warm up: the model's first predict loads XGBoost's booster
                for clients in (1, 20, 200):
                    figures[kind, clients] = _load(port, clients, args.requests)
            finally:
                process.terminate()
                process.wait(10)
    print(f"POST /invocations, one CSV row, a new connection per request; {args.requests} requests per level; "
          f"TuneLab's pool: {args.threads} threads; {os.cpu_count()} cores\n")
    print(f"{'server':8} {'clients':>7} {'answered':>9} {'failed':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for (kind, clients), row in figures.items():
        print(f"{kind:8} {clients:>7} {row['answered']:>9,.0f} {row['failed']:>7,.0f} {row['per_second']:>8.0f} "
              f"{row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f}")
    print("\nTuneLab over peer (req/s ratio; failed requests, TuneLab vs peer):")
    for clients in (1, 20, 200):
        ours, peer = figures["tunelab", clients], figures["peer", clients]
        print(f"  {clients:>3} clients: {ours['per_second'] / peer['per_second']:.2f}x; "
              f"failed {ours['failed']:.0f} vs {peer['failed']:.0f}")


if __name__ == "__main__":
    main()
