"""Age: the age profile of homeworking, and one age band against the UK or another band."""

import streamlit as st

import ui
from lib import charts, compare

# 1/ Data and selections (bound to the URL: ?band=…&vs=…)
hw = ui.homeworking()
bands = compare.categories(hw, "age")

st.title("Homeworking by age")
left, right = st.columns(2)
band = left.selectbox(
    "Your age band", bands, index=bands.index(compare.DEFAULT_SELECTIONS["band"]), key="band", bind="query-params"
)
versus = right.selectbox("Compare with", [compare.UK_OPTION, *bands], key="vs", bind="query-params")
against_uk = versus == compare.UK_OPTION
c = compare.compare_with(hw, "age", band, versus)
if band == versus:
    st.info("Your band and the comparison are the same: pick another to see a gap.")

# 2/ What the profile shows, generated from the figures
st.header(c.headline())
st.write(c.sentence())
ui.comparison_metrics(c, "the UK" if against_uk else c.benchmark_noun)

# 3/ The profile on both measures, the UK as reference
uk = {m: compare.percent_of(hw, *compare.UK, m) for m in ("week_prior", "ever")}
shape = compare.describe_profile(hw, "age", "week_prior")
ages = hw[hw["breakdown"] == "age"]
mine = ui.user_rows_for("age")
fig = ui.figure(
    charts.profile_chart,
    ages,
    title=c.headline(),
    subtitle="Homeworking by age of worker, UK, 2019 · dotted lines: UK, all in employment",
    highlight=(band,),
    compare_with=None if against_uk else versus,
    reference=uk,
    user_rows=mine,
)
ui.show_chart(
    fig,
    alt=f"Line chart of homeworking by age band on two measures, {band} highlighted. {shape}",
    table=compare.wide(hw, "age").reset_index(),
    key="age-profile",
    column_config=ui.measure_columns("Age band"),
)
st.caption(f"{shape} {compare.describe_profile(hw, 'age', 'ever')}")
ui.uploaded_note(mine, "Green square markers")
