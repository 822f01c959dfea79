"""TuneLab's dashboard: the entry point that lays out the pages.

Run it with ``bash scripts/dashboard.sh`` (or ``streamlit run app.py``). Pages are thin:
they collect input, call the engine in ``tuning/``, and draw what it returns.

Why everything sits in :func:`main` behind ``if __name__ == "__main__"``: Streamlit runs
this script as a fresh ``__main__`` module at every rerun and leaves it installed in
``sys.modules``. A worker process that a tuning job starts meanwhile is told, by
multiprocessing's rule for a main script, to import this file again as ``__mp_main__``;
there it must draw nothing, start nothing (a worker starting the forkserver during its
own start-up fails) and not even import Streamlit.
"""

from __future__ import annotations


def main() -> None:
    import streamlit as st

    from tuning import TuneLabError
    from views.presenter import inject_css, keep_in_url, presenter_on, presenter_toggle
    from views.shared import class_settings, server_launcher

    # Presenter mode (views/presenter.py) starts with the sidebar collapsed: at 1024 px an open
    # sidebar leaves the tables too narrow for the class to read.
    st.set_page_config(page_title="TuneLab", page_icon=":material/tune:", layout="wide",
                       initial_sidebar_state="collapsed" if presenter_on() else "auto")
    keep_in_url()
    inject_css()
    try:
        server_launcher()  # once per server: also starts the worker processes' forkserver in the background
    except TuneLabError as error:  # the store cannot be opened: say why on every page, no traceback
        st.error(f"TuneLab cannot open its store: {error}", icon=":material/database:")
        st.caption("Fix it, then restart the dashboard (bash scripts/dashboard.sh). Nothing saved was changed.")
        st.stop()

    # Class mode (tuning/classroom): a name (or the teacher's password) before any page.
    try:
        settings = class_settings()
    except TuneLabError as error:  # a damaged classroom.json: refused, not read as "class mode off"
        st.error(f"TuneLab cannot read its class-mode settings: {error}", icon=":material/lock:")
        st.stop()
    pages = [
        st.Page("views/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("views/lesson.py", title="Lesson", icon=":material/school:"),
        st.Page("views/datasets.py", title="Datasets", icon=":material/table_view:"),
        st.Page("views/create.py", title="Create tuning job", icon=":material/add_circle:"),
        st.Page("views/monitor.py", title="Monitor", icon=":material/monitoring:"),
        st.Page("views/results.py", title="Results", icon=":material/insights:"),
        st.Page("views/explain.py", title="Explain", icon=":material/psychology:"),
        st.Page("views/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("views/race.py", title="Strategy race", icon=":material/sports_score:"),
        st.Page("views/lab.py", title="Hyperparameter lab", icon=":material/science:"),
        st.Page("views/deploy.py", title="Deploy", icon=":material/rocket_launch:"),
    ]
    if settings.enabled:
        from views.class_entry import class_gate, show_identity
        from views.shared import session_workspace

        if session_workspace() is None:  # the pages known (unlisted), so a link's page opens once the name is in
            st.navigation(pages, position="hidden")
        workspace = class_gate(settings)  # stops the run until the session has entered
        show_identity(workspace, settings)
        if workspace.is_teacher:  # the class overview is in the teacher's navigation only
            pages.append(st.Page("views/class_overview.py", title="Class overview", icon=":material/groups:"))
    navigation = st.navigation(pages)
    presenter_toggle()
    navigation.run()


if __name__ == "__main__":
    main()
