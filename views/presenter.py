"""Presenter mode, the page styling and the one way pages draw a chart.

Why a module of its own: a teacher projects TuneLab at 1280x720 to a class. In presenter
mode the layout is compact (less blank space above titles, smaller gaps), the sidebar
starts collapsed, charts and tables use larger fonts, Monitor puts the live chart above
the fold and Create shows one section per tab. Every page draws its charts through
:func:`show_chart`, so the fonts and the light or dark template are applied in one place.

How it is remembered: Streamlit has no localStorage API, so the choice lives in two
places. The session state keeps it while the browser tab stays open (page to page), and
the ``?present=1`` query parameter carries it in the URL: :func:`keep_in_url` writes it
back at every page run (a page change in the sidebar drops the URL's parameters), so a
reload, a bookmark or a link pasted into course notes opens in presenter mode.
``?present=0`` turns it off.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

PRESENT_PARAM = "present"
PRESENT_KEY = "presenter.on"  # the sidebar toggle's key: its value is the session's choice
PRESENTER_FONT_SCALE = 1.25  # chart fonts in presenter mode, relative to the engine's (16 px text, 22 px titles)
LONG_AXIS_TITLE = 24  # a longer axis or colour-bar title ("validation:accuracy — higher is better") is not enlarged
LONG_TITLE = 50  # nor a chart title longer than this many characters: it would not fit at 1024 px

# What Streamlit's stock layout wastes at 1280x720: 6rem above every title and 5rem each side.
# Normal mode keeps a little; presenter mode just clears the header bar, with tighter gaps.
_NORMAL_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding: 2.5rem 2.5rem 3rem; }
@media (max-width: 1100px) {  /* 1024 px with the sidebar open: tables need every pixel */
  [data-testid="stMainBlockContainer"] { padding-left: 1.25rem; padding-right: 1.25rem; }
}
</style>
"""
_PRESENTER_CSS = """
<style>
html { font-size: 18px; }  /* page text, and the tables' canvas text with it */
[data-testid="stMainBlockContainer"] { padding-top: 2.75rem; padding-bottom: 1rem;
  padding-left: 1.5rem; padding-right: 1.5rem; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
[data-testid="stMainBlockContainer"] h1 { padding-top: 0.5rem; padding-bottom: 0.25rem; font-size: 2.2rem; }
[data-testid="stMainBlockContainer"] h3 { padding-top: 0.5rem; padding-bottom: 0.25rem; }
</style>
"""


def presenter_on() -> bool:
    """Whether this browser session is in presenter mode.

    The URL wins when it says (``?present=1`` or ``?present=0``): a pasted link opens as
    it was meant. Otherwise the session's choice holds, off by default.
    """
    state = st.session_state
    wanted = st.query_params.get(PRESENT_PARAM)
    if wanted in ("1", "0") and state.get(f"{PRESENT_KEY}.url") != wanted:
        state[PRESENT_KEY] = wanted == "1"  # a new link: take it once, then the toggle rules
        state[f"{PRESENT_KEY}.url"] = wanted
    return bool(state.get(PRESENT_KEY, False))


def keep_in_url() -> None:
    """Write the session's choice into the URL, so the page's address keeps presenter mode."""
    on = presenter_on()
    if on and st.query_params.get(PRESENT_PARAM) != "1":
        st.query_params[PRESENT_PARAM] = "1"
    elif not on and PRESENT_PARAM in st.query_params:
        del st.query_params[PRESENT_PARAM]
    st.session_state[f"{PRESENT_KEY}.url"] = "1" if on else None


def presenter_toggle() -> bool:
    """The sidebar's "Presenter mode" toggle; returns whether it is on."""
    on = presenter_on()
    st.session_state[PRESENT_KEY] = on  # the widget takes its value from here (no value=)
    st.sidebar.toggle("Presenter mode", key=PRESENT_KEY, on_change=keep_in_url,
                      help="For a projector: compact layout, larger chart and table fonts, the sidebar "
                           "collapsed, the live chart first on Monitor, one section per tab on Create. "
                           "Remembered in this tab and in the address (?present=1).")
    return bool(st.session_state[PRESENT_KEY])


def inject_css() -> None:
    """The page styling, once per page run.

    ``st.markdown``, not ``st.html``: Streamlit's frontend loads st.html's renderer (and its
    HTML sanitiser) lazily, and waiting for it may hold up the drawing of the page (a noisy
    side-by-side load in chromium suggested 0.3-0.4 s on Datasets and Create; not proven).
    The text is one of this module's constant
    ``<style>`` blocks, never user text (tests/test_hostile_input.py checks that).
    """
    st.markdown(_PRESENTER_CSS if presenter_on() else _NORMAL_CSS, unsafe_allow_html=True)


def theme_type() -> str:
    """``"dark"`` or ``"light"``: the browser's Streamlit theme (light until the browser has said)."""
    try:
        kind = st.context.theme.type
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest, a bare script run)
        kind = None
    return "dark" if kind == "dark" else "light"


# Marker colours the engine picked to stand out on white; on a dark page they vanish.
_BLACKS = {"black", "#000", "#000000", "#444", "#444444"}
_LIGHT_INK = "#e0e0e0"
_DARK_BOX = "rgba(14,17,23,0.8)"


def _is_white(color: object) -> bool:
    text = str(color or "").replace(" ", "").lower()
    return text in ("white", "#fff", "#ffffff") or text.startswith("rgba(255,255,255")


def _scaled(size: Any, factor: float) -> Any:
    return round(size * factor) if isinstance(size, (int, float)) else size


def styled(figure: go.Figure, *, dark: bool, present: bool) -> go.Figure:
    """``figure`` in the page's theme and, in presenter mode, with larger fonts (changed in place).

    The engine's figures are drawn on ``plotly_white``; on a dark page that is a white slab,
    so the template follows the page: ``plotly_dark`` with a see-through background. A legend
    or annotation box painted near-white, and black or dark-grey markers, picked to stand out
    on white, are repainted for the dark page.
    """
    if dark:
        figure.update_layout(template="plotly_dark", paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)")
        for box in (figure.layout.legend, *(figure.layout.annotations or ())):
            if _is_white(box.bgcolor):
                box.bgcolor = _DARK_BOX
        for trace in figure.data:
            marker = getattr(trace, "marker", None)
            if marker is None or trace.type in ("parcoords", "contour", "heatmap", "bar"):
                continue
            if isinstance(marker.color, str) and marker.color.lower() in _BLACKS:
                marker.color = _LIGHT_INK
            if isinstance(marker.line.color, str) and marker.line.color.lower() in _BLACKS:
                marker.line.color = _LIGHT_INK
    elif figure.layout.template.layout.plot_bgcolor != "white":  # the engine's own are plotly_white already
        figure.update_layout(template="plotly_white")  # (setting it again costs 5 ms a chart)
    if present:
        layout = figure.layout
        figure.update_layout(font_size=_scaled(layout.font.size or 16, PRESENTER_FONT_SCALE),
                             hoverlabel_font_size=_scaled(layout.hoverlabel.font.size or 16, PRESENTER_FONT_SCALE))
        if layout.title.font.size and len(str(layout.title.text or "")) <= LONG_TITLE:
            layout.title.font.size = _scaled(layout.title.font.size, PRESENTER_FONT_SCALE)
        for annotation in layout.annotations or ():
            if annotation.font.size:
                annotation.font.size = _scaled(annotation.font.size, PRESENTER_FONT_SCALE)
        base = round(layout.font.size / PRESENTER_FONT_SCALE)

        def keep_long_title(axis: Any) -> None:  # a long axis title keeps its size, or it is cut off
            if axis.title.text and len(axis.title.text) > LONG_AXIS_TITLE:
                axis.title.font.size = min(axis.title.font.size or base, base)

        figure.for_each_xaxis(keep_long_title)
        figure.for_each_yaxis(keep_long_title)
        for trace in figure.data:
            for bar in (getattr(trace, "colorbar", None), getattr(getattr(trace, "marker", None), "colorbar", None)):
                if bar is not None and bar.title.text and len(bar.title.text) > LONG_AXIS_TITLE:
                    bar.title.font.size = base
            if trace.type == "parcoords":
                trace.labelfont.size = _scaled(trace.labelfont.size or 15, PRESENTER_FONT_SCALE)
                trace.tickfont.size = _scaled(trace.tickfont.size or 13, PRESENTER_FONT_SCALE)
    return figure


def show_chart(figure: go.Figure, *, key: str | None = None) -> None:
    """Draw an engine figure on a page: every page calls this instead of ``st.plotly_chart``.

    The figure comes from the engine or a page cache (``st.cache_data`` hands each caller a
    copy), so restyling it here changes nothing shared. ``theme=None``: the figure's own
    template is what is seen, the one :func:`styled` picked for the page's theme.
    """
    styled(figure, dark=theme_type() == "dark", present=presenter_on())
    st.plotly_chart(figure, width="stretch", theme=None, key=key)
