"""Explore: filter either table, chart it, download exactly what is shown, and add your own figures."""

import math
from dataclasses import replace

import streamlit as st

import ui
from lib import comparability, compare, explore, selections, uploads, views
from lib.escape import for_markdown
from lib.limits import LIMITS
from lib.render import export, formats
from lib.render.renderer import EXCEL_ROWS, file_name
from lib.selections import Tables
from lib.uploads.held import TooManyRowsHeld

PAGE_ROWS = 1_000  # rows per page of the table; the downloads hold every filtered row
OUTCOME_KEY = "explore_upload_outcome"
COMBINED_KEY = "explore_combined"


def with_user_rows(built_in: Tables, user) -> Tables:
    """The tables with this session's uploaded rows beside the homeworking figures, combined once per upload
    (kept in this session only; lib.explore.combine knows a combined table and leaves it as it is)."""
    if user is None:
        return built_in
    held = st.session_state.get(COMBINED_KEY)
    if held is None or held[0] is not user:
        held = (user, explore.combine(explore.HOMEWORKING, built_in.homeworking, user))
        st.session_state[COMBINED_KEY] = held
    return Tables(held[1], built_in.councils)


def choose(options_from: Tables) -> dict:
    """Which table and which rows: every choice is a bound widget, so the address holds the view."""
    chosen = {"table": ui.widget(selections.TABLE, options_from, {})}
    is_hw = chosen["table"] == "homeworking"
    value_name = "Percent" if is_hw else "Value"
    spec = explore.TABLES[chosen["table"]]
    if is_hw:
        keys = (selections.BREAKDOWN, selections.CATEGORY, selections.MEASURE)
        places = st.columns(3)
    else:  # the council figures: where and who says so first, as the Councils page asks
        keys = (
            selections.EXPLORE_KINDS,
            selections.EXPLORE_REGIONS,
            selections.EXPLORE_CLAIMANTS,
            selections.EXPLORE_ORGANISATIONS,
            selections.UNIT,
        )
        first, second = st.columns(3), st.columns(3)
        places = [first[2], first[0], first[1], second[0], second[1]]
    for selection, where in zip(keys, places, strict=True):
        help_text = explore.column_help(spec, spec.measure) if selection is keys[-1] else None
        chosen[selection.key] = ui.widget(selection, options_from, chosen, where, help=help_text)
    low, high, search, sort = st.columns(4)
    chosen["min"] = ui.widget(selections.LOW, options_from, chosen, low, label=f"{value_name} at least")
    chosen["max"] = ui.widget(selections.HIGH, options_from, chosen, high, label=f"{value_name} at most")
    chosen["q"] = ui.widget(selections.SEARCH, options_from, chosen, search)
    chosen["sort"] = ui.widget(selections.SORT, options_from, chosen, sort)
    return chosen


def view_of(tables: Tables, chosen: dict, mine) -> views.View:
    """The built-in figures' View is everyone's (ui.view: built once per address); with this session's uploads,
    it is built here from the tables combined once per upload."""
    return ui.view("explore", chosen) if mine is None else views.build("explore", tables, chosen)


def chart_section(view: views.View, options_from: Tables, chosen: dict, mine) -> views.View:
    """The chart of the filtered rows; with several breakdowns in view, the person picks which to chart."""
    if view.rows.empty or view.resource != "homeworking_2019":
        return view
    present = views.present_breakdowns(view.rows)
    if len(present) > 1:
        first = explore.default_chart(present)
        chosen["chart"] = ui.widget(selections.CHART, options_from, chosen, options=present, default=first)
        view = view_of(options_from, chosen, mine)
    return view


def table_section(view: views.View, spec: explore.TableSpec) -> None:
    """The rows, a page at a time."""
    rows = view.rows
    st.header(compare.counted(len(rows), "row"))
    shown = rows
    pages = max(1, math.ceil(len(rows) / PAGE_ROWS))
    if pages > 1:
        pager, where = st.columns([1, 4], vertical_alignment="bottom")
        page = min(ui.widget(selections.TABLE_PAGE, ui.tables(), {}, pager, label=f"Page (of {pages:,})"), pages)
        shown = rows.iloc[(page - 1) * PAGE_ROWS : page * PAGE_ROWS]
        where.caption(
            f"Rows {(page - 1) * PAGE_ROWS + 1:,}–{(page - 1) * PAGE_ROWS + len(shown):,} of {len(rows):,}. "
            f"The downloads hold all {len(rows):,} rows."
        )
    with st.container(key="explore-table"):
        st.dataframe(
            shown,
            hide_index=True,
            column_config=column_config(spec, rows),
            width="stretch",
            placeholder="—",
            alt=f"Table of the {len(rows):,} filtered rows; the same rows as the downloads below.",
        )


def column_config(spec: explore.TableSpec, rows) -> dict:
    """Each column under its own name (as exported), with what it means from the Data Package."""
    config = {}
    for column in rows.columns:
        help_text = explore.column_help(spec, column)
        if column == "percent":
            config[column] = st.column_config.NumberColumn(column, help=help_text, format="%.1f%%")
        elif column.startswith("period_"):
            config[column] = st.column_config.DateColumn(column, help=help_text, format="YYYY-MM-DD")
        elif column.startswith("source_line"):
            config[column] = st.column_config.NumberColumn(column, help=help_text, format="plain")
        elif rows[column].dtype.kind in "if":
            config[column] = st.column_config.NumberColumn(column, help=help_text, format="localized")
        else:
            config[column] = st.column_config.TextColumn(column, help=help_text)
    return config


def download_section(view: views.View) -> None:
    """Exactly these rows and columns, each file with its provenance (the same bytes as /api/explore.<format>)."""
    st.header("Download these rows")
    files = ui.renderer("explore")
    bom = st.toggle("CSV for Excel (UTF-8 with a byte-order mark)", key="bom")
    too_big_for_excel = len(view.rows) > EXCEL_ROWS
    data_formats = formats.data_formats()
    row = st.container(horizontal=True)  # each button as wide as its label, wrapping on a narrow window
    for fmt in data_formats:
        unavailable = fmt.name == "xlsx" and too_big_for_excel
        with row:
            ui.download_button(
                fmt.label,
                data=lambda name=fmt.name: files.render(view, name, bom=bom),
                file_name=file_name(view, fmt.name),
                mime=fmt.mime,
                icon=fmt.icon,
                on_click="ignore",
                key=f"download-{fmt.name.split('.')[0]}",
                disabled=view.rows.empty or unavailable,
                help=f"Excel downloads hold up to {EXCEL_ROWS:,} rows: filter further, or use CSV or Parquet."
                if unavailable
                else fmt.help,
            )
    st.caption(
        "CSV and JSON stay plain tables that any tool reads; their source, licence and filters are in the "
        "datapackage.json beside them. Excel carries an About sheet, Parquet its file metadata. Text that a "
        "spreadsheet would run as a formula is neutralised in CSV and Excel."
    )


def upload_section(mine) -> None:
    """Bring your own data (this session only)."""
    st.header("Add your own figures")
    st.write(
        "Upload a CSV, Excel, OpenDocument (.ods), JSON or Parquet file in the shape of the homeworking table: columns "
        "**breakdown** (all, sector, age, region, occupation), **category**, **measure** (week_prior or ever) and "
        "**percent** (0–100, empty where you have no figure); code and official_name are optional. A table laid "
        "out as the printed ones is read too: a column of regions, sectors or age bands and a column per measure, "
        "with a title above it and percentage-formatted cells. Any subset of categories will do, and new categories "
        'are welcome; a known category in another spelling ("Yorkshire and The Humber") is matched to it. Your '
        "figures then appear beside the ONS 2019 figures here and on the Sectors, Age and Regions pages, for this "
        "browser session only: nothing is saved."
    )
    st.download_button(
        "Template (every 2019 category, percent empty)",
        data=lambda: export.to_csv(uploads.template(ui.tables().homeworking)),
        file_name="homeworking-upload-template.csv",
        mime=formats.get("csv").mime,
        icon=":material/download:",
        on_click="ignore",
        key="download-template",
    )
    with st.form("upload-form", clear_on_submit=True, border=True):
        chosen = st.file_uploader(
            f"Your file (CSV, Excel .xlsx or .xls, OpenDocument .ods, JSON or Parquet, or the bundle .zip of your "
            f"figures; up to {LIMITS.upload_mb} MB)",
            help=f"Up to {LIMITS.max_rows:,} rows. Spreadsheets are read cell by cell, so up to "
            f"{LIMITS.xlsx_max_rows:,} rows: for bigger files use CSV or Parquet, which read a million rows in "
            "seconds.",
            # .xlsm is read as .xlsx is (its macros are never run)
            type=["csv", "txt", "tsv", "xlsx", "xlsm", "ods", "xls", "json", "jsonl", "ndjson", "parquet", "zip"],
            max_upload_size=LIMITS.upload_mb,
            key="upload-file",
        )
        source_name = st.text_input(
            "Name your figures (blank: the file's name)",
            placeholder="e.g. ONS LMS April 2020",
            max_chars=LIMITS.source_name_chars,
            key="upload-source",
            help="Shown on every row, chart and export of your figures, so nobody mistakes them for ONS figures. "
            "Left blank, the file's name without its extension is used (april-2020.csv → april-2020).",
        )
        basis = basis_fields()
        submitted = st.form_submit_button("Check and add", type="primary", icon=":material/upload:")

    if submitted and chosen is None:
        st.warning("Choose a file first.")
    elif submitted:
        check_upload(chosen, source_name, basis)
    ui.review_labels(add)

    # What the last upload added stays said while its rows are held: a rerun (a filter, the address) keeps it.
    outcome = st.session_state.get(OUTCOME_KEY)
    if outcome and (mine is None or outcome[0] not in set(mine["source"])):
        del st.session_state[OUTCOME_KEY]  # its rows were removed or replaced
        outcome = None
    if outcome:
        label, count, notes, permalink = outcome
        st.success(f"Added {compare.counted(count, 'row')} as **{for_markdown(label)}**.")
        if mine is not None:
            ui.where_they_show(mine)
        for note in notes:
            st.caption(for_markdown(note))
        ui.saved_view_link(permalink)
    if mine is not None:
        st.caption(
            "Your figures live only in this browser session. To keep them, download their bundle: uploading it here "
            "another day brings them back, with the view you were on."
        )
        ui.bundle_button("explore")
    if mine is not None and st.button("Remove your figures", icon=":material/delete:", key="remove-upload"):
        ui.set_user_rows(None)
        st.session_state.pop(COMBINED_KEY, None)
        st.rerun()


def basis_fields() -> comparability.Basis:
    """Where the figures come from (all optional): the pages then say which points differ from the 2019 survey."""
    with st.expander("Where your figures come from (optional: the pages then say how comparable they are with 2019)"):
        left, right = st.columns(2)
        survey = left.text_input("Survey or source", placeholder="e.g. ONS Labour Market Survey", key="basis-survey")
        period = right.text_input("Period", placeholder="e.g. April 2020", key="basis-period")
        question = st.text_input(
            "Question asked",
            placeholder="e.g. In the last seven days, did you work from home?",
            key="basis-question",
        )
        geography = left.selectbox(
            "Where", ["", *comparability.GEOGRAPHIES], format_func=lambda g: g or "Not said", key="basis-geography"
        )
        who = right.selectbox("Who", ["", *comparability.WHO], format_func=lambda w: w or "Not said", key="basis-who")
    return comparability.Basis.from_mapping(
        {"survey": survey, "question": question, "geography": geography, "who": who, "period": period}
    )


def check_upload(chosen, source_name: str, basis: comparability.Basis) -> None:
    """Read and check the file; keep its rows in this session, or say what is wrong, row by row."""
    with st.status(f"Checking {for_markdown(chosen.name)}…", expanded=True) as status:
        bar = st.progress(0.0, text="Reading the file")
        try:
            result = ui.upload_reader().read(
                chosen.getvalue(),
                chosen.name,
                source_name,
                reference=ui.tables().homeworking,
                progress=lambda fraction, message: bar.progress(fraction, text=message),
            )
        except uploads.UploadError as err:
            bar.empty()
            status.update(label=f"{for_markdown(chosen.name)} could not be used", state="error", expanded=True)
            first = err.problems[0]
            said = first.rule if first.row is None and first.column is None else str(first)  # not "the table: …"
            st.error(
                f"**{for_markdown(chosen.name)}** was not added, and nothing else changed. "
                + (
                    f"The problem: {for_markdown(said)}"
                    if err.total == 1
                    else f"{err.total:,} problems; the first: {for_markdown(str(first))}"
                )
            )
            st.dataframe(
                uploads.problem_table(err.problems),
                hide_index=True,
                width="stretch",
                placeholder="—",  # a problem with the whole file has no row
                column_config={
                    "row": st.column_config.NumberColumn("row", format="plain", width="small"),
                    "rule": st.column_config.TextColumn("rule", width="large"),
                },
            )
            if err.total > len(err.problems):
                st.caption(f"The first {len(err.problems):,} are listed: fix these, then check the file again.")
        else:
            try:
                ui.held_rows().keep(result.rows, replacing=ui.user_rows())
            except TooManyRowsHeld as why:
                bar.empty()
                status.update(label=f"{for_markdown(chosen.name)} could not be kept", state="error", expanded=True)
                st.error(f"**{for_markdown(chosen.name)}** was read but not added: {for_markdown(str(why))}.")
                return
            declared = basis if basis.declared() else comparability.Basis.from_mapping(result.basis)
            result = replace(result, basis=declared.declared())
            if ui.needs_review(result):  # a label looks like a typo: asked about before anything is added
                status.update(label="Checked: one question before your figures are added", state="complete")
                st.rerun()
            status.update(label="Added", state="complete")
            add(result)


def add(result: uploads.Upload) -> None:
    """Keep the rows in this session, with where they come from, and say so on the next run, with where they show
    and how comparable they are with 2019."""
    declared = comparability.Basis.from_mapping(result.basis)
    ui.set_user_rows(declared.on_rows(result.rows), result.uploaded_at)
    notes = (*result.notes, f"Compared with 2019: {comparability.verdict(declared).caution()}")
    st.session_state[OUTCOME_KEY] = (result.rows["source"].iloc[0], len(result.rows), notes, result.permalink)
    st.rerun()


# 1/ Which table, which rows (every choice is in the URL)
st.title(views.PAGES["explore"].title)
st.write(
    "Filter either table, see it charted, and download exactly the rows below, with their source and "
    "licence. Every choice is in the page address: send the link to share the view."
)
mine = ui.user_rows()
tables = with_user_rows(ui.tables(), mine)
chosen = choose(tables)
view = view_of(tables, chosen, mine)
for notice in view.notices:
    st.warning(notice)
if mine is not None and chosen["table"] == "homeworking":
    st.info(
        f"Your own figures (**{for_markdown(', '.join(mine['source'].unique()))}**, {len(mine):,} rows) are "
        "included beside the ONS figures, marked in the source column and hatched in the chart. They stay "
        "in this browser session only."
    )

# 2/ The chart of the filtered rows (aggregated when there are too many categories to draw one bar each)
view = chart_section(view, tables, chosen, mine)
ui.share_menu(view, data_downloads=False)
if view.main:
    ui.show_chart(view, view.main)
elif not view.rows.empty:
    st.info("None of these figures is a number that can be drawn; they are all in the table below.")

# 3/ The table, a page at a time; 4/ downloads of exactly these rows; 5/ your own figures
table_section(view, explore.TABLES[chosen["table"]])
download_section(view)
upload_section(mine)
