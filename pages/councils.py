"""Councils: how fast councils and public bodies moved staff home in spring 2020, against their region's 2019 habits."""

import streamlit as st

import ui
from lib import councils
from lib.charts import COUNCIL_SOURCE, source_note
from lib.views import COUNCIL_FIGURE_COLUMNS, PAGES

# 1/ Selections (bound to the URL: ?region=…&kind=…&org=…)
st.title(PAGES["councils"].title)
tables = ui.tables()
choices = st.container()
view = ui.view("councils", ui.widgets("councils", choices.columns(3)))
rollout = view.rows[view.rows["kind"] != councils.CONTEXT_KIND]
shown_regions = councils.regions_of(rollout, tables.homeworking, view.selections["region"])


def region_links() -> None:
    """Each region's 2019 homeworking on the Regions page, which links back here with the same key."""
    if not shown_regions:
        return
    st.caption("The 2019 homeworking figures for these regions and nations:")
    cols = st.columns(4)
    for i, name in enumerate(shown_regions):
        cols[i % 4].page_link(
            ui.page_script("regions"), label=name, icon=":material/map:", query_params={"region": name}
        )


if rollout.empty:
    st.write(view.sentence)
    for notice in view.notices:
        st.warning(notice)
    region_links()
    st.stop()

# 2/ How fast, in words and figures
ui.headline(view)
ui.metrics(view)
ui.share_menu(view)

# 3/ When, how many and how fast, and against the region's 2019 baseline
sections = {
    "councils-timeline": "When: one lane per organisation",
    "councils-speed": "How many, and how fast",
    "councils-baseline": "Against the region's 2019 baseline",
}
drawn = {chart.key: chart for chart in view.charts}
for key, heading in sections.items():
    st.header(heading, divider="gray")
    if key in drawn:
        ui.show_chart(view, drawn[key])
    else:
        st.info(view.missing[key])
region_links()

# 4/ Every figure, with its quote and source: sent when opened, so the charts above paint first (a lazy expander,
# like the charts' "Show as table" tabs); the data downloads carry the same rows.
st.header("Every figure, with its source", divider="gray")
every_figure = st.expander(
    f"Show all {len(rollout)} figures with their quotes, sources and licences",
    key="councils-figures",
    on_change="rerun",
    icon=":material/table_view:",
)
if every_figure.open:
    every_figure.dataframe(
        view.detail,
        hide_index=True,
        width="stretch",
        height="content",
        placeholder="—",
        column_config=ui.column_config(COUNCIL_FIGURE_COLUMNS),
    )
st.caption(source_note(COUNCIL_SOURCE))
