"""Overview: the UK picture in 2019 and where public administration stood."""

import streamlit as st

import ui
from lib.views import PAGES

# 1/ Headline figures
view = ui.view("overview", {})
st.title(PAGES["overview"].title)
st.write(view.sentence)
ui.metrics(view)

# 2/ The takeaway and its chart
st.header(view.headline)
ui.share_menu(view)
ui.show_chart(view, view.main)

# 3/ Where to go next
st.header("Go further")
linked = [page for page in PAGES.values() if page.link]
for column, page in zip(st.columns(len(linked)), linked, strict=True):
    column.page_link(ui.page_script(page.name), label=page.link, icon=page.icon)
