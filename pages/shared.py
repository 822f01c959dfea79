"""What every page shares: the one store object of this server process."""

from __future__ import annotations

import streamlit as st

from tuning.store import Store


@st.cache_resource
def get_store() -> Store:
    """One Store (and its connection pool) for every browser session of this server."""
    return Store()
