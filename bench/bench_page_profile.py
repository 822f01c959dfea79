"""Where a page's time in chromium goes: JS self time by script, DOM nodes, main-thread CPU.

Usage::

    git worktree add /tmp/before 273ce7c
    .venv/bin/python bench/bench_page_profile.py --before /tmp/before --after . --page create --repeats 5

Why this and not only ``bench_pages_side_by_side.py``: on a shared 2-core machine a page's
wall time is mostly the sum of the server's and the browser's CPU, and another program's load
moves it by more than the difference looked for. V8's sampling profile (CDP ``Profiler``) says
which of Streamlit's frontend scripts the time is spent in (``StreamlitSyntaxHighlighter`` is
``st.code``, ``DataFrame`` the data editor), and the renderer's main-thread CPU
(``Performance.getMetrics`` ThreadTime) and DOM size change far less with load. Loads
alternate between the two servers, the first of each not counted, as in the side-by-side bench.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pages_side_by_side import _one_load, _serve_checkout  # noqa: E402


def _self_time_by_script(profile: dict) -> collections.Counter:
    """Milliseconds of samples whose innermost frame is in each script (or V8's (idle), (program), (gc))."""
    nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    interval_ms = (profile["endTime"] - profile["startTime"]) / max(1, len(profile["samples"])) / 1000
    by_script: collections.Counter = collections.Counter()
    for node_id, count in collections.Counter(profile["samples"]).items():
        frame = nodes[node_id]
        by_script[frame["url"].rsplit("/", 1)[-1] or frame["functionName"] or "(native)"] += count * interval_ms
    return by_script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the checkout to compare against")
    parser.add_argument("--after", type=Path, default=Path("."), help="the checkout measured (default: here)")
    parser.add_argument("--page", default="create")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--top", type=int, default=12, help="how many scripts to list")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sides = {"before": args.before.resolve(), "after": args.after.resolve()}
    scripts = {side: collections.Counter() for side in sides}
    figures: dict[str, dict[str, list[float]]] = {side: collections.defaultdict(list) for side in sides}
    with tempfile.TemporaryDirectory() as home:
        servers = {side: _serve_checkout(root, home) for side, root in sides.items()}
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=["--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
                tabs = {}
                for side, (_, url) in servers.items():  # one tab per server; the first load warms it
                    tab = browser.new_page(viewport={"width": 1280, "height": 720})
                    _one_load(tab, f"{url}/{args.page}")
                    cdp = tab.context.new_cdp_session(tab)
                    cdp.send("Profiler.enable")
                    cdp.send("Profiler.setSamplingInterval", {"interval": 200})  # microseconds
                    cdp.send("Performance.enable")
                    tabs[side] = (tab, cdp, url)
                for _ in range(args.repeats):
                    for side, (tab, cdp, url) in tabs.items():
                        tab.bring_to_front()
                        cdp.send("Profiler.start")
                        seconds = _one_load(tab, f"{url}/{args.page}")
                        scripts[side].update(_self_time_by_script(cdp.send("Profiler.stop")["profile"]))
                        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                        figures[side]["wall s"].append(seconds)
                        figures[side]["main-thread CPU s"].append(metrics["ThreadTime"])
                        figures[side]["DOM nodes"].append(tab.evaluate("document.getElementsByTagName('*').length"))
                browser.close()
        finally:
            for server, _ in servers.values():
                os.killpg(server.pid, 15)
                server.wait(timeout=30)
    print(f"{args.page} in chromium 1280x720, {args.repeats} alternating loads each (fresh store)")
    print(f"{'median':32s}{'before':>10s}{'after':>10s}")
    for name in figures["before"]:
        print(f"{name:32s}" + "".join(f"{statistics.median(figures[side][name]):10.4g}" for side in sides))
    print(f"{'JS self time, ms per load':32s}{'before':>10s}{'after':>10s}")
    names = set(scripts["before"]) | set(scripts["after"])
    for name in sorted(names, key=lambda n: -max(scripts[side][n] for side in sides))[:args.top]:
        print(f"{name[:31]:32s}" + "".join(f"{scripts[side][name] / args.repeats:10.0f}" for side in sides))
    print(f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")


if __name__ == "__main__":
    main()
