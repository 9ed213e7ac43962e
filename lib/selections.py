"""Every URL key, defined once: its label, its options (from the data), its default, one value or many,
and how a value from an address is checked.

The pages' widgets, the presentation deck, the API, `python -m lib.report` and the URL fuzz
test all read this one list, as owid-grapher reads its one URL model: a key typed as a
string anywhere else is a copy waiting to drift. `read` follows Streamlit's own binding
rules (a single value takes the last one given; unknown values are dropped; nothing valid
means the default), so an address means the same thing on a page and in a file; `check`
is the strict reading the API uses to answer 400 instead of guessing.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypedDict, TypeVar

import pandas as pd

from lib import compare, councils, explore
from lib.compare import MEASURE_SHORT, UK_OPTION
from lib.data import BREAKDOWNS, CLAIMANTS, KINDS, MEASURES
from lib.escape import clean
from lib.limits import LIMITS

PUBLIC_ADMIN = "Public administration and defence"
CONTEXT_KIND = "national announcement"  # the 23 March instruction: context on the timeline, not a body to pick
HEADLINE_MAX = 240  # characters: a headline is a sentence, not a paragraph (an organisation's own story fits)
SEARCH_MAX = 100  # characters of Explore's search box
NUMBER_BOUND = 1e15  # a filter's bound: far beyond any figure (percentages, staff counts), well within a float
PAGE_BOUND = 1_000_000  # a page or slide number: Explore's million rows make a thousand pages
Query = Mapping[str, "str | Sequence[str]"]

T = TypeVar("T")


@dataclass(frozen=True)
class Tables:
    """What options are read from: the homeworking table (with the session's uploads on Explore) and the
    council figures. Read-only: what is derived from them is kept with them (`once`)."""

    homeworking: pd.DataFrame
    councils: pd.DataFrame
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def once(self, name: Hashable, make: Callable[[], T]) -> T:
        """`make()`, kept under `name` with these tables: what is the same for every selection (a breakdown's
        table, the UK reference) is made once, not again for each new selection a meeting asks for."""
        if name not in self._derived:
            self._derived[name] = make()
        return self._derived[name]


class SelectionError(ValueError):
    """A URL value the strict reading refuses: which key, what was given, what is allowed, and the allowed value
    it most likely meant (`nearest`: the same but for case, spacing or a slip of the keyboard), if any."""

    def __init__(self, key: str, given: str, allowed: Sequence[str] | str):
        self.key, self.given = key, given
        self.allowed = allowed if isinstance(allowed, str) else list(allowed)
        self.nearest = None if isinstance(allowed, str) else nearest(given, self.allowed)
        described = allowed if isinstance(allowed, str) else ", ".join(map(repr, self.allowed[:40]))
        super().__init__(f"'{key}' cannot be {given!r}: it is one of {described}")


def _folded(text: str) -> str:
    return " ".join(str(text).casefold().split())


def same_but_for_case(given: str, allowed: Sequence[str]) -> str | None:
    """The allowed value that `given` spells but for case and spacing ('wales', ' WALES '), if any."""
    return {_folded(a): a for a in allowed}.get(_folded(given))


def nearest(given: str, allowed: Sequence[str]) -> str | None:
    """The allowed value `given` most likely meant: the same but for case and spacing, else a close spelling."""
    folded = {_folded(a): a for a in allowed}
    spelled = _folded(given)
    close = [spelled] if spelled in folded else difflib.get_close_matches(spelled[:200], list(folded), n=1, cutoff=0.8)
    return folded[close[0]] if close else None


@dataclass(frozen=True)
class Selection:
    """One URL key. `options(tables, chosen)` lists the values a page offers, given the keys chosen before it;
    None means a free value (`kind` number, integer or text). `label_of` turns an option into what the widget
    shows and the URL holds (Streamlit binds the label, not the option)."""

    key: str
    label: str
    kind: str = "select"  # select | radio | segmented | number | integer | text
    options: Callable[[Tables, Mapping[str, Any]], list[str]] | None = None
    default: Any = None
    multiple: bool = False
    help: str | None = None
    placeholder: str | None = None
    label_of: Callable[[str], str] | None = None
    applies: Callable[[Mapping[str, Any]], bool] | None = None  # on Explore, keys depend on the table chosen
    max_chars: int | None = None

    def choices(self, tables: Tables, chosen: Mapping[str, Any] | None = None) -> list[str]:
        return [] if self.options is None else list(self.options(tables, chosen or {}))

    def shown(self, option: str) -> str:
        return self.label_of(option) if self.label_of else str(option)

    def default_value(self, tables: Tables, chosen: Mapping[str, Any] | None = None) -> Any:
        if self.multiple:
            return list(self.default or ())
        if self.default is FIRST:
            choices = self.choices(tables, chosen)
            return choices[0] if choices else None
        return self.default

    def read(self, raw: str | Sequence[str] | None, tables: Tables, chosen: Mapping[str, Any] | None = None) -> Any:
        """The value a page shows for this URL value: Streamlit's binding rules, never an error."""
        try:
            return self.check(raw, tables, chosen, lenient=True)
        except SelectionError:
            return self.default_value(tables, chosen)

    def check(
        self,
        raw: str | Sequence[str] | None,
        tables: Tables,
        chosen: Mapping[str, Any] | None = None,
        *,
        lenient: bool = False,
    ) -> Any:
        """The value for a URL value, or SelectionError naming what is allowed (lenient: unknown values of a
        multiple key are dropped, as the page drops them)."""
        values = _as_list(raw)
        if not lenient and "" in values and self.kind != "text":
            raise SelectionError(self.key, "", self._allowed(tables, chosen))
        if not values or (len(values) == 1 and values[0] == ""):
            return self.default_value(tables, chosen)
        if self.options is None:
            return self._free(values[-1], lenient)
        by_label = {self.shown(o): o for o in self.choices(tables, chosen)}
        if not self.multiple:  # the last value counts; strictly, every value given must be one of the options
            for value in values if not lenient else values[-1:]:
                if value not in by_label:
                    raise SelectionError(self.key, value, list(by_label))
            return by_label[values[-1]]
        unknown = [v for v in values if v not in by_label]
        if unknown and not lenient:
            raise SelectionError(self.key, unknown[0], list(by_label))
        known = list(dict.fromkeys(by_label[v] for v in values if v in by_label))
        if not known:
            raise SelectionError(self.key, values[0], list(by_label))
        return known

    def _allowed(self, tables: Tables, chosen: Mapping[str, Any] | None) -> list[str] | str:
        if self.options is not None:
            return [self.shown(o) for o in self.choices(tables, chosen)]
        return "a number" if self.kind == "number" else "a whole number"

    def _free(self, value: str, lenient: bool) -> Any:
        """A free value. Text: characters XML forbids, and bidirectional controls, are dropped (they carry no
        meaning in a search or a headline, and no file can hold them); text over `max_chars` is cut (the page)
        or refused (the API). Numbers within NUMBER_BOUND, whole numbers from 1 to PAGE_BOUND."""
        if self.kind == "text":
            if not lenient and self.max_chars and len(value) > self.max_chars:
                raise SelectionError(self.key, clean(value), f"text of at most {self.max_chars} characters")
            value = clean(value)
            return value[: self.max_chars] if self.max_chars else value
        try:
            number = float(value)
        except ValueError:
            raise SelectionError(self.key, value, "a number" if self.kind == "number" else "a whole number") from None
        if not math.isfinite(number) or abs(number) > NUMBER_BOUND:
            raise SelectionError(self.key, value, f"a number from -{NUMBER_BOUND:g} to {NUMBER_BOUND:g}")
        if self.kind == "integer":
            if number != int(number) or not 1 <= number <= PAGE_BOUND:
                raise SelectionError(self.key, value, f"a whole number from 1 to {PAGE_BOUND:,}")
            return int(number)
        return number

    def to_url(self, value: Any) -> list[str]:
        """The URL values for a value (empty: the key is left out)."""
        if value is None or value == [] or value == "":
            return []
        values = value if self.multiple else [value]
        if self.options is None:
            return [f"{v:g}" if isinstance(v, float) else str(v) for v in values]
        return [self.shown(v) for v in values]


FIRST = object()  # default: the first option


def _as_list(raw: str | Sequence[str] | None) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    return [v for v in raw if isinstance(v, str)]


# ---- options from the data --------------------------------------------------------------------------


def _sectors(t: Tables, _=None) -> list[str]:
    return compare.categories(t.homeworking, "sector")


def _bands(t: Tables, _=None) -> list[str]:
    return compare.categories(t.homeworking, "age")


def region_names(homeworking: pd.DataFrame) -> dict[str, str]:
    """Official region name (the URL value) → the source's own label for it, in the tables' order."""
    rows = homeworking[homeworking["breakdown"] == "region"].drop_duplicates("category").sort_values("order")
    return dict(zip(rows["official_name"], rows["category"], strict=True))


def _regions(t: Tables, _=None) -> list[str]:
    return list(region_names(t.homeworking))


def _council_kinds(t: Tables, _=None) -> list[str]:
    return [k for k in KINDS if k != CONTEXT_KIND]


def _organisations(t: Tables, _=None) -> list[str]:
    return sorted(t.councils.loc[t.councils["kind"] != CONTEXT_KIND, "organisation"].unique())


def _is_table(name: str) -> Callable[[Mapping[str, Any]], bool]:
    return lambda chosen: chosen.get("table", "homeworking") == name


# ---- the keys ------------------------------------------------------------------------------------------

SECTOR = Selection("sector", "Your sector", options=_sectors, default="Education")
BENCHMARK = Selection(
    "benchmark",
    "Compare with",
    options=lambda t, _: [PUBLIC_ADMIN, UK_OPTION, *[s for s in _sectors(t) if s != PUBLIC_ADMIN]],
    default=PUBLIC_ADMIN,
)
BAND = Selection("band", "Your age band", options=_bands, default="45-49 yrs")
VERSUS = Selection("vs", "Compare with", options=lambda t, _: [UK_OPTION, *_bands(t)], default=UK_OPTION)
REGION = Selection("region", "Your region or nation", options=_regions, default="London")
OTHER = Selection("other", "Compare with", options=lambda t, _: [UK_OPTION, *_regions(t)], default=UK_OPTION)
MAP = Selection(
    "map",
    "Map shows",
    kind="radio",
    options=lambda t, _: list(MEASURES),
    default="week_prior",
    label_of=MEASURE_SHORT.__getitem__,
    help="Which measure shades the map.",
)
COUNCIL_REGIONS = Selection(
    "region",
    "Region or nation",
    options=_regions,
    multiple=True,
    placeholder="All regions and nations",
    help="National bodies (DWP, Libraries Connected) have no region, so choosing a region leaves them out.",
)
COUNCIL_KINDS = Selection(
    "kind", "Kind of organisation", options=_council_kinds, multiple=True, placeholder="All kinds"
)
ORGANISATION = Selection(
    "org",
    "Your organisation (highlighted)",
    options=_organisations,
    placeholder="None",
    help="Drawn in orange and marked '(yours)' in every chart where it appears.",
)

# Explore: the keys after `table` depend on which table is chosen.
TABLE = Selection(
    "table",
    "Table",
    kind="segmented",
    options=lambda t, _: ["homeworking", "councils"],
    default="homeworking",
    label_of=str.capitalize,
)
LEAVE_EMPTY = "Leave empty for all."


def _filter(
    key: str,
    label: str,
    options: Callable[[Tables, Mapping[str, Any]], list[str]],
    placeholder: str,
    *,
    table: str,
    help: str | None = LEAVE_EMPTY,
) -> Selection:
    """One of Explore's filters: any number of the chosen table's values, none meaning all of them."""
    return Selection(
        key, label, options=options, multiple=True, placeholder=placeholder, help=help, applies=_is_table(table)
    )


def _present(vocabulary: Sequence[str], table: str, column: str) -> Callable[[Tables, Mapping[str, Any]], list[str]]:
    """The values of a vocabulary that a table's column holds, in the vocabulary's order."""
    return lambda t, _: [v for v in vocabulary if v in set(getattr(t, table)[column])]


BREAKDOWN = _filter(
    "breakdown", "Breakdown", _present(BREAKDOWNS, "homeworking", "breakdown"), "All breakdowns", table="homeworking"
)
CATEGORY = _filter(
    "category",
    "Category",
    lambda t, chosen: _items(t.homeworking, "breakdown", "category", chosen.get("breakdown")),
    "All categories",
    table="homeworking",
    help=f"{LEAVE_EMPTY} Long lists show the first 1,000: use the search box for the rest.",
)
MEASURE = _filter(
    "measure", "Measure", _present(MEASURES, "homeworking", "measure"), "Both measures", table="homeworking", help=None
)
EXPLORE_KINDS = _filter("kind", "Kind of body", _present(KINDS, "councils", "kind"), "All kinds", table="councils")
# The Councils page's words for the same ideas: its region filter, and its "Who says so" column.
EXPLORE_REGIONS = _filter(
    "region",
    COUNCIL_REGIONS.label,
    lambda t, _: [r for r in _regions(t) if isinstance(r, str)],
    COUNCIL_REGIONS.placeholder or "",
    table="councils",
    help=COUNCIL_REGIONS.help,
)
EXPLORE_CLAIMANTS = _filter(
    "claimant",
    "Who says so",
    _present(CLAIMANTS, "councils", "claimant"),
    "Anyone",
    table="councils",
    help=councils.claimant_help(),
)
EXPLORE_ORGANISATIONS = _filter(
    "org",
    "Organisation",
    lambda t, chosen: _council_organisations(t.councils, chosen),
    "All organisations",
    table="councils",
)
UNIT = _filter(
    "unit", "Unit", lambda t, _: sorted(t.councils["unit"].dropna().unique()), "All units", table="councils", help=None
)
LOW = Selection("min", "at least", kind="number")
HIGH = Selection("max", "at most", kind="number")
SEARCH = Selection(
    "q", "Search", kind="text", max_chars=SEARCH_MAX, help="Finds the text in any column, ignoring case."
)
SORT = Selection("sort", "Sort by", options=lambda t, chosen: sort_options(chosen.get("table")), default=FIRST)
CHART = Selection(
    "chart",
    "Chart the breakdown",
    kind="segmented",
    options=lambda t, _: list(BREAKDOWNS),
    applies=_is_table("homeworking"),
)
TABLE_PAGE = Selection("page", "Page", kind="integer", default=1)

# Presentation mode: the same address, as slides.
PRESENT = Selection("present", "Present", options=lambda t, _: ["1"])
SLIDE = Selection("slide", "Slide", kind="integer", default=1)


def _items(table: pd.DataFrame, group: str, item: str, groups: Sequence[str] | None, limit: int = 1000) -> list[str]:
    rows = table[table[group].isin(groups)] if groups else table
    return list(dict.fromkeys(rows[item].dropna()))[:limit]


def _council_organisations(figures: pd.DataFrame, chosen: Mapping[str, Any]) -> list[str]:
    """The organisations left by the kinds, regions and claimants chosen before them (none chosen: all)."""
    keep = pd.Series(True, index=figures.index)
    for column in ("kind", "region", "claimant"):
        if chosen.get(column):
            keep &= figures[column].isin(chosen[column])
    return list(dict.fromkeys(figures.loc[keep, "organisation"].dropna()))


def sort_options(table: str | None) -> list[str]:
    """Readable sort choices (they are also the URL values): 'source order', 'percent (descending)', …"""
    return explore.sort_options(explore.TABLES.get(table or "homeworking", explore.HOMEWORKING))


# Explore's keys, in the order its widgets read them (those of the other table do not apply).
EXPLORE_KEYS: tuple[Selection, ...] = (
    TABLE,
    BREAKDOWN,
    CATEGORY,
    MEASURE,
    EXPLORE_KINDS,
    EXPLORE_REGIONS,
    EXPLORE_CLAIMANTS,
    EXPLORE_ORGANISATIONS,
    UNIT,
    LOW,
    HIGH,
    SEARCH,
    SORT,
    CHART,
    TABLE_PAGE,
)
# The deck's editor: every page's keys at once. `region` is many there, as on the Councils page; the
# Regions slide reads the last one chosen, as the Regions page reads a repeated key.
DECK_KEYS: tuple[Selection, ...] = (
    SECTOR,
    BENCHMARK,
    BAND,
    VERSUS,
    COUNCIL_REGIONS,
    OTHER,
    COUNCIL_KINDS,
    ORGANISATION,
)


# The chosen values of each page, as lib.selections.read gives them: a builder that asks for a key its page
# does not have fails the type check (mypy), not a person.
class SectorsChoice(TypedDict):
    sector: str
    benchmark: str


class AgeChoice(TypedDict):
    band: str
    vs: str


class RegionsChoice(TypedDict):
    region: str  # the official name
    other: str
    map: str  # a measure


class CouncilsChoice(TypedDict):
    region: list[str]
    kind: list[str]
    org: str | None


class ExploreChoice(TypedDict, total=False):  # the keys of the table not chosen do not apply
    table: str
    breakdown: list[str]
    category: list[str]
    measure: list[str]
    kind: list[str]
    region: list[str]
    claimant: list[str]
    org: list[str]
    unit: list[str]
    min: float | None
    max: float | None
    q: str
    sort: str
    chart: str | None
    page: int


# While a session holds uploaded figures, its address carries their name: a tab that reconnects to another server
# (or a person sent the link) is told the figures are not there, instead of seeing the baseline as theirs.
OWN_FIGURES = Selection(
    "mine", "The name of the uploaded figures this view was made with", kind="text", max_chars=LIMITS.source_name_chars
)
MARKERS: tuple[Selection, ...] = (OWN_FIGURES,)


def read(selections: Sequence[Selection], query: Query, tables: Tables) -> dict[str, Any]:
    """Each key's value for this address, in order (a key's options may depend on those before it);
    keys that do not apply (Explore's other table) are left out."""
    chosen: dict[str, Any] = {}
    for selection in selections:
        if selection.applies and not selection.applies(chosen):
            continue
        chosen[selection.key] = selection.read(query.get(selection.key), tables, chosen)
    return chosen


def check(selections: Sequence[Selection], query: Query, tables: Tables) -> dict[str, Any]:
    """Like `read`, but a value that is not allowed raises SelectionError (the API's 400).

    Allowed means one of the key's options whatever was chosen before it (what the OpenAPI description lists):
    a key given where it does not apply (Explore's other table) is checked all the same, and a value that is an
    option only after other choices (an organisation of another kind) is read as the page reads it, so the API
    and the page agree on such an address instead of the API refusing what its description allows.
    """
    chosen: dict[str, Any] = {}
    for selection in selections:
        raw = query.get(selection.key)
        if selection.applies and not selection.applies(chosen):
            if raw is not None:
                selection.check(raw, tables, {})
            continue
        try:
            chosen[selection.key] = selection.check(raw, tables, chosen)
        except SelectionError:
            selection.check(raw, tables, {})  # nowhere an option: refused
            chosen[selection.key] = selection.read(raw, tables, chosen)
    return chosen


class Spelling(NamedTuple):
    """An address's values as the page offers them: `query` with each value that spells an option but for case
    or spacing written as offered (`respelled` when there was one), and the values that are no option at all,
    each with its key and the option it most likely meant (`nearest`), if any."""

    query: dict[str, list[str]]
    respelled: bool
    unoffered: list[tuple[Selection, str, str | None]]


def spelling(selections: Sequence[Selection], query: Query, tables: Tables) -> Spelling:
    """How the page reads an address typed or pasted by hand (`?region=wales`, `?region=Walse`): Streamlit's
    binding would drop both and show the default. Other keys and values are kept as given."""
    fixed = {key: list(_as_list(values)) for key, values in query.items()}
    unoffered: list[tuple[Selection, str, str | None]] = []
    chosen: dict[str, Any] = {}
    for selection in selections:
        applies = not selection.applies or selection.applies(chosen)
        given = fixed.get(selection.key)
        if given and selection.options is not None and applies:
            offered = [selection.shown(o) for o in selection.choices(tables, chosen)]
            fixed[selection.key] = [v if v in offered else (same_but_for_case(v, offered) or v) for v in given]
            unoffered += [(selection, v, nearest(v, offered)) for v in fixed[selection.key] if v not in offered]
        if applies:
            chosen[selection.key] = selection.read(fixed.get(selection.key), tables, chosen)
    respelled = any(fixed[k] != list(_as_list(v)) for k, v in query.items())
    return Spelling(fixed, respelled, unoffered)


def query_string(selections: Sequence[Selection], chosen: Mapping[str, Any], tables: Tables) -> list[tuple[str, str]]:
    """The (key, value) pairs of an address for these choices; defaults are left out, as Streamlit leaves them."""
    pairs = []
    for selection in selections:
        if selection.key not in chosen:
            continue
        value = chosen[selection.key]
        if value == selection.default_value(tables, chosen):
            continue
        pairs += [(selection.key, v) for v in selection.to_url(value)]
    return pairs
