"""Sectors: your sector against public administration (or the UK, or any sector), in words and one chart."""

import streamlit as st

import ui

# 1/ Selections (bound to the URL: ?sector=…&benchmark=…), the answer in words, the Share menu, then the figures
view = ui.comparison("sectors")

# 2/ All ten sectors, yours and the benchmark highlighted; how regular homeworking was
ui.show_chart(view, view.chart("sectors-all"))
st.header("How regular homeworking was")
ui.show_chart(view, view.chart("sectors-regularity"))

# 3/ Occupations: only the ever figure is published
st.header("Occupations most likely to have ever worked from home")
ui.show_chart(view, view.chart("sectors-occupations"))
