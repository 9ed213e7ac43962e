"""The one way a View is shown: its notices and headline, metrics, charts with their tables, and the change
against 2019."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from lib import views
from lib.charts import chart_config
from lib.escape import for_markdown
from ui.cache import figure, view
from ui.downloads import camera_wanted, image_downloads, image_stem
from ui.share import share_menu
from ui.viewport import chart_theme, narrow
from ui.widgets import widgets


def comparison(page: str, widths: int | Sequence[int] = 2) -> views.View:
    """How a page that compares one choice with another opens (Sectors, Age, Regions): its title, its selections in
    a row (bound to the URL), the answer in words, the Share menu, the person's own figures against 2019 where they
    brought any, then the headline figures."""
    st.title(views.PAGES[page].title)
    shown = view(page, widgets(page, st.columns(widths)))
    headline(shown)
    share_menu(shown)
    changes(shown)
    metrics(shown)
    return shown


def headline(shown: views.View) -> None:
    """What the choice itself needs said, then the answer in words."""
    for notice in shown.notices:
        st.info(for_markdown(notice))
    st.header(for_markdown(shown.headline))
    st.write(for_markdown(shown.sentence))
    if shown.caution:
        st.caption(f":material/compare_arrows: **Comparing with 2019.** {for_markdown(shown.caution)}")


def metrics(shown: views.View) -> None:
    """The view's figures: in groups of a measure each where they have one, else in a row."""
    grouped = [m for m in shown.metrics if m.group]
    groups = list(dict.fromkeys(m.group for m in grouped))
    # Rows that wrap, each figure as wide as its text: six fixed columns cut figures off on a laptop screen.
    row = st.container(horizontal=True, gap="medium")
    for group in groups:
        block = row.container(width="content", gap="small")
        block.markdown(f"**{group}**")
        figures = block.container(horizontal=True, gap="medium")
        for metric in (m for m in grouped if m.group == group):
            _metric(metric, figures, width="content")
    ungrouped = [m for m in shown.metrics if not m.group]
    if not ungrouped:
        return
    if groups:
        for metric in ungrouped:
            _metric(metric, st, border=False)
        return
    for metric, place in zip(ungrouped, st.columns(len(ungrouped)), strict=True):
        _metric(metric, place)


def _metric(metric: views.Metric, where, *, border: bool = True, width: str = "stretch") -> None:
    where.metric(
        metric.label,
        metric.value,
        delta=metric.delta,
        delta_color="off",
        delta_arrow=arrow(metric.delta),
        help=metric.help,
        border=border and not metric.group,
        width=width,
    )


def arrow(delta: str | None) -> str:
    """A delta is text with a true minus sign, which Streamlit cannot read the direction of."""
    if not delta or delta[0] not in "+−":
        return "off"
    return "up" if delta[0] == "+" else "down"


def column_config(columns: Mapping[str, views.Column]) -> dict:
    """A table's columns as lib.views describes them: percentages to one decimal, as the source prints them."""
    config = {}
    for name, column in columns.items():
        if column.kind == "percent":
            config[name] = st.column_config.NumberColumn(column.label, help=column.help, format="%.1f%%")
        elif column.kind == "check":
            config[name] = st.column_config.CheckboxColumn(column.label, help=column.help)
        elif column.kind == "date":
            config[name] = st.column_config.DateColumn(column.label, help=column.help, format="YYYY-MM-DD")
        else:
            config[name] = st.column_config.TextColumn(column.label, help=column.help)
    return config


def show_chart(shown: views.View, chart: views.Chart, *, share: float = 1.0) -> None:
    """A chart with its text alternative: `alt` for screen readers and the same numbers as a table. The chart is
    drawn for the column it is shown in (`share`: its part of the page's row; ui.viewport); on a phone, a chart
    that has a list form (the councils timeline) is shown as that list."""
    # Lazy tabs: a table is built only when someone opens it, so a page sends its charts alone (lighter first
    # paint, lighter reruns); opening "Show as table" reruns the page with that tab open.
    chart_tab, table_tab = st.tabs(["Chart", "Show as table"], key=f"{chart.key}-as", on_change="rerun")
    if chart_tab.open:
        with chart_tab:
            if chart.as_list is not None and narrow():
                _as_list(chart)
            else:
                drawn = figure(shown, chart, chart_theme(share))
                camera = camera_wanted(chart.key) and not narrow()  # no files from the server: Plotly's camera
                st.plotly_chart(
                    drawn,
                    key=chart.key,
                    alt=chart.alt,
                    config=chart_config(image_stem(shown, chart), camera=camera),
                    width="stretch",
                    theme=None,
                )
            image_downloads(shown, chart)
    if table_tab.open:
        with table_tab:
            st.dataframe(chart.table, hide_index=True, column_config=column_config(chart.columns), width="stretch")
            st.caption(chart.source)
    if chart.caption:
        st.caption(for_markdown(chart.caption))


def _as_list(chart: views.Chart) -> None:
    """The chart's list form: a heading and its lines a group, its title first."""
    with st.container(key=f"{chart.key}-list"):
        st.markdown(f"**{for_markdown(chart.title)}**")
        for heading, lines in chart.as_list() if chart.as_list else ():
            st.markdown(f"**{for_markdown(heading)}**\n" + "\n".join(f"- {for_markdown(line)}" for line in lines))
        st.caption(for_markdown(chart.source))


CHANGES_LISTED = 12  # sentences; the chart's table holds every figure


def changes(shown: views.View) -> None:
    """The person's own figures against 2019, in words and in a chart, where they brought any."""
    if not shown.changes:
        return
    st.header("Your figures against 2019")  # the caution is said once, under the headline (and by the chart)
    listed = shown.changes[:CHANGES_LISTED]
    st.markdown("\n".join(f"- {for_markdown(change.sentence())}." for change in listed))
    if len(shown.changes) > len(listed):
        st.caption(f"… and {len(shown.changes) - len(listed):,} more: every one is in the chart's table.")
    show_chart(shown, shown.chart(f"{shown.page}-change"))
