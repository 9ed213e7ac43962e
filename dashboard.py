"""Entry point: `streamlit run dashboard.py` serves the pages and, on the same port, the API (/api/…).

Streamlit runs this file twice over: imported once as a module, it is the server (`app`, an
st.App with the API's route, which `streamlit run` finds and serves); run as each
session's script (`__main__`), it builds the navigation and nothing else.
"""

import streamlit as st

if __name__ != "__main__":
    import threading
    import time
    from contextlib import asynccontextmanager

    from starlette.routing import Route

    async def api(request):
        """The API loads with its first request, or with the warm-up below, whichever comes first."""
        from lib.api import answer

        return await answer(request)

    WARM_UP_AFTER_S = 5  # a restarted replica's first visitor loads the page and runs its script undisturbed

    def warm_later() -> None:
        time.sleep(WARM_UP_AFTER_S)
        import ui

        ui.warm()

    @asynccontextmanager
    async def warm_up(server):
        """The server answers at once; a few seconds later, a thread loads the API and builds every page's
        default view in the gaps between visitors' scripts (ui.warm), so a meeting finds the work done."""
        threading.Thread(target=warm_later, name="warm-up", daemon=True).start()
        yield

    app = st.App(__file__, routes=[Route("/api/{file}", api, methods=["GET"])], lifespan=warm_up)
else:
    import ui

    st.set_page_config(
        page_title="Homeworking dashboard",
        page_icon=":material/home_work:",
        layout="wide",
    )

    pages = [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("app_pages/sectors.py", title="Sectors", icon=":material/work:"),
        st.Page("app_pages/age.py", title="Age", icon=":material/groups:"),
        st.Page("app_pages/regions.py", title="Regions", icon=":material/map:"),
        st.Page("app_pages/councils.py", title="Councils", icon=":material/apartment:"),
        st.Page("app_pages/explore.py", title="Explore", icon=":material/table_view:"),
    ]
    # Presentation mode (issue 5): with ?present=1, every page's address opens the deck built from the
    # URL's selections, so leaving it returns to the page it was opened from. A mode, not a selection:
    # this button sets the parameter and the deck's Exit button removes it.
    present = st.query_params.get("present") == "1"
    if present:
        deck_page = "app_pages/present.py"
        pages = [
            st.Page(deck_page, title=p.title, icon=":material/slideshow:", url_path=p.url_path or None) for p in pages
        ]
    else:
        st.sidebar.button(
            "Present these charts",
            icon=":material/slideshow:",
            on_click=st.query_params.update,
            kwargs={"present": "1"},
            help="Full-window slides of your selections for screen share. → / ← or a clicker move; Esc leaves.",
        )
    # Every page: what a tab needs to survive its server's restart behind the load balancer (deploy/).
    ui.keep_session(notice=not present)
    st.navigation(pages, position="hidden" if present else "sidebar").run()
