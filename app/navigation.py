"""The script every session runs: the page settings, the navigation built from lib.views.PAGES, and
presentation mode (?present=1 serves every page's address with app/present.py).

It lives in `app/`, not beside `pages/`: Streamlit serves a deep link that is a server's first request
in its old pages-directory mode when a folder named `pages/` sits beside the main script.
"""

import streamlit as st

import ui
from lib.views import PAGES

st.set_page_config(page_title="Homeworking dashboard", page_icon=ui.FAVICON, layout="wide")

present = st.query_params.get("present") == "1"
names = {page.url_path: page.name for page in PAGES.values()}
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
current = st.navigation(pages, position="hidden" if present else "sidebar")
if not present:
    ui.name_the_page_asked_for(names[current.url_path], dict(zip(PAGES, pages, strict=True)))  # /sector
ui.open_as_offered(names[current.url_path], current, presenting=present)  # ?region=wales opens Wales
ui.visit(names[current.url_path], presenting=present)  # the deck is made of the pages a person visited
if not present:
    ui.present_button(names[current.url_path])
# Every page: what a tab needs to survive its server's restart behind the load balancer (deploy/), and Back and
# Forward that keep the view.
ui.keep_session(notice=not present)
ui.keep_history()
ui.keep_viewport()  # how wide the page is: its charts are drawn for their column (ui/viewport.py)
ui.keep_keyboard()  # a menu opened takes focus and Esc gives it back (ui/keyboard.py)
current.run()
