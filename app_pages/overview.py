"""Overview: the UK picture in 2019 and where public administration stood."""

import streamlit as st

import ui
from lib.views import PAGE_TITLES

# 1/ Headline figures
view = ui.view("overview", {})
st.title(PAGE_TITLES["overview"])
st.write(view.sentence)
ui.metrics(view)

# 2/ The takeaway and its chart
st.header(view.headline)
ui.view_downloads(view)
ui.show_chart(view, view.main)

# 3/ Where to go next
st.header("Go further")
links = st.columns(5)
for column, (page, label, icon) in zip(
    links,
    [
        ("app_pages/sectors.py", "Compare your sector", ":material/work:"),
        ("app_pages/age.py", "Homeworking by age", ":material/groups:"),
        ("app_pages/regions.py", "Regions and nations", ":material/map:"),
        ("app_pages/councils.py", "How fast councils moved in 2020", ":material/apartment:"),
        ("app_pages/explore.py", "Filter, export, add your data", ":material/table_view:"),
    ],
    strict=True,
):
    column.page_link(page, label=label, icon=icon)
