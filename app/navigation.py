"""The script every session runs: the page settings, the navigation built from lib.views.PAGES, and
presentation mode (?present=1 serves every page's address with app/present.py).

It lives in `app/`, not beside `pages/`: Streamlit serves a deep link that is a server's first request
in its old pages-directory mode when a folder named `pages/` sits beside the main script.
"""

import streamlit as st

import ui
from lib.views import PAGES

st.set_page_config(page_title="Homeworking dashboard", page_icon=":material/home_work:", layout="wide")

present = st.query_params.get("present") == "1"
pages = [
    st.Page(
        "present.py" if present else ui.page_script(page.name),
        title=page.nav_title,
        icon=":material/slideshow:" if present else page.icon,
        url_path=page.url_path,
        default=page.default,
    )
    for page in PAGES.values()
]
if not present:
    st.sidebar.button(
        "Present these charts",
        icon=":material/slideshow:",
        on_click=st.query_params.update,
        kwargs={"present": "1"},
        help="Full-window slides of your selections for screen share. → / ← or a clicker move; Esc leaves.",
    )
# Every page: what a tab needs to survive its server's restart behind the load balancer (deploy/), and Back and
# Forward that keep the view.
ui.keep_session(notice=not present)
ui.keep_history()
ui.keep_viewport()  # how wide the page is: its charts are drawn for their column (ui/viewport.py)
ui.keep_keyboard()  # a menu opened takes focus and Esc gives it back (ui/keyboard.py)
st.navigation(pages, position="hidden" if present else "sidebar").run()
