"""Regions: a tile map of the twelve regions and nations, ranked bars, and one region against another."""

import streamlit as st

import ui
from lib import compare, councils

# 1/ Selections (bound to the URL: ?region=…&other=…&map=…), the answer in words, the Share menu, then the figures
view = ui.comparison("regions", [2, 2, 1])
region = view.selections["region"]

# 2/ Map beside the councils in this region, then the ranked bars
map_col, councils_col = st.columns([3, 2])
with map_col:
    ui.show_chart(view, view.chart("regions-map"), share=3 / 5)
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
