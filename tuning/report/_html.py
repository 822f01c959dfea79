"""The report's building blocks: escaped text, tables, embedded charts and the page around them.

Every string that came from a user or a file (job and dataset names, CSV column names,
hyperparameter values, failure reasons, the engine's sentences that quote them) goes
through :func:`esc` before it is put into the page: a CSV column called
``<script>...</script>`` is shown as those characters and never run. Markup is only ever
written here, from literals.

Charts are plotly figures turned into ``<div>``s that leave plotly.js out; the page
inlines plotly.js itself once (about 4.8 MB), in its ``<head>``, so every chart finds it
whatever the order the sections were built in, and the file draws its charts with no
network at all: on a train, in an exam room, years later.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import plotly.graph_objects as go

CHART_HEIGHT = "520px"
"""A figure without a height of its own gets this one (plotly's 450 px leaves titles cramped)."""


def esc(value: Any) -> str:
    """``value`` as text safe inside an HTML element or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def when(seconds: float | None) -> str:
    """An epoch time as "2026-12-01 14:52 UTC" (a report is read in other time zones)."""
    if seconds is None:
        return "-"
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def cell(value: Any) -> str:
    """A table cell's text: numbers readable, nothing shown for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return esc(value)


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, css_class: str = "") -> str:
    """A table with a header row; every cell escaped, wrapped so a wide one scrolls sideways."""
    head = "".join(f"<th>{esc(name)}</th>" for name in columns)
    body = "\n".join("<tr>" + "".join(f"<td>{cell(value)}</td>" for value in row) + "</tr>" for row in rows)
    return (f'<div class="table-wrap"><table class="{esc(css_class)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>\n{body}\n</tbody></table></div>")


def facts(pairs: Iterable[tuple[str, str]]) -> str:
    """A list of labelled facts; the values are HTML already (built with :func:`esc`)."""
    items = "\n".join(f"<dt>{esc(label)}</dt><dd>{value}</dd>" for label, value in pairs)
    return f'<dl class="facts">\n{items}\n</dl>'


def note(text_html: str, kind: str = "info") -> str:
    """A boxed paragraph: ``kind`` is info, warning or interim."""
    return f'<p class="note {esc(kind)}">{text_html}</p>'


def code_block(text: str) -> str:
    return f"<pre><code>{esc(text)}</code></pre>"


class Charts:
    """Turns plotly figures into ``<div>``s for one page; :func:`page` inlines plotly.js once for them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, figure: go.Figure, title: str, caption: str | None = None) -> str:
        """One chart as a ``<figure>`` with its title (for the table of contents) and caption."""
        self.count += 1
        div = figure.to_html(
            full_html=False, include_plotlyjs=False, include_mathjax=False,
            default_width="100%", default_height=CHART_HEIGHT,
            config={"displaylogo": False, "responsive": True},
        )
        caption_html = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
        return f'<figure class="chart" data-chart="{esc(title)}">{div}{caption_html}</figure>'


def plotly_js_version() -> str:
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


_STYLE = """
:root { --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --accent: #1f6feb; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 30px; margin: 8px 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 24px; margin: 40px 0 8px; padding-top: 8px; border-top: 2px solid var(--line);
     overflow-wrap: anywhere; }
h3 { font-size: 19px; margin: 28px 0 8px; overflow-wrap: anywhere; }
p, dd, li { overflow-wrap: anywhere; }
.lede { color: var(--muted); margin: 0 0 12px; }
nav.contents { font-size: 15px; color: var(--muted); margin: 8px 0 14px; }
nav.contents a { color: var(--accent); margin-right: 14px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 12px 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.note { padding: 10px 14px; border-left: 5px solid var(--accent); background: #eef4ff; margin: 10px 0; }
.note.warning { border-color: #d97706; background: #fff7e6; }
.note.interim { border-color: #b45309; background: #fff3c4; font-weight: 600; }
.finding { margin: 8px 0; }
.table-wrap { overflow-x: auto; max-height: 640px; overflow-y: auto; border: 1px solid var(--line); }
table { border-collapse: collapse; font-size: 14px; width: 100%; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
thead th { position: sticky; top: 0; background: #f0f4f8; }
tbody tr:nth-child(even) { background: #f8fafc; }
tr.best td { font-weight: 600; }
figure.chart { margin: 16px 0 28px; }
figcaption { color: var(--muted); font-size: 15px; }
pre { background: #f5f7fa; border: 1px solid var(--line); padding: 12px; overflow: auto; max-height: 520px;
      font-size: 13px; }
details { margin: 10px 0; }
summary { cursor: pointer; font-weight: 600; }
footer { color: var(--muted); font-size: 14px; margin-top: 48px; }
"""


def plotly_js() -> str:
    """plotly.js, inlined: the library the charts' ``<div>``s call."""
    from plotly.offline import get_plotlyjs

    return f'<script type="text/javascript">{get_plotlyjs()}</script>\n'


def page(title: str, body_html: str, *, footer_html: str = "", with_plotly: bool = True) -> str:
    """The whole document: no external stylesheet, font, script or image, so it opens offline."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{esc(title)}</title>\n<style>{_STYLE}</style>\n{plotly_js() if with_plotly else ''}"
            "</head>\n<body>\n<main>\n"
            f"{body_html}\n<footer>{footer_html}</footer>\n</main>\n</body>\n</html>\n")


def links(targets: Mapping[str, str]) -> str:
    """A row of in-page links: ``{anchor id: label}``."""
    return '<nav class="contents">' + "".join(
        f'<a href="#{esc(anchor)}">{esc(label)}</a>' for anchor, label in targets.items()) + "</nav>"
