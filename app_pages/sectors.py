"""Sectors: your sector against public administration (or the UK, or any sector), in words and one chart."""

import streamlit as st

import ui
from lib import charts, compare
from lib.data import resource

# 1/ Data and selections (bound to the URL: ?sector=…&benchmark=…)
hw = ui.homeworking()
sectors = compare.categories(hw, "sector")
caveats = resource("homeworking_2019")["caveats"]

st.title("Your sector against public administration")
left, right = st.columns(2)
sector = left.selectbox(
    "Your sector",
    sectors,
    index=sectors.index(compare.DEFAULT_SELECTIONS["sector"]),
    key="sector",
    bind="query-params",
)
benchmark = right.selectbox(
    "Compare with",
    [
        compare.DEFAULT_SELECTIONS["benchmark"],
        compare.UK_OPTION,
        *[s for s in sectors if s != compare.DEFAULT_SELECTIONS["benchmark"]],
    ],
    key="benchmark",
    bind="query-params",
)
against_uk = benchmark == compare.UK_OPTION
c = compare.compare_with(hw, "sector", sector, benchmark)
benchmark_name = "the UK" if against_uk else benchmark.lower()
if sector == benchmark:
    st.info("Your sector and the comparison are the same: pick another to see a gap.")

# 2/ The answer in words, then the figures
st.header(c.headline())
st.write(c.sentence())
ui.comparison_metrics(c, benchmark_name)

# 3/ All ten sectors, yours and the benchmark highlighted
uk = {m: compare.percent_of(hw, *compare.UK, m) for m in ("week_prior", "ever")}
mine = ui.user_rows_for("sector")
fig = ui.figure(
    charts.category_bars,
    hw[hw["breakdown"] == "sector"],
    title=c.headline(),
    subtitle="Homeworking by sector, UK, 2019 · 10 selected sectors · dashed line: UK, all in employment",
    yours=sector,
    benchmark=None if against_uk else benchmark,
    reference=uk,
    user_rows=mine,
)
st.caption(f"{caveats['sector']} Ten sectors are shown, not the whole economy; ranks are among these ten.")
ui.show_chart(
    fig,
    alt=f"Bar chart of homeworking in ten sectors on two measures, {sector} highlighted. {c.headline()}.",
    table=compare.wide(hw, "sector").reset_index(),
    key="sectors-all",
    column_config=ui.measure_columns("Sector"),
)
ui.uploaded_note(mine, "Hatched green bars")

# 4/ Occupations: only the ever figure is published
st.header("Occupations most likely to have ever worked from home")
occupations = hw[hw["breakdown"] == "occupation"]
top_occupation, top_share = compare.top(hw, "occupation", "ever")
occupation_fig = ui.figure(
    charts.category_bars,
    occupations,
    title=f"{top_occupation} were the most likely to have ever worked from home ({top_share:.0f}%)",
    subtitle="Selected occupations quoted by the source, UK, 2019 · have ever worked from home",
    measures=("ever",),
    reference={"ever": uk["ever"]},
)
ui.show_chart(
    occupation_fig,
    alt=f"Bar chart of five occupations' share who have ever worked from home; {top_occupation} highest at "
    f"{top_share:.0f}%.",
    table=compare.wide(hw, "occupation").reset_index(),
    key="sectors-occupations",
    column_config=ui.measure_columns("Occupation"),
)
st.caption(caveats["occupation"])
