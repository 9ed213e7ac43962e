"""One definition of each view: a page's selections in, a View out.

A View holds what a page says (headline, sentence, figures, notes) and its charts; a Chart
holds its title, subtitle, alt text, the table behind it and how to draw it under a theme.
The page shows a View, a slide is one of its Charts in the PRESENT theme, and the API, the
PDF brief and `python -m lib.report` render the same View: nothing is written twice.

Pure: tables and selections in (see lib.selections), no Streamlit, figures drawn on demand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from lib import charts, compare, council_charts, councils, explore, selections
from lib.charts import NORMAL, Theme, source_note
from lib.compare import MEASURE_LABELS, MEASURE_PHRASES, UK_OPTION
from lib.data import MEASURES, resource
from lib.escape import for_plotly
from lib.selections import PUBLIC_ADMIN, Tables

PAGE_TITLES = {
    "overview": "Homeworking in the UK before the pandemic",
    "sectors": "Your sector against public administration",
    "age": "Homeworking by age",
    "regions": "Homeworking by region and nation",
    "councils": "How fast councils moved staff home in spring 2020",
    "explore": "Explore the figures",
}
DERIVED_NOTE = (
    "Gaps (percentage points), ratios, ranks and regularity (week-before share ÷ ever share) are derived here "
    "from the published figures; they are not printed by the source."
)


@dataclass(frozen=True)
class Column:
    """How a table column is shown: its label, what kind of value it holds, and what it means."""

    label: str
    kind: str = "text"  # text | percent | number | date | check
    help: str | None = None


@dataclass(frozen=True)
class Metric:
    """A headline figure: its label, value as text, and how it was reached (derived ones say so)."""

    label: str
    value: str
    help: str | None = None
    delta: str | None = None
    group: str = ""  # the measure it belongs to, where a page shows metrics in groups


@dataclass(frozen=True)
class Chart:
    """One chart of a view, with everything that explains it; `draw(theme, title)` builds the figure."""

    key: str
    title: str
    subtitle: str
    alt: str
    table: pd.DataFrame
    columns: Mapping[str, Column]
    draw: Callable[[Theme, str, str], go.Figure] = field(repr=False, compare=False)
    source: str = field(default_factory=source_note)
    caption: str = ""
    notes: str = ""  # the sentence of numbers a speaker says over this chart
    depends_on: tuple[str, ...] | None = None  # the selection keys its figure depends on (None: all of them)

    def figure(self, theme: Theme = NORMAL, title: str | None = None) -> go.Figure:
        """The chart under a theme; `title` (plain text, escaped here) replaces the takeaway, as a presenter may."""
        return self.draw(theme, for_plotly(title or self.title), for_plotly(self.subtitle))


@dataclass(frozen=True)
class View:
    """What one page shows for one set of selections."""

    page: str
    title: str
    headline: str
    sentence: str
    charts: tuple[Chart, ...]
    rows: pd.DataFrame  # the data behind the view, tidy, with provenance columns: the data downloads
    resource: str
    selections: Mapping[str, Any]
    filters: Mapping[str, str]  # the selections in words, for the downloads' provenance
    metrics: tuple[Metric, ...] = ()
    notes: tuple[str, ...] = ()  # caveats and what is derived, for the page and the brief
    notices: tuple[str, ...] = ()  # something about the choice itself ("the same twice")
    missing: Mapping[str, str] = field(default_factory=dict)  # chart key → why this choice has no such chart
    comparison: compare.Comparison | None = None
    with_user_rows: bool = False
    changes: tuple[compare.Change, ...] = ()  # the person's own figures against 2019, where they brought any
    # A page's table of every figure (Councils: each with its quote and source), made when first shown.
    make_detail: Callable[[], pd.DataFrame] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def detail(self) -> pd.DataFrame | None:
        return self.make_detail() if self.make_detail else None

    def chart(self, key: str) -> Chart:
        return next(c for c in self.charts if c.key == key)

    @property
    def main(self) -> Chart | None:
        return self.charts[0] if self.charts else None


def build(page: str, tables: Tables, chosen: Mapping[str, Any], user_rows: pd.DataFrame | None = None) -> View:
    """The View of `page` for values already read (lib.selections.read or .check)."""
    return BUILDERS[page](tables, chosen, user_rows)


def for_query(
    page: str, tables: Tables, query: Mapping[str, Any], user_rows: pd.DataFrame | None = None, *, strict: bool = False
) -> View:
    """The View of a page address's query: leniently as the page reads it, or strictly (SelectionError)."""
    keys = selections.page_keys(page)
    chosen = (selections.check if strict else selections.read)(keys, query, tables)
    return build(page, tables, chosen, user_rows)


# ---- shared parts ---------------------------------------------------------------------------------------


def measure_columns(category_label: str) -> dict[str, Column]:
    """A wide table of one breakdown: category, then the two measures."""
    return {
        "category": Column(category_label),
        "week_prior": Column("Week before interview (%)", "percent", MEASURE_LABELS["week_prior"]),
        "ever": Column("Ever (%)", "percent", MEASURE_LABELS["ever"]),
    }


# What is the same for every selection is made once per Tables (Tables.once), not again for each new selection.


def _wide_table(tables: Tables, breakdown: str) -> pd.DataFrame:
    """A breakdown's categories by measure, as a chart's table."""
    return tables.once(("wide", breakdown), lambda: compare.wide(tables.homeworking, breakdown).reset_index())


def _rows(tables: Tables, breakdowns: tuple[str, ...]) -> pd.DataFrame:
    return tables.once(("rows", breakdowns), lambda: tidy_rows(tables.homeworking, breakdowns))


def _uk(tables: Tables) -> dict[str, float]:
    return tables.once("uk", lambda: compare.uk_reference(tables.homeworking))


def _top(tables: Tables, breakdown: str, measure: str) -> tuple[str, float]:
    return tables.once(("top", breakdown, measure), lambda: compare.top(tables.homeworking, breakdown, measure))


def tidy_rows(hw: pd.DataFrame, breakdowns: tuple[str, ...]) -> pd.DataFrame:
    """The homeworking rows of some breakdowns, in the columns and order the Explore downloads use."""
    table = explore.combine(explore.HOMEWORKING, hw)
    return table[table["breakdown"].isin(breakdowns)][list(explore.HOMEWORKING.columns)].reset_index(drop=True)


def _user_rows(user_rows: pd.DataFrame | None, breakdown: str) -> pd.DataFrame | None:
    if user_rows is None:
        return None
    rows = user_rows[user_rows["breakdown"] == breakdown]
    return rows if len(rows) else None


def _uploaded_caption(rows: pd.DataFrame | None, marks: str) -> str:
    if rows is None:
        return ""
    return f"{marks} are your own uploaded figures ({', '.join(rows['source'].unique())}), not ONS."


def _same_choice(what: str, yours: str, other: str) -> tuple[str, ...]:
    return (f"Your {what} and the comparison are the same: pick another to see a gap.",) if yours == other else ()


def _comparison_metrics(c: compare.Comparison, benchmark_name: str) -> tuple[Metric, ...]:
    """The gap on each measure, in points and as a ratio, and the rank: derived, and said so."""
    out = []
    for measure in MEASURES:
        m = c.measures[measure]
        group = MEASURE_LABELS[measure]
        out += [
            Metric(
                f"Yours (vs {_pct(m.benchmark)})",
                _pct(m.yours),
                f"Gap in percentage points, derived: {_pct(m.yours)} − {_pct(m.benchmark)}.",
                f"{compare.format_points(m.gap_points, 'pts')} (derived)",  # a metric's delta: short, or cut off
                group,
            ),
            Metric(
                "Ratio (derived)",
                compare.format_ratio(m.ratio, 2),
                f"How many times as likely, derived: {_pct(m.yours)} ÷ {_pct(m.benchmark)}.",
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
            _pct(c.yours_regularity, 0),
            "Week-before share ÷ ever share: how much of the homeworking in a group was a habit, not a one-off.",
            f"{benchmark_name}: {_pct(c.benchmark_regularity, 0)}",
        )
    )
    return tuple(out)


def _pct(value: float, digits: int = 1) -> str:
    return "n/a" if value != value else f"{value:.{digits}f}%"


def _change_chart(
    hw: pd.DataFrame, found: list[compare.Change], breakdown: str, selected: str, page: str
) -> tuple[compare.Change | None, tuple[Chart, ...]]:
    """The change the page leads with (the selected category's, if they brought it) and the chart of every
    figure they brought against 2019."""
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
        "changes derived",
        alt=f"Dot chart of your figures for {frame['category'].nunique()} {noun} against 2019. "
        f"{compare.changes_summary(found, noun)}.",
        table=frame[["category", "measure", "before", "after", "change"]],
        columns={
            "category": Column(breakdown.capitalize()),
            "measure": Column("Measure"),
            "before": Column("2019 (%)", "percent", "ONS Annual Population Survey 2019."),
            "after": Column("Yours (%)", "percent", f"Your figures: {names}."),
            "change": Column("Change (derived)", help="Points and ratio against 2019, derived here."),
        },
        draw=lambda theme, title, subtitle: charts.change_dumbbell(
            frame, title=title, subtitle=subtitle, yours=selected, source=source, theme=theme
        ),
        source=source,
        notes=" ".join(ch.sentence() + "." for ch in found),
    )
    return lead if lead and lead.category == selected else None, (chart,)


def _lead_first(lead, change: tuple[Chart, ...], others: tuple[Chart, ...]) -> tuple[Chart, ...]:
    """A view whose headline is the change shows the change chart as its main chart (the brief, the image);
    otherwise it comes after the page's own main chart."""
    return (*change, *others) if lead else (others[0], *change, *others[1:])


# ---- overview -------------------------------------------------------------------------------------------


def overview(tables: Tables, chosen: Mapping[str, Any], user_rows: pd.DataFrame | None = None) -> View:
    hw = tables.homeworking
    uk = _uk(tables)
    against_uk = compare.compare(hw, "sector", PUBLIC_ADMIN, compare.UK[1], "all")
    top_sector, top_week = _top(tables, "sector", "week_prior")
    top_against = compare.compare(hw, "sector", top_sector, PUBLIC_ADMIN)
    week = against_uk.measures["week_prior"]
    headline = (
        f"Public administration ({week.yours:.1f}%) was {compare.relation(week.gap_points)} the UK "
        f"({week.benchmark:.1f}%) and {top_against.measures['week_prior'].gap_points:.1f} points behind "
        f"{top_sector.lower()} ({top_week:.1f}%)."
    )
    sectors = hw[hw["breakdown"] == "sector"]
    title = top_against.headline()
    bars = Chart(
        key="overview-sectors",
        title=title,
        subtitle="Homeworking by sector, UK, 2019 · % of people in employment · dashed line: all in employment",
        alt=f"Bar chart of homeworking in ten sectors on two measures. {headline}",
        table=_wide_table(tables, "sector"),
        columns=measure_columns("Sector"),
        draw=lambda theme, title, subtitle: charts.category_bars(
            sectors, title=title, subtitle=subtitle, benchmark=PUBLIC_ADMIN, reference=uk, theme=theme
        ),
        caption=resource("homeworking_2019")["caveats"]["sector"],
        notes=f"{top_against.sentence()}",
    )
    return View(
        page="overview",
        title=PAGE_TITLES["overview"],
        headline=headline,
        sentence=(
            "How many people worked from home in 2019, by sector, age and region, from the ONS Annual Population "
            f"Survey — the baseline for the spring-2020 move to homeworking. {top_against.sentence()}"
        ),
        charts=(bars,),
        rows=_rows(tables, ("all", "sector")),
        resource="homeworking_2019",
        selections={},
        filters={"breakdown": "all, sector"},
        metrics=(
            Metric("UK: week before interview", f"{uk['week_prior']:.1f}%", MEASURE_LABELS["week_prior"] + ", 2019."),
            Metric("UK: ever worked from home", f"{uk['ever']:.1f}%", MEASURE_LABELS["ever"] + ", 2019."),
            Metric(
                "Public administration: week before",
                f"{week.yours:.1f}%",
                f"{top_sector} was highest at {top_week:.1f}%.",
                f"{compare.format_points(week.gap_points)} against the UK (derived)",
            ),
        ),
        notes=(resource("homeworking_2019")["caveats"]["sector"], DERIVED_NOTE),
    )


# ---- sectors --------------------------------------------------------------------------------------------


def sectors(tables: Tables, chosen: Mapping[str, Any], user_rows: pd.DataFrame | None = None) -> View:
    hw = tables.homeworking
    sector, benchmark = chosen["sector"], chosen["benchmark"]
    against_uk = benchmark == UK_OPTION
    c = compare.compare_with(hw, "sector", sector, benchmark)
    benchmark_name = "the UK" if against_uk else benchmark.lower()
    uk = _uk(tables)
    caveats = resource("homeworking_2019")["caveats"]
    highlight = {"yours": sector, "benchmark": None if against_uk else benchmark}
    mine = _user_rows(user_rows, "sector")
    rows = hw[hw["breakdown"] == "sector"]
    bars = Chart(
        key="sectors-all",
        title=c.headline(),
        subtitle="Homeworking by sector, UK, 2019 · 10 selected sectors · % of people in employment · dashed line: "
        "UK, all in employment",
        alt=f"Bar chart of homeworking in ten sectors on two measures, {sector} highlighted. {c.headline()}.",
        table=_wide_table(tables, "sector"),
        columns=measure_columns("Sector"),
        draw=lambda theme, title, subtitle: charts.category_bars(
            rows, title=title, subtitle=subtitle, reference=uk, user_rows=mine, theme=theme, **highlight
        ),
        caption=" ".join(
            filter(
                None,
                [
                    f"{caveats['sector']} Ten sectors are shown, not the whole economy; ranks are among these ten.",
                    _uploaded_caption(mine, "Hatched green bars"),
                ],
            )
        ),
        notes=c.sentence(),
    )
    regularity_title = regularity_takeaway(c)
    regularity = Chart(
        key="sectors-regularity",
        title=regularity_title,
        subtitle="Regularity of homeworking by sector, UK, 2019 · week-before share ÷ ever share (derived) · dashed "
        "line: UK",
        alt=f"Bar chart of the share of ever-homeworkers who also worked from home in the week before, ten sectors, "
        f"{sector} highlighted. {regularity_title}.",
        table=tables.once("regularity", lambda: _regularity_table(hw)),
        columns={
            "category": Column("Sector"),
            "regularity": Column(
                "Regularity (derived, %)", "percent", "Week-before share ÷ ever share: derived, not published."
            ),
        },
        draw=lambda theme, title, subtitle: charts.regularity_bars(
            rows,
            title=title,
            subtitle=subtitle,
            reference=compare.regularity(uk["week_prior"], uk["ever"]),
            theme=theme,
            **highlight,
        ),
        notes=regularity_notes(c),
    )
    found = compare.changes(hw, user_rows, "sector")
    lead, change = _change_chart(hw, found, "sector", sector, "sectors")
    top_occupation, top_share = _top(tables, "occupation", "ever")
    occupations = hw[hw["breakdown"] == "occupation"]
    occupation_chart = Chart(
        key="sectors-occupations",
        title=f"{top_occupation} were the most likely to have ever worked from home ({top_share:.0f}%)",
        subtitle="Selected occupations quoted by the source, UK, 2019 · have ever worked from home",
        alt=f"Bar chart of five occupations' share who have ever worked from home; {top_occupation} highest at "
        f"{top_share:.0f}%.",
        table=_wide_table(tables, "occupation"),
        columns=measure_columns("Occupation"),
        draw=lambda theme, title, subtitle: charts.category_bars(
            occupations,
            title=title,
            subtitle=subtitle,
            measures=("ever",),
            reference={"ever": uk["ever"]},
            theme=theme,
        ),
        caption=caveats["occupation"],
        depends_on=(),
    )
    return View(
        page="sectors",
        title=PAGE_TITLES["sectors"],
        headline=lead.sentence() if lead else c.headline(),
        sentence=c.sentence(),
        charts=_lead_first(lead, change, (bars, regularity, occupation_chart)),
        rows=_rows(tables, ("all", "sector", "occupation")),
        resource="homeworking_2019",
        selections=dict(chosen),
        filters={"sector": sector, "compared with": benchmark},
        metrics=_comparison_metrics(c, benchmark_name),
        notes=(caveats["sector"], caveats["occupation"], DERIVED_NOTE),
        notices=_same_choice("sector", sector, benchmark),
        comparison=c,
        with_user_rows=mine is not None,
        changes=tuple(found),
    )


def _regularity_table(hw: pd.DataFrame) -> pd.DataFrame:
    wide = compare.wide(hw, "sector")
    shares = [compare.regularity(w, e) for w, e in zip(wide["week_prior"], wide["ever"], strict=True)]
    return pd.DataFrame({"category": wide.index, "regularity": [round(s, 1) for s in shares]})


def regularity_takeaway(c: compare.Comparison) -> str:
    """'33% of education staff who had ever worked from home had also done so in the week before, against 47% …'."""
    return (
        f"{c.yours_regularity:.0f}% of {c.yours_noun} who had ever worked from home had also done so in the "
        f"week before interview, against {c.benchmark_regularity:.0f}% of {c.benchmark_noun}"
    )


def regularity_notes(c: compare.Comparison) -> str:
    """The arithmetic behind the regularity shares, in words, for the speaker."""
    week, ever = c.measures["week_prior"], c.measures["ever"]
    return (
        f"Regularity is derived: the week-before share divided by the ever share. {_capital(c.yours_noun)}: "
        f"{week.yours:.1f}% ÷ {ever.yours:.1f}% = {c.yours_regularity:.0f}%. {_capital(c.benchmark_noun)}: "
        f"{week.benchmark:.1f}% ÷ {ever.benchmark:.1f}% = {c.benchmark_regularity:.0f}%. "
        "A high share means homeworking there was a habit, not a one-off."
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---- age ------------------------------------------------------------------------------------------------


def age(tables: Tables, chosen: Mapping[str, Any], user_rows: pd.DataFrame | None = None) -> View:
    hw = tables.homeworking
    band, versus = chosen["band"], chosen["vs"]
    against_uk = versus == UK_OPTION
    c = compare.compare_with(hw, "age", band, versus)
    uk = _uk(tables)
    shape = compare.describe_profile(hw, "age", "week_prior")
    mine = _user_rows(user_rows, "age")
    rows = hw[hw["breakdown"] == "age"]
    profile = Chart(
        key="age-profile",
        title=c.headline(),
        subtitle="Homeworking by age of worker, UK, 2019 · dotted lines: UK, all in employment",
        alt=f"Line chart of homeworking by age band on two measures, {band} highlighted. {shape}",
        table=_wide_table(tables, "age"),
        columns=measure_columns("Age band"),
        draw=lambda theme, title, subtitle: charts.profile_chart(
            rows,
            title=title,
            subtitle=subtitle,
            highlight=(band,),
            compare_with=None if against_uk else versus,
            reference=uk,
            user_rows=mine,
            theme=theme,
        ),
        caption=" ".join(
            filter(
                None,
                [
                    f"{shape} {compare.describe_profile(hw, 'age', 'ever')}",
                    _uploaded_caption(mine, "Green square markers"),
                ],
            )
        ),
        notes=f"{c.sentence()} {shape}",
    )
    found = compare.changes(hw, user_rows, "age")
    lead, change = _change_chart(hw, found, "age", band, "age")
    return View(
        page="age",
        title=PAGE_TITLES["age"],
        headline=lead.sentence() if lead else c.headline(),
        sentence=c.sentence(),
        charts=_lead_first(lead, change, (profile,)),
        rows=_rows(tables, ("all", "age")),
        resource="homeworking_2019",
        selections=dict(chosen),
        filters={"age band": band, "compared with": versus},
        metrics=_comparison_metrics(c, "the UK" if against_uk else c.benchmark_noun),
        notes=(shape, DERIVED_NOTE),
        notices=_same_choice("band", band, versus),
        comparison=c,
        with_user_rows=mine is not None,
        changes=tuple(found),
    )


# ---- regions --------------------------------------------------------------------------------------------


def regions(tables: Tables, chosen: Mapping[str, Any], user_rows: pd.DataFrame | None = None) -> View:
    hw = tables.homeworking
    region, other, measure = chosen["region"], chosen["other"], chosen["map"]
    against_uk = other == UK_OPTION
    category_of = selections.region_names(hw)
    c = compare.compare_with(hw, "region", category_of[region], category_of.get(other, other))
    uk = _uk(tables)
    rows = hw[hw["breakdown"] == "region"]
    names = rows.drop_duplicates("category").sort_values("order").set_index("category")
    highlight = {"yours": category_of[region], "benchmark": None if against_uk else category_of[other]}
    top_region, top_share = _top(tables, "region", measure)
    top_name = names.loc[top_region, "official_name"]
    table = names[["official_name", "code"]].join(compare.wide(hw, "region")).reset_index()
    columns = measure_columns("As printed in the source") | {
        "official_name": Column("Region or nation"),
        "code": Column("GSS code"),
    }
    tile_map = Chart(
        key="regions-map",
        title=f"{top_name} was highest at {top_share:.1f}%",
        subtitle=f"{MEASURE_LABELS[measure]}, by region of workplace, 2019 · darker = higher",
        alt=f"Tile map of the twelve UK regions and nations shaded by the share who {MEASURE_PHRASES[measure]}; "
        f"{top_name} highest at {top_share:.1f}%, {region} {c.measures[measure].yours:.1f}%.",
        table=table,
        columns=columns,
        # On the page the map shares its row with the councils list: its title wraps sooner.
        draw=lambda theme, title, subtitle: charts.tile_map(
            rows,
            measure=measure,
            title=title,
            subtitle=subtitle,
            theme=replace(theme, title_wrap=56) if theme is NORMAL else theme,
            **highlight,
        ),
    )
    mine = _user_rows(user_rows, "region")
    bars = Chart(
        key="regions-bars",
        title=c.headline(),
        subtitle="Homeworking by region of workplace, UK, 2019 · % of people in employment · dashed line: UK, all "
        "in employment",
        alt=f"Bar chart of the twelve regions and nations on two measures, {region} highlighted. {c.headline()}.",
        table=table,
        columns=columns,
        draw=lambda theme, title, subtitle: charts.category_bars(
            rows, title=title, subtitle=subtitle, reference=uk, user_rows=mine, theme=theme, **highlight
        ),
        caption=_uploaded_caption(mine, "Hatched green bars"),
        notes=c.sentence(),
    )
    found = compare.changes(hw, user_rows, "region")
    lead, change = _change_chart(hw, found, "region", category_of[region], "regions")
    return View(
        page="regions",
        title=PAGE_TITLES["regions"],
        headline=lead.sentence() if lead else c.headline(),
        sentence=c.sentence(),
        charts=_lead_first(lead, change, (bars, tile_map)),
        rows=_rows(tables, ("all", "region")),
        resource="homeworking_2019",
        selections=dict(chosen),
        filters={"region": region, "compared with": other, "map": MEASURE_LABELS[measure]},
        metrics=_comparison_metrics(c, "the UK" if against_uk else other),
        notes=(resource("homeworking_2019")["caveats"]["region"], DERIVED_NOTE),
        notices=_same_choice("region", region, other),
        comparison=c,
        with_user_rows=mine is not None,
        changes=tuple(found),
    )


# ---- councils -------------------------------------------------------------------------------------------

COUNCIL_CAVEAT = (
    "Every figure is quoted from its source, with its date only as precise as the source gives it; rates and "
    "shares are derived here and labelled so. Rates are lower bounds: the count ÷ the longest time the source "
    "allows. The 2020 share counts one organisation's staff; the 2019 figure is the ONS survey share of all workers "
    "in the region: read them side by side, not as a change."
)


def councils_view(tables: Tables, chosen: Mapping[str, Any], user_rows: pd.DataFrame | None = None) -> View:
    figures, hw = tables.councils, tables.homeworking
    regions_, kinds, org = list(chosen["region"]), list(chosen["kind"]), chosen["org"]
    selected = councils.filter_figures(figures, regions=regions_, kinds=kinds)
    rollout = selected[selected["kind"] != councils.CONTEXT_KIND]
    notices = ()
    if rollout.empty:
        notices = (
            "The sources report no council or public-body figures for this choice of region and kind. "
            "Clear a filter to see more.",
        )
    elif org and org not in set(rollout["organisation"]):
        notices = (f"{org} has no figures in this selection: clear the filters to see it highlighted.",)
    rates = councils.implied_rates(rollout)
    source = source_note(council_charts.COUNCIL_SOURCE)
    charts_ = (
        ()
        if rollout.empty
        else (
            _timeline_chart(selected, org, source),
            *_speed_chart(rollout, org, source),
            *_baseline_chart(rollout, hw, org),
        )
    )
    metrics = [
        Metric("Organisations", f"{rollout['organisation'].nunique()}"),
        Metric("Figures, each with its quote", f"{len(rollout)}"),
    ]
    if len(rates):
        fastest = rates.sort_values("rate_per_day", ascending=False).iloc[0]
        metrics.append(
            Metric(
                f"Fastest rollout, {fastest['unit']} a day (derived)",
                f"≥ {fastest['rate_at_least']:,}",
                f"{fastest['organisation']}: {fastest['value_text']} {fastest['duration']}, so "
                f"{fastest['rate_label']} on average. Derived here; the source gives the count and the time.",
            )
        )
    rows = selected.reset_index(drop=True)
    missing = {
        "councils-speed": "No figure in this selection counts staff or users moved, or says how long a move took.",
        "councils-baseline": councils.share_takeaway(pd.DataFrame()),
    }
    return View(
        page="councils",
        title=PAGE_TITLES["councils"],
        headline=councils.rate_takeaway(rates),
        sentence=(
            "Within weeks of the 23 March 2020 instruction to work from home, councils and public bodies moved "
            "thousands of staff home. Every figure below is quoted from its source, with its date only as precise "
            "as the source gives it; rates and shares are derived here and labelled so."
        ),
        charts=charts_,
        rows=rows,
        resource="council_rollout_2020",
        selections=dict(chosen),
        filters={
            "region": ", ".join(regions_) or "all",
            "kind": ", ".join(kinds) or "all",
            "organisation highlighted": org or "none",
        },
        metrics=tuple(metrics) if not rollout.empty else (),
        notes=(COUNCIL_CAVEAT,),
        notices=notices,
        missing={key: why for key, why in missing.items() if all(c.key != key for c in charts_)},
        make_detail=lambda: councils.figure_table(rollout, hw),
    )


REGION_2019 = Column(
    "Region, 2019 (%)", "percent", "ONS: worked from home in the week before interview, all workers in the region."
)
COUNCIL_FIGURE_COLUMNS = {
    "organisation": Column("Organisation"),
    "value_as_printed": Column("Value as printed"),
    "claimant": Column("Who says so", help=councils.claimant_help()),
    "quote": Column("Quote (verbatim)"),
    "source": Column("Source file:lines", help="In data/sources/ of this repository."),
    "publication": Column("Published in"),
    "licence": Column("Licence", help="The source's terms: only the ONS statistics are openly licensed."),
    "derived": Column("Derived figures", help="Computed here from the printed figures, not printed by the source."),
    "measure": Column("What was counted"),
    "when": Column("When (the source's words)"),
    "date_precision": Column("Date precision", help=councils.precision_help()),
    "region": Column("Region or nation"),
    "kind": Column("Kind"),
    "region_2019_week_prior": REGION_2019,
}


def _timeline_chart(selected: pd.DataFrame, org: str | None, source: str) -> Chart:
    items = councils.timeline_items(selected)
    rollout = selected[selected["kind"] != councils.CONTEXT_KIND]
    title = councils.timeline_takeaway(items)
    subtitle = "Council and public-body figures, spring 2020 · dates as precise as the source gives them"

    def draw(theme: Theme, title: str, subtitle: str) -> go.Figure:
        lanes, subtitle = _compact_lanes(items, org, subtitle) if theme.compact else (items, subtitle)
        return council_charts.rollout_timeline(
            lanes, title=title, subtitle=subtitle, highlight=org, source=source, theme=theme
        )

    return Chart(
        key="councils-timeline",
        title=title,
        subtitle=subtitle,
        alt=f"Timeline of rollout figures, one lane per organisation, with the 23 March 2020 instruction as a line"
        f"{', ' + org + ' highlighted' if org else ''}. {title}.",
        table=items.loc[items["panel"] != "context", ["organisation", "when", "precision", "label", "claimant"]].assign(
            precision=lambda t: t["precision"].map(councils.PRECISION_LABELS)
        ),
        columns={
            "organisation": Column("Organisation"),
            "when": Column("When (the source's words)"),
            "precision": Column("Date precision", help=councils.precision_help()),
            "label": Column("Figure"),
            "claimant": Column("Who says so", help=councils.claimant_help()),
        },
        draw=draw,
        source=source,
        caption="Bars span the period the source gives (a month, part of a month, named weeks), not a day inside "
        "it; ◀ marks a date something was done by. Figures from before the pandemic or with no date sit in their "
        "own panels instead of on an invented date. 'Vendor claim' marks a figure from a supplier's advertorial, "
        "not the organisation's own word.",
        notes=f"{title}. {councils.rate_takeaway(councils.implied_rates(rollout))}.",
    )


def _compact_lanes(items: pd.DataFrame, org: str | None, subtitle: str) -> tuple[pd.DataFrame, str]:
    """A slide or a printed brief keeps the lanes with a dated figure, and the presenter's own: a screen holds
    about eight lanes at presentation size, and the undated ones are listed on the Councils page."""
    dated = set(items.loc[items["panel"] == councils.DATED, "organisation"])
    if not dated:
        return items, subtitle
    keep = items["organisation"].isin(dated | {org}) | (items["panel"] == "context")
    left_out = items.loc[~keep, "organisation"].nunique()
    if left_out:
        who = "organisation gives" if left_out == 1 else "organisations give"
        subtitle += f" · {left_out} more {who} no date or only 'before the pandemic' (Councils page)"
    return items[keep], subtitle


def _speed_chart(rollout: pd.DataFrame, org: str | None, source: str) -> tuple[Chart, ...]:
    rows = councils.scale_and_speed_rows(rollout)
    if rows.empty:
        return ()
    title = councils.speed_takeaway(rows)
    return (
        Chart(
            key="councils-speed",
            title=title,
            subtitle="Staff or users as printed, and time taken as given, spring 2020 · rates derived: count ÷ days",
            alt=f"Bar charts of how many staff or users each organisation moved and how long it took. {title}.",
            table=rows[["organisation", "measure", "value_text", "when", "duration", "rate_label"]],
            columns={
                "organisation": Column("Organisation"),
                "measure": Column("What was counted"),
                "value_text": Column("Value as printed"),
                "when": Column("When (the source's words)"),
                "duration": Column("Time taken (as given)"),
                "rate_label": Column(
                    "Implied rate (derived)",
                    help="Count ÷ the longest time the source allows ('within a week' = 7 days): a lower bound.",
                ),
            },
            draw=lambda theme, title, subtitle: council_charts.scale_and_speed(
                rows, title=title, subtitle=subtitle, highlight=org, theme=theme
            ),
            source=source,
        ),
    )


def _baseline_chart(rollout: pd.DataFrame, hw: pd.DataFrame, org: str | None) -> tuple[Chart, ...]:
    shares = councils.shares_at_home(rollout, hw)
    if shares.empty:
        return ()
    title = councils.share_takeaway(shares)
    return (
        Chart(
            key="councils-baseline",
            title=title,
            subtitle="% at home: the organisation's own figure (2020) vs the ONS figure for its region, week before "
            "interview (2019) · different sources and measures: illustrative, not a statistic",
            alt=f"Bars of each organisation's share of staff at home in 2020 beside its region's 2019 homeworking. "
            f"{title}. Different sources and measures: illustrative only.",
            table=shares[["organisation", "region", "when", "share_label", "basis", "derived", "region_week_prior"]],
            columns={
                "organisation": Column("Organisation"),
                "region": Column("Region or nation"),
                "when": Column("When (the source's words)"),
                "share_label": Column("Share at home, 2020"),
                "basis": Column("Basis"),
                "derived": Column("Derived here", "check", "Unticked: printed by the source."),
                "region_week_prior": REGION_2019,
            },
            draw=lambda theme, title, subtitle: council_charts.share_against_baseline(
                shares, title=title, subtitle=subtitle, highlight=org, theme=theme
            ),
            source=council_charts.baseline_sources(),
            caption="The 2020 share counts one organisation's staff (or one service); the 2019 figure is the ONS "
            "survey share of all workers in the region who worked from home in the week before interview. Read them "
            "side by side, not as a change.",
        ),
    )


# ---- explore --------------------------------------------------------------------------------------------


def explore_view(tables: Tables, chosen: Mapping[str, Any], user_rows: pd.DataFrame | None = None) -> View:
    """The filtered rows of either table and their chart, the session's uploads beside the 2019 figures."""
    spec = explore.TABLES[chosen.get("table", "homeworking")]
    is_hw = spec is explore.HOMEWORKING
    table = explore.combine(spec, tables.homeworking, user_rows) if is_hw else explore.combine(spec, tables.councils)
    filters = explore.Filters.chosen(chosen)
    rows = explore.filter_view(table, spec, filters)
    notices = []
    if filters.low is not None and filters.high is not None and filters.low > filters.high:
        name = "Percent" if is_hw else "Value"
        notices.append(f"'{name} at least' is above '{name} at most', so no row can match.")
    if rows.empty:
        notices.append("No rows match these filters. Clear a filter or widen the range to see figures.")
    chart = (
        ()
        if rows.empty
        else (_explore_chart(rows, chosen.get("chart"), table) if is_hw else _council_chart(rows, filters))
    )
    headline = chart[0].title if chart else f"{len(rows):,} rows"
    return View(
        page="explore",
        title=PAGE_TITLES["explore"],
        headline=headline,
        sentence=f"{len(rows):,} rows of {spec.label}, filtered as chosen; the downloads hold every one.",
        charts=chart,
        rows=rows,
        resource=spec.resource,
        selections=dict(chosen),
        filters=explore.describe(spec, filters),
        notices=tuple(notices),
        with_user_rows="source" in rows and bool((rows["source"] != spec.short_citation).any()),
    )


def present_breakdowns(rows: pd.DataFrame) -> list[str]:
    return [b for b in explore.BREAKDOWN_ORDER if b in set(rows["breakdown"])]


def _explore_chart(view_rows: pd.DataFrame, chart_on: str | None, table: pd.DataFrame) -> tuple[Chart, ...]:
    present = present_breakdowns(view_rows)
    breakdown = chart_on if chart_on in present else explore.default_chart(present)
    rows = view_rows[view_rows["breakdown"] == breakdown]
    measures = tuple(m for m in MEASURES if m in set(rows["measure"]))
    noun = explore.GROUP_NOUNS[breakdown]
    source = explore.chart_source(rows)
    if rows["category"].nunique() <= explore.MAX_BARS:
        ons, user = explore.split_sources(rows)
        title = explore.bars_takeaway(rows, breakdown, measures)
        uk = {m: compare.percent_of(table, *compare.UK, m) for m in measures}
        return (
            Chart(
                key=f"explore-{breakdown}",
                title=title,
                subtitle=explore.bars_subtitle(breakdown, with_user=bool(len(user))),
                alt=f"Bar chart of {rows['category'].nunique()} {noun} on {len(measures)} measure(s). {title}.",
                table=rows[["category", "measure", "percent", "source"]],
                columns={"percent": Column("percent", "percent")},
                draw=lambda theme, title, subtitle: charts.category_bars(
                    ons,
                    title=title,
                    subtitle=subtitle,
                    reference=uk if breakdown != "all" else None,
                    measures=measures,
                    source=source,
                    user_rows=user if len(user) else None,
                    theme=theme,
                ),
                source=source,
            ),
        )
    bands = explore.percent_bands(rows)
    title = explore.distribution_takeaway(bands)
    return (
        Chart(
            key=f"explore-{breakdown}",
            title=title,
            subtitle=explore.distribution_subtitle(rows, noun),
            alt=f"Column chart of how many of {len(rows):,} figures fall in each 5-point band. {title}.",
            table=bands,
            columns={},
            draw=lambda theme, title, subtitle: explore.distribution_chart(
                rows, title=title, subtitle=subtitle, measures=measures, theme=theme
            ),
            source=source,
        ),
    )


def _council_chart(rows: pd.DataFrame, filters: explore.Filters) -> tuple[Chart, ...]:
    unit = explore.council_unit(rows, filters.measures)
    if unit is None:
        return ()
    drawn = rows[(rows["unit"] == unit) & rows["value"].notna()]
    title = explore.council_takeaway(rows, unit)
    return (
        Chart(
            key="explore-councils",
            title=title,
            subtitle=f"Council and public-body figures, spring 2020 · {unit} · {len(drawn)} of the {len(rows)} rows "
            "in view (other units are in the table)",
            alt=f"Bar chart of {len(drawn)} figures in {unit}. {title}.",
            table=drawn[["organisation", "measure", "value_text"]],
            columns={},
            draw=lambda theme, title, subtitle: explore.council_chart(
                rows, unit, title=title, subtitle=subtitle, theme=theme
            ),
            source=source_note("council_rollout_2020"),
        ),
    )


BUILDERS: dict[str, Callable[[Tables, Mapping[str, Any], pd.DataFrame | None], View]] = {
    "overview": overview,
    "sectors": sectors,
    "age": age,
    "regions": regions,
    "councils": councils_view,
    "explore": explore_view,
}
PAGES = tuple(BUILDERS)
