"""The parts several pages' Views share: measure tables, the UK reference, comparison metrics, the change
against 2019. What is the same for every selection is made once per Tables (Tables.once)."""

from __future__ import annotations

import pandas as pd

from lib import charts, comparability, compare, explore
from lib.charts import source_note
from lib.comparability import Verdict
from lib.compare import MEASURE_LABELS
from lib.data import MEASURES
from lib.selections import Tables
from lib.views.model import Chart, Column, Metric, View

DERIVED_NOTE = (
    "Gaps (percentage points), ratios, ranks and regularity (week-before share ÷ ever share) are derived here "
    "from the published figures; they are not printed by the source."
)


def measure_columns(category_label: str) -> dict[str, Column]:
    """A wide table of one breakdown: category, then the two measures."""
    return {
        "category": Column(category_label),
        "week_prior": Column("Week before interview (%)", "percent", MEASURE_LABELS["week_prior"]),
        "ever": Column("Ever (%)", "percent", MEASURE_LABELS["ever"]),
    }


def wide_table(tables: Tables, breakdown: str) -> pd.DataFrame:
    """A breakdown's categories by measure, as a chart's table."""
    return tables.once(("wide", breakdown), lambda: compare.wide(tables.homeworking, breakdown).reset_index())


def rows_of(tables: Tables, breakdowns: tuple[str, ...]) -> pd.DataFrame:
    return tables.once(("rows", breakdowns), lambda: tidy_rows(tables.homeworking, breakdowns))


def uk_of(tables: Tables) -> dict[str, float]:
    return tables.once("uk", lambda: compare.uk_reference(tables.homeworking))


def top_of(tables: Tables, breakdown: str, measure: str) -> tuple[str, float]:
    return tables.once(("top", breakdown, measure), lambda: compare.top(tables.homeworking, breakdown, measure))


def tidy_rows(hw: pd.DataFrame, breakdowns: tuple[str, ...]) -> pd.DataFrame:
    """The homeworking rows of some breakdowns, in the columns and order the Explore downloads use."""
    table = explore.combine(explore.HOMEWORKING, hw)
    return table[table["breakdown"].isin(breakdowns)][list(explore.HOMEWORKING.columns)].reset_index(drop=True)


def measure_words(codes: pd.Series) -> pd.Series:
    """A column of measure codes as a reader says them ('week_prior' → 'Week before interview')."""
    return codes.map(lambda code: compare.MEASURE_SHORT.get(code, code))


def uploaded_of(user_rows: pd.DataFrame | None, breakdown: str) -> pd.DataFrame | None:
    if user_rows is None:
        return None
    rows = user_rows[user_rows["breakdown"] == breakdown]
    return rows if len(rows) else None


def uploaded_caption(rows: pd.DataFrame | None, marks: str) -> str:
    if rows is None:
        return ""
    return f"{marks} are your own uploaded figures ({', '.join(rows['source'].unique())}), not ONS."


def same_choice(what: str, yours: str, other: str) -> tuple[str, ...]:
    return (f"Your {what} and the comparison are the same: pick another to see a gap.",) if yours == other else ()


def comparison_metrics(c: compare.Comparison, benchmark_name: str) -> tuple[Metric, ...]:
    """The gap on each measure, in points and as a ratio, and the rank: derived, and said so."""
    out = []
    for measure in MEASURES:
        m = c.measures[measure]
        group = MEASURE_LABELS[measure]
        out += [
            Metric(
                f"Yours (vs {pct(m.benchmark)})",
                pct(m.yours),
                f"Gap in percentage points, derived: {pct(m.yours)} − {pct(m.benchmark)}.",
                f"{compare.format_points(m.gap_points, 'pts')} (derived)",  # a metric's delta: short, or cut off
                group,
            ),
            Metric(
                "Ratio (derived)",
                compare.format_ratio(m.ratio),
                f"How many times as likely, derived: {pct(m.yours)} ÷ {pct(m.benchmark)}.",
                group=group,
            ),
            Metric(
                "Rank (derived)",
                f"{compare.ordinal(m.rank)} of {m.of}" if m.rank else "n/a",
                "Among the categories listed in the source; 1st is the highest share.",
                group=group,
            ),
        ]
    out.append(
        Metric(
            "Regularity (derived): ever-homeworkers who also worked from home in the week before",
            pct(c.yours_regularity, 0),
            "Week-before share ÷ ever share: how much of the homeworking in a group was a habit, not a one-off.",
            f"{benchmark_name}: {pct(c.benchmark_regularity, 0)}",
        )
    )
    return tuple(out)


def pct(value: float, digits: int = 1) -> str:
    return "n/a" if value != value else f"{value:.{digits}f}%"


def change_chart(
    hw: pd.DataFrame, found: list[compare.Change], breakdown: str, selected: str, page: str, caution: Verdict
) -> tuple[compare.Change | None, tuple[Chart, ...]]:
    """The change the page leads with (the selected category's, if they brought it) and the chart of every
    figure they brought against 2019, with the caution on comparing them in its subtitle and caption."""
    if not found:
        return None, ()
    lead = compare.headline_change(found, selected)
    noun = explore.GROUP_NOUNS[breakdown]
    frame = pd.DataFrame(
        {
            "category": [ch.category for ch in found],
            "measure": [ch.measure for ch in found],
            "before": [ch.before for ch in found],
            "after": [ch.after for ch in found],
            "source": [ch.source for ch in found],
            "change": [ch.movement() if ch.comparable else "no 2019 figure to compare with" for ch in found],
        }
    )
    title = lead.sentence() if lead else compare.changes_summary(found, noun)
    names = ", ".join(dict.fromkeys(frame["source"]))
    source = f"{source_note()} · Your data: {names} (uploaded, this session only)"
    chart = Chart(
        key=f"{page}-change",
        title=title,
        subtitle=f"Your figures against the 2019 baseline, by {breakdown} · circle: ONS 2019 · square: yours · "
        f"changes derived · {caution.short()}",
        alt=f"Dot chart of your figures for {frame['category'].nunique()} {noun} against 2019. "
        f"{compare.changes_summary(found, noun)}.",
        table=frame[["category", "measure", "before", "after", "change"]].assign(
            measure=lambda t: measure_words(t["measure"])
        ),
        columns={
            "category": Column(breakdown.capitalize()),
            "measure": Column("Measure"),
            "before": Column("2019 (%)", "percent", "ONS Annual Population Survey 2019."),
            "after": Column("Yours (%)", "percent", f"Your figures: {names}."),
            "change": Column("Change (derived)", help="Points and ratio against 2019, derived here."),
        },
        draw=lambda theme, words: charts.change_dumbbell(frame, words, yours=selected, theme=theme),
        source=source,
        caption=caution.caution(),
        notes=" ".join(ch.sentence() + "." for ch in found) + f" {caution.caution()}",
    )
    return lead if lead and lead.category == selected else None, (chart,)


def comparison_view(
    page: str,
    tables: Tables,
    c: compare.Comparison,
    user_rows: pd.DataFrame | None,
    *,
    selected: str,
    page_charts: tuple[Chart, ...],
    breakdowns: tuple[str, ...],
    benchmark_name: str,
    selections: dict,
    filters: dict[str, str],
    notes: tuple[str, ...],
    notices: tuple[str, ...],
    with_user_rows: bool,
) -> View:
    """The View of a page comparing one category with another (Sectors, Age, Regions): its `page_charts`, and the
    person's own figures against 2019 where they brought any for the page's breakdown (the first of `breakdowns`),
    leading with the `selected` category's change."""
    hw, breakdown = tables.homeworking, breakdowns[0]
    found = compare.changes(hw, user_rows, breakdown)
    caution = comparability.verdict(comparability.Basis.of_rows(user_rows)) if found and user_rows is not None else None
    lead, change = change_chart(hw, found, breakdown, selected, page, caution) if caution else (None, ())
    return View(
        page=page,
        headline=lead.sentence() if lead else c.headline(),
        sentence=c.sentence(),
        charts=lead_first(lead, change, page_charts),
        rows=rows_of(tables, ("all", *breakdowns)),
        resource="homeworking_2019",
        selections=selections,
        filters=filters,
        metrics=comparison_metrics(c, benchmark_name),
        notes=notes,
        notices=notices,
        comparison=c,
        with_user_rows=with_user_rows,
        changes=tuple(found),
        caution=caution.caution() if caution else "",
    )


def lead_first(lead, change: tuple[Chart, ...], others: tuple[Chart, ...]) -> tuple[Chart, ...]:
    """A view whose headline is the change shows the change chart as its main chart (the brief, the image);
    otherwise it comes after the page's own main chart."""
    return (*change, *others) if lead else (others[0], *change, *others[1:])


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]
