"""Regions: a tile map of the twelve regions and nations, ranked bars, and one region against another."""

import streamlit as st

import ui
from lib import compare, councils
from lib.views import PAGES

# 1/ Selections (bound to the URL: ?region=…&other=…&map=…)
st.title(PAGES["regions"].title)
view = ui.view("regions", ui.widgets("regions", st.columns([2, 2, 1])))
region = view.selections["region"]

# 2/ The answer in words, then the figures
ui.headline(view)
ui.metrics(view)
ui.share_menu(view)

# 3/ Map beside the councils in this region, then the ranked bars
map_col, councils_col = st.columns([3, 2])
with map_col:
    ui.show_chart(view, view.chart("regions-map"))
with councils_col:
    st.header(f"Councils in {compare.place_name(region)} that moved staff home in spring 2020")
    reported = councils.in_region(ui.tables().councils, region)
    if not reported:
        st.write(f"The source documents report no council rollout figures for {compare.place_name(region)}.")
    for organisation, kind, figures in reported:
        st.markdown(f"**{organisation}** ({kind}): {figures}")
    if reported:
        st.page_link(
            ui.page_script("councils"),
            label="Their rollouts, against this region's 2019 figure",
            icon=":material/apartment:",
            query_params={"region": region},
        )
ui.show_chart(view, view.chart("regions-bars"))
ui.changes(view)
