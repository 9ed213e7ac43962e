"""The Explore page's work: which table, which filters, which rows in which order, and what its charts say.

Pure functions: tables and selections in, DataFrames and text out (the charts themselves are in
lib/charts/explore.py), so the URL model imports no Plotly. The page only reads the widgets and lays out
what these return, so every filter is unit-tested here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lib.compare import MEASURE_PHRASES, MEASURE_SHORT
from lib.councils import marked
from lib.data import MEASURES, resource, source_note
from lib.render import export

MAX_BARS = 40  # more categories than this are charted as a distribution, not one bar each
BAND_WIDTH = 5.0  # percentage points per band in the distribution chart
BREAKDOWN_ORDER = ("all", "sector", "age", "region", "occupation")
GROUP_NOUNS = {
    "all": "categories",
    "sector": "sectors",
    "age": "age bands",
    "region": "regions and nations",
    "occupation": "occupations",
}


@dataclass(frozen=True)
class TableSpec:
    """One explorable table: which of its columns play breakdown, category, measure and value.

    Described in the Data Package, beside the table's schema (each resource's `explore`, as Datasette's
    metadata describes a table's label and facets): adding a table to Explore is one entry there.
    """

    key: str  # the table's name in the address: ?table=
    resource: str
    label: str
    group: str
    item: str
    measure: str
    value: str
    columns: tuple[str, ...]
    facets: tuple[str, ...] = ()  # more columns to filter on, each by its own URL key of the same name

    @classmethod
    def described(cls, resource_name: str) -> TableSpec:
        """The resource's `explore` entry; a column it names that the table does not have fails at import."""
        res = resource(resource_name)
        told = res["explore"]
        loaded = (*(f["name"] for f in res["schema"]["fields"]), *(f["name"] for f in res.get("derived_fields", [])))
        spec = cls(
            key=told["key"],
            resource=resource_name,
            label=told["label"],
            group=told["group"],
            item=told["item"],
            measure=told["measure"],
            value=told["value"],
            columns=tuple(told.get("columns", loaded)),
            facets=tuple(told.get("facets", ())),
        )
        roles = (spec.group, spec.item, spec.measure, spec.value, *spec.facets)
        unknown = [c for c in (*roles, *spec.columns) if c not in (*loaded, "source")]
        if unknown or not set(roles) <= set(spec.columns):
            raise ValueError(f"{resource_name}'s explore entry names columns it does not show or have: {unknown}")
        return spec

    @property
    def slug(self) -> str:
        """The start of a download's file name: the resource's name, as a file name spells it."""
        return self.resource.replace("_", "-")

    @property
    def short_citation(self) -> str:
        return resource(self.resource)["short_citation"]


HOMEWORKING = TableSpec.described("homeworking_2019")
COUNCILS = TableSpec.described("council_rollout_2020")
TABLES = {spec.key: spec for spec in (HOMEWORKING, COUNCILS)}


@dataclass(frozen=True)
class Filters:
    """What the user chose. Empty choices mean "all"; None bounds mean "no bound"."""

    groups: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    search: str = ""
    sort: str = ""
    facets: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (column, the values kept), for a table's facets

    @classmethod
    def chosen(cls, chosen: Mapping[str, Any]) -> Filters:
        """The filters of an Explore address's values (lib.selections): the keys depend on the table."""
        table = chosen.get("table", "homeworking")
        is_hw = table == "homeworking"
        facets = TABLES[table].facets if table in TABLES else ()
        return cls(
            groups=tuple(chosen.get("breakdown" if is_hw else "kind") or ()),
            items=tuple(chosen.get("category" if is_hw else "org") or ()),
            measures=tuple(chosen.get("measure" if is_hw else "unit") or ()),
            low=chosen.get("min"),
            high=chosen.get("max"),
            search=chosen.get("q") or "",
            sort=chosen.get("sort") or "",
            facets=tuple((column, tuple(chosen[column])) for column in facets if chosen.get(column)),
        )

    @property
    def named(self) -> list[str]:
        """The chosen groups and facet values, which a file name can say (`council-rollout-2020-wales`)."""
        return [*self.groups, *(value for _, values in self.facets for value in values)]

    @property
    def narrows(self) -> bool:
        """True when rows were dropped beyond the chosen groups (the file name says "filtered")."""
        bounded = self.low is not None or self.high is not None
        return bool(self.items or self.measures or bounded or self.search.strip())


def combine(spec: TableSpec, built_in: pd.DataFrame, user_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The built-in table, plus (homeworking only) the user's rows beside the figures they match.

    Default order: breakdowns as the source lists them, categories by their `order`
    (the user's new categories after them, in file order), week before then ever, and
    each uploaded figure straight after the ONS figure it sits beside. A table combined
    already (marked in its `attrs`) is returned as it is: a page combines a million uploaded
    rows once per upload, not once per rerun.
    """
    if spec is not HOMEWORKING:
        return built_in.reset_index(drop=True)
    if built_in.attrs.get(COMBINED) and user_rows is None:
        return built_in
    ons = built_in.sort_values(["breakdown", "order", "measure"], key=_rank, kind="stable")
    if user_rows is None or not len(user_rows):
        return _combined(ons.reset_index(drop=True))
    table = pd.concat([ons, user_rows], ignore_index=True)
    # Groups numbered by first appearance: the 2019 categories by their `order`, then the user's new ones.
    group = table.groupby(["breakdown", "category"], sort=False, dropna=False).ngroup().to_numpy()
    position = np.lexsort(
        (
            (table["source"] != HOMEWORKING.short_citation).to_numpy(),
            _rank(table["measure"]).to_numpy(),
            group,
            _rank(table["breakdown"]).to_numpy(),
        )
    )
    if (position[1:] > position[:-1]).all():
        return _combined(table)  # already in order: spare a million-row copy
    return _combined(table.iloc[position].reset_index(drop=True))


COMBINED = "homeworking:combined"


def _combined(table: pd.DataFrame) -> pd.DataFrame:
    table.attrs[COMBINED] = True
    return table


def _rank(column: pd.Series) -> pd.Series:
    """Breakdowns and measures by the source's order (codes, not text), other columns as they are."""
    order = {"breakdown": BREAKDOWN_ORDER, "measure": MEASURES}.get(column.name)
    if order is None:
        return column
    return pd.Series(pd.Categorical(column, categories=order).codes, index=column.index)


def default_chart(breakdowns: list[str]) -> str:
    """Which breakdown to chart first: the sectors when they are in view (the product's lead comparison)."""
    return "sector" if "sector" in breakdowns else breakdowns[0]


def filter_view(table: pd.DataFrame, spec: TableSpec, filters: Filters) -> pd.DataFrame:
    """Exactly the rows and columns the page shows and exports, in the order shown."""
    keep = pd.Series(True, index=table.index)
    if filters.groups:
        keep &= table[spec.group].isin(filters.groups)
    if filters.items:
        keep &= table[spec.item].isin(filters.items)
    if filters.measures:
        keep &= table[spec.measure].isin(filters.measures)
    for column, values in filters.facets:
        keep &= table[column].isin(values)
    if filters.low is not None:
        keep &= table[spec.value] >= filters.low
    if filters.high is not None:
        keep &= table[spec.value] <= filters.high
    view = table.loc[keep, list(spec.columns)]
    if filters.search.strip():
        view = view[search_mask(view, filters.search.strip())]
    return sort_view(view, filters.sort).reset_index(drop=True)


def search_mask(view: pd.DataFrame, text: str) -> pd.Series:
    """Rows where any text column contains `text`, ignoring case (a literal, not a pattern)."""
    hit = pd.Series(False, index=view.index)
    for column in view.columns:
        if pd.api.types.is_string_dtype(view[column]):
            hit |= view[column].str.contains(text, case=False, regex=False, na=False)
    return hit


SOURCE_ORDER = "source order"
SORT_PATTERN = re.compile(r"^(?P<column>.+) \((?P<direction>ascending|descending)\)$")


def sort_options(spec: TableSpec) -> list[str]:
    """Readable sort choices (they are also the URL values): 'source order', 'percent (descending)', …"""
    return [SOURCE_ORDER, *[f"{c} ({d})" for c in spec.columns for d in ("ascending", "descending")]]


def sort_view(view: pd.DataFrame, sort: str) -> pd.DataFrame:
    """Sort by one column (missing values last), ties kept in source order; unknown sorts ignored."""
    chosen = SORT_PATTERN.match(sort or "")
    if not chosen or chosen["column"] not in view.columns:
        return view
    ascending = chosen["direction"] == "ascending"
    return view.sort_values(chosen["column"], ascending=ascending, na_position="last", kind="stable")


def describe(spec: TableSpec, filters: Filters) -> dict[str, str]:
    """The filters in words, for the export's provenance (empty choices say "all")."""
    described = {
        "table": spec.label,
        spec.group: ", ".join(filters.groups) or "all",
        spec.item: ", ".join(filters.items) or "all",
        spec.measure: ", ".join(filters.measures) or "all",
    }
    chosen = dict(filters.facets)
    described |= {column: ", ".join(chosen.get(column, ())) or "all" for column in spec.facets}
    if filters.low is not None:
        described[f"{spec.value} at least"] = f"{filters.low:g}"
    if filters.high is not None:
        described[f"{spec.value} at most"] = f"{filters.high:g}"
    if filters.search.strip():
        described["search"] = filters.search.strip()
    described["sorted by"] = filters.sort if SORT_PATTERN.match(filters.sort) else SOURCE_ORDER
    return described


def export_stem(spec: TableSpec, filters: Filters, view: pd.DataFrame) -> str:
    """`homeworking-2019-sector-filtered` and the like: what the exported file holds."""
    with_uploads = "source" in view and bool((view["source"] != spec.short_citation).any())
    return export.export_stem(spec.slug, filters.named, filtered=filters.narrows, with_uploads=with_uploads)


def column_help(spec: TableSpec, column: str) -> str:
    """What a column means, from the Data Package (with the measures spelled out for percent)."""
    field = next((f for f in export.fields_of(pd.DataFrame(columns=[column]), spec.resource)), {})
    text = field.get("description") or f"The {column.replace('_', ' ')} of each figure, as the source gives it."
    if field.get("unit"):
        text += f" Unit: {field['unit']}."
    if spec is HOMEWORKING and column == "percent":
        measures = resource(spec.resource)["measures"]
        text += " " + " ".join(f"{m}: {measures[m]['description']}" for m in MEASURES)
    return text.strip()


def split_sources(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ONS rows, the user's uploaded rows) of a homeworking view."""
    ons = rows["source"] == HOMEWORKING.short_citation
    return rows[ons], rows[~ons]


def bars_takeaway(rows: pd.DataFrame, breakdown: str, measures: tuple[str, ...]) -> str:
    """The chart's title: where the user's figures stand against 2019, or which category led."""
    ons, user = split_sources(rows)
    measure = next((m for m in MEASURES if m in measures and ons.loc[ons.measure == m, "percent"].notna().any()), None)
    noun = GROUP_NOUNS.get(breakdown, "categories")
    if len(user):
        return user_takeaway(ons, user, measures, noun)
    if measure is None:
        return f"No published figure for these {noun} on the chosen measures"
    best = ons[ons.measure == measure].dropna(subset=["percent"]).sort_values("percent", ascending=False).iloc[0]
    if ons[ons.measure == measure]["percent"].notna().sum() == 1:
        return f"{best.category}: {best.percent:.1f}% {MEASURE_PHRASES[measure]} in 2019"
    return f"{best.category} had the highest share who {MEASURE_PHRASES[measure]} in 2019: {best.percent:.1f}%"


def bars_subtitle(breakdown: str, *, with_user: bool) -> str:
    """Measure, place, year and unit; the reference line and the hatching explained when drawn."""
    text = f"Homeworking by {'category' if breakdown == 'all' else breakdown}, UK, 2019 · % of workers"
    if breakdown != "all":
        text += " · dashed line: UK, all in employment"
    if with_user:
        text += " · hatched: your uploaded figures"
    return text


def user_takeaway(ons: pd.DataFrame, user: pd.DataFrame, measures: tuple[str, ...], noun: str) -> str:
    """'Your figures (…) are above the 2019 figure for 3 of 4 sectors on the share who worked from home in the week
    before interview'; for one category in both, that category's figure, named."""
    source = user["source"].iloc[0]
    for measure in [m for m in MEASURES if m in measures]:
        pairs = ons[ons.measure == measure].merge(
            user[user.measure == measure], on="category", suffixes=("_ons", "_user")
        )
        pairs = pairs.dropna(subset=["percent_ons", "percent_user"])
        share = f"on the share who {MEASURE_PHRASES[measure]} (derived)"
        if len(pairs) == 1:
            pair = pairs.iloc[0]
            relation = {1: "above", -1: "below", 0: "the same as"}[int(np.sign(pair.percent_user - pair.percent_ons))]
            return f"Your figure ({source}) for {pair.category} is {relation} its 2019 figure {share}"
        if len(pairs):
            above = int((pairs["percent_user"] > pairs["percent_ons"]).sum())
            return f"Your figures ({source}) are above the 2019 figure for {above} of {len(pairs)} {noun} {share}"
    return f"Your figures ({source}) beside the ONS 2019 figures: no category appears in both"


def percent_bands(rows: pd.DataFrame, width: float = BAND_WIDTH) -> pd.DataFrame:
    """How many figures fall in each band of `width` points, per source and measure (derived counts).

    Bands are [0, 5), [5, 10), … [95, 100]; 100 belongs to the last. Missing figures are
    not counted in any band.
    """
    edges = np.arange(0, 100 + width, width)
    present = rows.dropna(subset=["percent"])
    band = np.minimum((present["percent"].to_numpy() // width).astype(int), len(edges) - 2)
    counts = (
        pd.DataFrame({"source": present["source"].to_numpy(), "measure": present["measure"].to_numpy(), "band": band})
        .groupby(["source", "measure", "band"], sort=True)
        .size()
        .rename("figures")
        .reset_index()
    )
    counts["band_from"] = edges[counts["band"]]
    counts["band_to"] = edges[counts["band"] + 1]
    return counts[["source", "measure", "band_from", "band_to", "figures"]]


def distribution_takeaway(bands: pd.DataFrame) -> str:
    """'The most common week-before share in this view is 10–15%: 62,855 of 500,010 figures (derived)'."""
    if bands.empty:
        return "No published figures in this view"
    measure = next(m for m in MEASURES if m in set(bands["measure"]))
    by_band = bands[bands["measure"] == measure].groupby(["band_from", "band_to"])["figures"].sum()
    (low, high), most, total = by_band.idxmax(), int(by_band.max()), int(by_band.sum())
    short = MEASURE_SHORT[measure].lower()
    return f"The most common {short} share in this view is {low:g}–{high:g}%: {most:,} of {total:,} figures (derived)"


def distribution_subtitle(rows: pd.DataFrame, noun: str) -> str:
    """How many categories, whose, and why they are counted in bands rather than drawn one by one."""
    ons, user = split_sources(rows)
    whose = f"{ons['category'].nunique():,} from the ONS, {user['category'].nunique():,} yours"
    return (
        f"{rows['category'].nunique():,} {noun} ({whose}): too many for one bar each, so counted in "
        "5-point bands · number of figures (derived)"
    )


def chart_source(rows: pd.DataFrame, resource_name: str = "homeworking_2019") -> str:
    """The source line, naming the user's uploaded figures too when the chart draws them."""
    line = source_note(resource_name)
    if "source" not in rows:
        return line
    _, user = split_sources(rows)
    if len(user):
        line += f" · Your data: {', '.join(pd.unique(user['source']))} (uploaded, this session only)"
    return line


def council_unit(view: pd.DataFrame, chosen: tuple[str, ...] = ()) -> str | None:
    """The unit the council chart draws: the one chosen, else the one most figures in view share."""
    numbered = view.dropna(subset=["value", "unit"])
    if len(chosen) == 1 and chosen[0] in set(numbered["unit"]):
        return chosen[0]
    if numbered.empty:
        return None
    return numbered["unit"].value_counts(sort=True).index[0]


def council_takeaway(view: pd.DataFrame, unit: str | None) -> str:
    if unit is None:
        return "None of these figures is a number that can be drawn"
    rows = view[(view["unit"] == unit) & view["value"].notna()]
    top = rows.loc[rows["value"].idxmax()]
    who = marked(top.organisation, top.claimant)
    if len(rows) == 1:
        return f"{who}: {top.value_text} {top.measure} ({unit})"
    return f"{who} has the largest figure in {unit}: {top.value_text} {top.measure}"
