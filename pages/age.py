"""Age: the age profile of homeworking, one age band against the UK or another band, and how regular homeworking
was at each age."""

import streamlit as st

import ui

# 1/ Selections (bound to the URL: ?band=…&vs=…), the answer in words, the Share menu, then the figures
view = ui.comparison("age")

# 2/ The profile on both measures, the UK as reference
ui.show_chart(view, view.chart("age-profile"))

# 3/ How regular homeworking was in each band: it rises with age
st.header("How regular homeworking was")
ui.show_chart(view, view.chart("age-regularity"))
