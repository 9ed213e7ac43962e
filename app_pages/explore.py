"""Explore: filter either table, chart it, download exactly what is shown, and add your own figures."""

import math

import streamlit as st

import ui
from lib import charts, explore, export, upload
from lib.compare import UK, percent_of
from lib.data import MEASURES
from lib.limits import LIMITS

PAGE_ROWS = 1_000  # rows per page of the table; the downloads hold every filtered row
EXCEL_ROWS = 100_000  # an Excel file of more rows takes too long to build while the user waits
OUTCOME_KEY = "explore_upload_outcome"
COMBINED_KEY = "explore_combined"


def with_user_rows(spec: explore.TableSpec, built_in, user):
    """The table with this session's uploaded rows, combined once per upload (kept in this session only)."""
    if spec is not explore.HOMEWORKING or user is None:
        return explore.combine(spec, built_in)
    held = st.session_state.get(COMBINED_KEY)
    if held is None or held[0] is not user:
        held = (user, explore.combine(spec, built_in, user))
        st.session_state[COMBINED_KEY] = held
    return held[1]


def column_config(spec: explore.TableSpec, view) -> dict:
    """Each column under its own name (as exported), with what it means from the Data Package."""
    config = {}
    for column in view.columns:
        help_text = explore.column_help(spec, column)
        if column == "percent":
            config[column] = ui.percent_column(column, help_text)
        elif column.startswith("period_"):
            config[column] = st.column_config.DateColumn(column, help=help_text, format="YYYY-MM-DD")
        elif column.startswith("source_line"):
            config[column] = st.column_config.NumberColumn(column, help=help_text, format="plain")
        elif view[column].dtype.kind in "if":
            config[column] = st.column_config.NumberColumn(column, help=help_text, format="localized")
        else:
            config[column] = st.column_config.TextColumn(column, help=help_text)
    return config


# 1/ Which table, which rows (every choice is in the URL)
st.title("Explore the figures")
st.write(
    "Filter either table, see it charted, and download exactly the rows below, with their source and "
    "licence. Every choice is in the page address: send the link to share the view."
)
table_key = st.segmented_control(
    "Table",
    list(explore.TABLES),
    format_func=str.capitalize,
    default=explore.HOMEWORKING.key,
    required=True,
    key="table",
    bind="query-params",
)
spec = explore.TABLES.get(table_key, explore.HOMEWORKING)
built_in = ui.homeworking() if spec is explore.HOMEWORKING else ui.councils()
mine = ui.user_rows()
table = with_user_rows(spec, built_in, mine)
is_hw = spec is explore.HOMEWORKING

left, middle, right = st.columns(3)
groups = left.multiselect(
    "Breakdown" if is_hw else "Kind of body",
    explore.group_options(spec, table),
    key="breakdown" if is_hw else "kind",
    bind="query-params",
    placeholder="All breakdowns" if is_hw else "All kinds",
    help="Leave empty for all.",
)
items = middle.multiselect(
    "Category" if is_hw else "Organisation",
    explore.item_options(spec, table, tuple(groups)),
    key="category" if is_hw else "org",
    bind="query-params",
    placeholder="All categories" if is_hw else "All organisations",
    help="Leave empty for all. Long lists show the first 1,000: use the search box for the rest.",
)
measures = right.multiselect(
    "Measure" if is_hw else "Unit",
    explore.measure_options(spec, table),
    key="measure" if is_hw else "unit",
    bind="query-params",
    placeholder="Both measures" if is_hw else "All units",
    help=explore.column_help(spec, spec.measure),
)
low_col, high_col, search_col, sort_col = st.columns(4)
value_name = "Percent" if is_hw else "Value"
low = low_col.number_input(f"{value_name} at least", value=None, step=1.0, format="%g", key="min", bind="query-params")
high = high_col.number_input(f"{value_name} at most", value=None, step=1.0, format="%g", key="max", bind="query-params")
search = search_col.text_input(
    "Search", max_chars=100, key="q", bind="query-params", help="Finds the text in any column, ignoring case."
)
sort = sort_col.selectbox("Sort by", explore.sort_options(spec), key="sort", bind="query-params")
filters = explore.Filters(
    groups=tuple(groups),
    items=tuple(items),
    measures=tuple(measures),
    low=low,
    high=high,
    search=search or "",
    sort=sort or "",
)
view = explore.filter_view(table, spec, filters)
if low is not None and high is not None and low > high:
    st.warning(f"'{value_name} at least' is above '{value_name} at most', so no row can match.")
if mine is not None and is_hw:
    st.info(
        f"Your own figures (**{explore.plain(', '.join(mine['source'].unique()))}**, {len(mine):,} rows) are "
        "included beside the ONS figures, marked in the source column and hatched in the chart. They stay "
        "in this browser session only."
    )

# 2/ The chart of the filtered rows (aggregated when there are too many categories to draw one bar each)
if view.empty:
    st.warning("No rows match these filters. Clear a filter or widen the range to see figures.")
elif is_hw:
    present = [b for b in explore.BREAKDOWN_ORDER if b in set(view["breakdown"])]
    chart_on = explore.default_chart(present)
    if len(present) > 1:
        chosen_chart = st.segmented_control(
            "Chart the breakdown",
            present,
            default=chart_on,
            required=True,
            key="chart",
            bind="query-params",
        )
        chart_on = chosen_chart if chosen_chart in present else chart_on
    rows = view[view["breakdown"] == chart_on]
    shown_measures = tuple(m for m in MEASURES if m in set(rows["measure"]))
    noun = explore.GROUP_NOUNS[chart_on]
    if rows["category"].nunique() <= explore.MAX_BARS:
        ons, user = explore.split_sources(rows)
        title = explore.bars_takeaway(rows, chart_on, shown_measures)
        uk = {m: percent_of(built_in, *UK, m) for m in shown_measures}
        subtitle = (
            f"Homeworking by {'category' if chart_on == 'all' else chart_on}, UK, 2019 · % of people in employment"
        )
        subtitle += " · dashed line: UK, all in employment" if chart_on != "all" else ""
        subtitle += " · hatched: your uploaded figures" if len(user) else ""
        fig = charts.category_bars(
            ons,
            title=explore.escape(title),
            subtitle=explore.bars_subtitle(chart_on, with_user=bool(len(user))),
            reference=uk if chart_on != "all" else None,
            measures=shown_measures,
            source=explore.chart_source(rows),
            user_rows=user if len(user) else None,
        )
        alt = f"Bar chart of {rows['category'].nunique()} {noun} on {len(shown_measures)} measure(s). {title}."
        chart_table = rows[["category", "measure", "percent", "source"]]
    else:
        bands = explore.percent_bands(rows)
        title = explore.distribution_takeaway(bands)
        fig = explore.distribution_chart(
            rows,
            title=explore.escape(title),
            subtitle=explore.distribution_subtitle(rows, noun),
            measures=shown_measures,
        )
        alt = f"Column chart of how many of {len(rows):,} figures fall in each 5-point band. {title}."
        chart_table = bands
    ui.show_chart(fig, alt=alt, table=chart_table, key=f"explore-{chart_on}", source=explore.chart_source(rows))
else:
    unit = explore.council_unit(view, filters.measures)
    if unit is None:
        st.info("None of these figures is a number that can be drawn; they are all in the table below.")
    else:
        drawn = int(((view["unit"] == unit) & view["value"].notna()).sum())
        title = explore.council_takeaway(view, unit)
        fig = explore.council_chart(
            view,
            unit,
            title=title,
            subtitle=f"Council and public-body figures, spring 2020 · {unit} · {drawn} of the {len(view)} rows in "
            "view (other units are in the table)",
        )
        ui.show_chart(
            fig,
            alt=f"Bar chart of {drawn} figures in {unit}. {title}.",
            table=view.loc[(view["unit"] == unit) & view["value"].notna(), ["organisation", "measure", "value_text"]],
            key="explore-councils",
            source=charts.source_note("council_rollout_2020"),
        )

# 3/ The table, a page at a time
st.header(f"{len(view):,} rows")
shown = view
pages = max(1, math.ceil(len(view) / PAGE_ROWS))
if pages > 1:
    pager, where = st.columns([1, 4], vertical_alignment="bottom")
    page = pager.number_input(f"Page (of {pages:,})", min_value=1, value=1, step=1, key="page", bind="query-params")
    page = min(int(page), pages)
    shown = view.iloc[(page - 1) * PAGE_ROWS : page * PAGE_ROWS]
    where.caption(
        f"Rows {(page - 1) * PAGE_ROWS + 1:,}–{(page - 1) * PAGE_ROWS + len(shown):,} of {len(view):,}. "
        f"The downloads hold all {len(view):,} rows."
    )
with st.container(key="explore-table"):
    st.dataframe(
        shown,
        hide_index=True,
        column_config=column_config(spec, view),
        width="stretch",
        placeholder="—",
        alt=f"Table of the {len(view):,} filtered rows; the same rows as the downloads below.",
    )

# 4/ Downloads of exactly these rows and columns, each with its provenance
st.header("Download these rows")
stem = explore.export_stem(spec, filters, view)
described = explore.describe(spec, filters)


def provenance():
    return export.provenance(view, spec.resource, described)


bom = st.toggle("CSV for Excel (UTF-8 with a byte-order mark)", key="bom")
too_big_for_excel = len(view) > EXCEL_ROWS
# label, file extension (also the MIME key), bytes on click, unavailable, help
downloads = [
    ("CSV", "csv", lambda: export.to_csv(view, bom=bom), False, None),
    (
        "Excel (.xlsx)",
        "xlsx",
        lambda: export.to_xlsx(view, provenance()),
        too_big_for_excel,
        f"Excel downloads hold up to {EXCEL_ROWS:,} rows: filter further, or use CSV or Parquet."
        if too_big_for_excel
        else "A Data sheet and an About sheet with the source, licence and filters.",
    ),
    (
        "Parquet",
        "parquet",
        lambda: export.to_parquet(view, provenance()),
        False,
        "Provenance in the file's key-value metadata.",
    ),
    ("JSON", "json", lambda: export.to_json(view), False, None),
    (
        "Provenance",
        "datapackage.json",
        lambda: export.datapackage(view, provenance(), stem),
        False,
        "A datapackage.json with the provenance of the CSV and JSON files: source, licence, filters, product "
        "version and time of export.",
    ),
]
for column, (label, extension, data, unavailable, help_text) in zip(st.columns(len(downloads)), downloads, strict=True):
    column.download_button(
        label,
        data=data,
        file_name=f"{stem}.{extension}",
        mime=export.MIME[extension],
        icon=":material/description:" if extension == "datapackage.json" else ":material/download:",
        on_click="ignore",
        key=f"download-{extension.split('.')[0]}",
        disabled=view.empty or unavailable,
        help=help_text,
    )
st.caption(
    "CSV and JSON stay plain tables that any tool reads; their source, licence and filters are in the "
    "datapackage.json beside them. Excel carries an About sheet, Parquet its file metadata. Text that a "
    "spreadsheet would run as a formula is neutralised in CSV and Excel."
)

# 5/ Bring your own data (this session only)
st.header("Add your own figures")
st.write(
    "Upload a CSV, Excel or Parquet file in the shape of the homeworking table: columns **breakdown** "
    "(all, sector, age, region, occupation), **category**, **measure** (week_prior or ever) and **percent** "
    "(0–100, empty where you have no figure); code and official_name are optional. Any subset of categories "
    'will do, and new categories are welcome; a known category in another spelling ("Yorkshire and The '
    'Humber") is matched to it. Your figures then appear beside the ONS 2019 figures here and on the '
    "Sectors, Age and Regions pages, for this browser session only: nothing is saved."
)
st.download_button(
    "Template (every 2019 category, percent empty)",
    data=lambda: export.to_csv(upload.template(ui.homeworking())),
    file_name="homeworking-upload-template.csv",
    mime=export.MIME["csv"],
    icon=":material/download:",
    on_click="ignore",
    key="download-template",
)
with st.form("upload-form", clear_on_submit=True, border=True):
    chosen = st.file_uploader(
        f"Your file (CSV, Excel .xlsx or Parquet; up to {upload.MAX_UPLOAD_MB} MB)",
        help=f"Up to {LIMITS.max_rows:,} rows. Excel workbooks are read cell by cell, so up to "
        f"{LIMITS.xlsx_max_rows:,} rows: for bigger files use CSV or Parquet, which read a million rows in seconds.",
        type=["csv", "txt", "tsv", "xlsx", "parquet"],
        max_upload_size=upload.MAX_UPLOAD_MB,
        key="upload-file",
    )
    source_name = st.text_input(
        "Name your figures",
        placeholder="Our staff survey 2021",
        max_chars=upload.MAX_SOURCE_CHARS,
        key="upload-source",
        help="Shown on every row, chart and export of your figures, so nobody mistakes them for ONS figures.",
    )
    submitted = st.form_submit_button("Check and add", type="primary", icon=":material/upload:")

if submitted and chosen is None:
    st.warning("Choose a file first.")
elif submitted:
    with st.status(f"Checking {explore.plain(chosen.name)}…", expanded=True) as status:
        bar = st.progress(0.0, text="Reading the file")
        try:
            result = ui.upload_reader().read(
                chosen.getvalue(),
                chosen.name,
                source_name,
                reference=ui.homeworking(),
                progress=lambda fraction, message: bar.progress(fraction, text=message),
            )
        except upload.UploadError as err:
            bar.empty()
            status.update(label=f"{explore.plain(chosen.name)} could not be used", state="error", expanded=True)
            first = err.problems[0]
            st.error(
                f"**{explore.plain(chosen.name)}** was not added, and nothing else changed. "
                f"{err.total:,} problem(s); the first: {explore.plain(str(first))}"
            )
            st.dataframe(
                upload.problem_table(err.problems),
                hide_index=True,
                width="stretch",
                column_config={"row": st.column_config.NumberColumn("row", format="plain")},
            )
            if err.total > len(err.problems):
                st.caption(f"The first {len(err.problems):,} are listed: fix these, then check the file again.")
        else:
            ui.set_user_rows(result.rows)
            st.session_state[OUTCOME_KEY] = (result.rows["source"].iloc[0], len(result.rows), result.notes)
            status.update(label="Added", state="complete")
            st.rerun()

outcome = st.session_state.pop(OUTCOME_KEY, None)
if outcome:
    label, count, notes = outcome
    st.success(f"Added {count:,} rows as **{explore.plain(label)}**.")
    for note in notes:
        st.caption(explore.plain(note))
if mine is not None and st.button("Remove your figures", icon=":material/delete:", key="remove-upload"):
    ui.set_user_rows(None)
    st.session_state.pop(COMBINED_KEY, None)
    st.rerun()
