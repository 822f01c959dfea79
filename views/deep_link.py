"""Deep links: a URL for every page, tuning job, tab and chart, to paste into course notes.

``/results?job=NAME&chart=Importance`` opens Results on that job's Importance chart;
``/explain?job=NAME&tab=What%20was%20cut`` opens Explain on that tab. The job comes from
:func:`views.shared.pick_tuning_job` (``?job=``); a page's tabs come from
:func:`linked_tabs`, which reads its parameter on arrival and writes the open tab back, so
the browser's address bar is always a link to what is on screen. :func:`show_view_link`
shows that link, ready to copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, urlencode

import streamlit as st

from views.presenter import PRESENT_PARAM


def _seed_from_url(key: str, param: str, allowed: Sequence[str]) -> None:
    """Put the URL's choice into the widget's state when the URL brings a new one.

    Only a value the URL has not brought before is taken (a pasted link, a page link): once
    taken, the user's clicks rule, and the URL follows them.
    """
    wanted = st.query_params.get(param)
    seen = f"{key}.url"
    if wanted in allowed and st.session_state.get(seen) != wanted:
        st.session_state[key] = wanted
    st.session_state[seen] = wanted


def sync_to_url(param: str, value: str | None, *, default: str | None = None) -> None:
    """Write ``value`` to the URL as ``?param=value`` (removed when it is the default)."""
    if value is None or value == default:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value
    st.session_state[f"url.{param}"] = value


def linked_tabs(labels: Sequence[str], *, key: str, param: str):  # noqa: ANN201 - Streamlit's TabContainers
    """Lazy ``st.tabs`` (only the open one runs) whose open tab is ``?param=Label`` in the URL.

    The widget keeps its ``key`` (tests and other code set ``st.session_state[key]``); the
    URL is read on arrival and written after every run. The first tab is the default and
    leaves no parameter.
    """
    labels = list(labels)
    _seed_from_url(key, param, labels)
    tabs = st.tabs(labels, on_change="rerun", key=key)
    current = st.session_state.get(key)
    sync_to_url(param, current if current in labels else None, default=labels[0])
    st.session_state[f"{key}.url"] = st.query_params.get(param)
    return tabs


def view_url(page: str, params: dict[str, str] | None = None) -> str:
    """The address of ``page`` (``"results"``, ``""`` for Home) with ``params``, on this server.

    The host is the one the browser used (``st.context.url``), so a link made on the
    teacher's laptop over the classroom network points there; without a browser (a test)
    it is a relative address.
    """
    base = ""
    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 - no browser session
        url = None
    if url:
        scheme, _, rest = url.partition("://")
        base = f"{scheme}://{rest.split('/', 1)[0]}"
    query = urlencode({k: v for k, v in (params or {}).items() if v is not None}, quote_via=quote)
    return f"{base}/{page}" + (f"?{query}" if query else "")


def current_view_url(page: str) -> str:
    """The address of what is on screen: ``page`` with the URL's parameters but ``present``."""
    params = {name: st.query_params.get(name) for name in st.query_params if name != PRESENT_PARAM}
    return view_url(page, params)


def show_view_link(page: str) -> None:
    """A "Link to this view" popover holding the address of what is on screen, with a copy button."""
    url = current_view_url(page)
    with st.popover("Link to this view", icon=":material/link:"):
        st.caption("Paste it into the course notes: it opens this page on this tuning job, tab and chart. "
                   "Add `&present=1` to open it in presenter mode.")
        st.code(url, language=None, wrap_lines=True)
