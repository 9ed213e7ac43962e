"""Derived figures for the Councils page: implied rates, shares at home, date precision, timeline places.

The council table keeps every figure as its source printed it. Everything here is
derived from it, is labelled as derived wherever it is shown, and is never more
precise than the source: a rate is a lower bound, a share keeps the source's hedge,
and a date is drawn only as precisely as the source gives it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from lib.data import ONE_PERSON, SECOND_HAND, VENDOR_CLAIM, resource
from lib.escape import for_plotly

CONTEXT_KIND = "national announcement"
"""Rows of this kind (the Prime Minister's instruction) are context for every lane, not an organisation's figure."""

PRECISION_LABELS = {
    "day": "the day is given",
    "month": "month only, no day given",
    "part of month": "part of a month, no day given",
    "weeks": "named weeks, no day given",
    "by": "done by this date, start not given",
    "before the pandemic": "before the pandemic, no date given",
    "undated": "no date given",
}

# Claims a reader must not take as the organisation's own figure: marked wherever the figure is named.
CLAIM_MARKS = {VENDOR_CLAIM: "vendor claim", ONE_PERSON: "one person's account", SECOND_HAND: "at second hand"}

# Where each precision goes on the timeline: on the date axis, or in a side panel of its own.
DATED, BEFORE, UNDATED = "dated", "before the pandemic", "date not given"
PANEL_OF_PRECISION = {
    "day": DATED,
    "month": DATED,
    "part of month": DATED,
    "weeks": DATED,
    "by": DATED,
    "before the pandemic": BEFORE,
    "undated": UNDATED,
}

# A share of staff at home needs a count at home and the whole it is a share of. The table
# does not say which rows pair up, so the pairs are named here by their stable ids. Norfolk's
# February stress test (3,500 on one day) is left out on purpose: a rehearsal, not the move.
SHARE_COUNT_OF_WHOLE = (("norfolk-working-from-home", "norfolk-users"),)
SHARE_PRINTED = ("dudley-digital-service-at-home",)

# What follows a printed figure so that it says what was counted; other units follow as they are ("6,000 staff").
UNIT_SUFFIXES = {"GBP": "", "percent": "", "% increase": " increase"}
MOVED_UNITS = ("staff", "users")
DURATION_WORDS = {0.5: "12 hours", 1: "one day", 7: "a week", 14: "two weeks", 21: "three weeks"}
SHARE_COLUMNS = (
    "id",
    "organisation",
    "region",
    "measure",
    "when",
    "share_percent",
    "qualifier",
    "share_label",
    "basis",
    "derived",
    "claimant",
)
FOUR_WEEKS = pd.Timedelta(days=28)  # "within weeks of 23 March": the window the timeline's takeaway counts


def precision_label(precision: str) -> str:
    """How precise a figure's date is, in words a reader can act on."""
    return PRECISION_LABELS[precision]


def precision_help() -> str:
    """What each precision means, from data/datapackage.json (never retyped)."""
    described = resource("council_rollout_2020")["precision"]
    return " ".join(f"{name}: {text}" for name, text in described.items())


def claimant_help() -> str:
    """Who may make a claim, from data/datapackage.json (never retyped)."""
    described = resource("council_rollout_2020")["claimants"]
    return " ".join(f"{name}: {text}" for name, text in described.items())


def drawable_span(precision: str, start: pd.Timestamp, end: pd.Timestamp) -> tuple[pd.Timestamp | None, ...]:
    """The interval to draw for a figure: (from, to) with `to` exclusive, or None for a missing bound.

    A month, part of a month or named weeks is drawn as the whole span, never as one
    day inside it; "by" gives only its end; undated and before-the-pandemic figures
    get no date at all. Every bound is a day the source gives (or the day after it,
    for an exclusive end).
    """
    panel = PANEL_OF_PRECISION[precision]
    if panel != DATED:
        return (None, None)
    if precision == "by":
        return (None, pd.Timestamp(end))
    return (pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1))


def duration_text(min_days: float, max_days: float) -> str | None:
    """The time the source gives for a change, in words ("within a week"); None if none is given."""
    if _missing(max_days):
        return None
    if _missing(min_days):
        return f"within {_days(max_days)}"
    if min_days == max_days:
        return f"in {_days(max_days)}"
    return f"in {min_days:g}–{max_days:g} days"


def _days(n: float) -> str:
    return DURATION_WORDS.get(n, f"{n:g} days")


def _no_window(councils: pd.DataFrame) -> pd.Series:
    """True for each figure that was not counted over a measurement window (`window_days`): only those have a speed."""
    if "window_days" not in councils:
        return pd.Series(True, index=councils.index)
    return councils["window_days"].isna()


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def claim_mark(claimant: str | None) -> str | None:
    """'vendor claim' or "one person's account" where the figure is one; None for the organisation, press or others."""
    return CLAIM_MARKS.get(claimant) if claimant else None


def marked(text: str, claimant: str | None) -> str:
    """The text with its claim mark ("Welsh Government (vendor claim)") where a vendor or one person makes the claim."""
    mark = claim_mark(claimant)
    return f"{text} ({mark})" if mark else text


def figure_label(value_text: str, unit: str | None) -> str:
    """The figure as printed, with its unit where the words alone would not say what was counted.

    "6,000" + staff → "6,000 staff"; "770%" + % increase → "770% increase"; "up to £250" and
    "5-8 days" already say it; "the rest" and "a new solution" name their own thing.
    """
    if unit is None or _missing(unit) or value_text.startswith(("the ", "a ")) or value_text.endswith(unit):
        return value_text
    return value_text + UNIT_SUFFIXES.get(unit, f" {unit}")


def implied_rates(councils: pd.DataFrame) -> pd.DataFrame:
    """How many a day at least, where the source gives a count and an upper bound on the time taken.

    "6,000 within a week" means the 6,000 took at most 7 days, so at least 6,000 ÷ 7 a day
    (derived). Only "within N days" (no shortest duration) bounds the time taken. "On a single
    day", "in the first 12 hours" and "in the three weeks after" say when something was counted:
    the data keeps them as `window_days`, which is never read as the time a change took.
    A count hedged "about", "up to" or "probably" is not a floor, so it gives no lower bound either.
    """
    rows = councils[
        councils["value"].notna()
        & councils["duration_max_days"].notna()
        & councils["duration_min_days"].isna()
        & _no_window(councils)
        & (councils["qualifier"].isna() | (councils["qualifier"] == "more than"))
    ].copy()
    rows["rate_per_day"] = rows["value"] / rows["duration_max_days"]
    rows["rate_at_least"] = [math.floor(rate) for rate in rows["rate_per_day"]]  # a floor stays a true lower bound
    rows["rate_label"] = [
        f"at least {rate:,} {unit} a day" for rate, unit in zip(rows["rate_at_least"], rows["unit"], strict=True)
    ]
    rows["duration"] = [
        duration_text(lo, hi) for lo, hi in zip(rows["duration_min_days"], rows["duration_max_days"], strict=True)
    ]
    return rows[
        [
            "id",
            "organisation",
            "region",
            "kind",
            "measure",
            "value_text",
            "unit",
            "duration",
            "rate_per_day",
            "rate_at_least",
            "rate_label",
            "claimant",
        ]
    ].reset_index(drop=True)


def region_baseline(homeworking: pd.DataFrame, region: str | None, measure: str = "week_prior") -> float:
    """The ONS 2019 figure for a region or nation (official name); NaN for national bodies."""
    return region_baselines(homeworking, measure)(region)


def region_baselines(homeworking: pd.DataFrame, measure: str = "week_prior") -> Callable[[str | None], float]:
    """`region_baseline` for many rows: the region figures are picked out once."""
    figures = homeworking[(homeworking["breakdown"] == "region") & (homeworking["measure"] == measure)]
    first = figures.drop_duplicates("official_name")
    percent_of = dict(zip(first["official_name"], first["percent"], strict=True))

    def baseline(region: str | None) -> float:
        if _missing(region) or region not in percent_of:
            return math.nan
        return float(percent_of[region])

    return baseline


def shares_at_home(councils: pd.DataFrame, homeworking: pd.DataFrame) -> pd.DataFrame:
    """Each known share of an organisation's staff at home in 2020, beside its region's 2019 figure.

    Norfolk's share is derived (more than 5,000 at home of 6,700 users → more than 74.6%)
    and keeps the count's hedge; Dudley's "about 95%" is printed. The 2019 figure is the
    ONS share of all workers in the region who worked from home in the week before
    interview: a different source and measure, so the pairing is illustrative.
    """
    by_id = councils.set_index("id")
    records = []
    for count_id, whole_id in SHARE_COUNT_OF_WHOLE:
        if count_id not in by_id.index or whole_id not in by_id.index:
            continue
        count, whole = by_id.loc[count_id], by_id.loc[whole_id]
        share = count["value"] / whole["value"] * 100
        basis = f"{count['value_text']} {count['unit']} of {whole['value_text']} {whole['unit']}"
        records.append(_share_record(count_id, count, share, basis, derived=True))
    for share_id in SHARE_PRINTED:
        if share_id in by_id.index:
            row = by_id.loc[share_id]
            records.append(_share_record(share_id, row, row["value"], row["measure"], derived=False))
    shares = pd.DataFrame.from_records(records, columns=list(SHARE_COLUMNS))
    shares["region_week_prior"] = [*map(region_baselines(homeworking), shares["region"])]
    return shares


def _share_record(figure_id: str, row: pd.Series, share: float, basis: str, *, derived: bool) -> dict:
    hedge = "" if _missing(row["qualifier"]) else f"{row['qualifier']} "
    return {
        "id": figure_id,
        "organisation": row["organisation"],
        "region": row["region"],
        "measure": row["measure"],
        "when": row["when"],
        "share_percent": share,
        "qualifier": None if _missing(row["qualifier"]) else row["qualifier"],
        "share_label": f"{hedge}{share:.1f}%" if derived else row["value_text"],
        "basis": basis,
        "derived": derived,
        "claimant": row.get("claimant"),
    }


def timeline_items(councils: pd.DataFrame) -> pd.DataFrame:
    """Every figure placed for the timeline: its panel, drawn bounds, label and hover text.

    Context rows (the national announcement) are kept with panel "context" so that
    the chart draws them across every lane rather than in a lane of their own.
    """
    items = councils.copy()
    spans = [
        drawable_span(p, s, e)
        for p, s, e in zip(items["precision"], items["period_start"], items["period_end"], strict=True)
    ]
    items["draw_from"] = pd.to_datetime([s[0] for s in spans])
    items["draw_to"] = pd.to_datetime([s[1] for s in spans])
    items["panel"] = [
        "context" if kind == CONTEXT_KIND else PANEL_OF_PRECISION[p]
        for kind, p in zip(items["kind"], items["precision"], strict=True)
    ]
    items["label"] = [_item_label(row) for row in items.itertuples()]
    items["hover"] = [_item_hover(row) for row in items.itertuples()]
    return items


def _item_label(row) -> str:
    """The figure beside its mark, marked "(vendor claim)" or "(one person's account)" where it is one."""
    figure = figure_label(row.value_text, row.unit) if not _missing(row.value_text) else row.measure
    if row.precision == "by":
        figure = f"{_by_words(row.when)}: {figure}"
    else:
        duration = None if row.unit == "days" else duration_text(row.duration_min_days, row.duration_max_days)
        if PANEL_OF_PRECISION[row.precision] == UNDATED and duration:
            figure = f"{figure} {duration}"
    return marked(figure, getattr(row, "claimant", None))


def _by_words(when: str) -> str:
    """'by mid-April 2020', without any bracketed note (the hover keeps it); 'now (by May 2020: the date of the
    issue)' → 'by May 2020', the date drawn."""
    if when.startswith("by "):
        return when.split(" (")[0]
    inner = when.partition("(")[2].split(":")[0].rstrip(")").strip()
    return inner if inner.startswith("by ") else when


def _item_hover(row) -> str:
    """Hover text in the source's own words: never a day the axis would invent."""
    figure = "" if _missing(row.value_text) else f": {for_plotly(row.value_text)}"
    claimant = getattr(row, "claimant", None)
    claim = "" if _missing(claimant) else f"<br>Who says so: {for_plotly(claimant)}"
    return (
        f"<b>{for_plotly(row.organisation)}</b><br>{for_plotly(row.measure)}{figure}"
        f"<br>When: {for_plotly(row.when)} ({precision_label(row.precision)}){claim}"
        f"<br>Source: {for_plotly(source_reference(row.source_file, row.source_line, row.source_line_end))}"
    )


def organisation_order(items: pd.DataFrame) -> list[str]:
    """Lanes in the order things happened: dated first (by first date), then before-the-pandemic, then undated."""
    rollout = items[items["panel"] != "context"]
    first = rollout.assign(
        group=rollout["panel"].map({DATED: 0, BEFORE: 1, UNDATED: 2}),
        when_key=rollout["draw_from"].fillna(rollout["draw_to"]),
    )
    keys = first.groupby("organisation").agg(group=("group", "min"), when_key=("when_key", "min"))
    return keys.sort_values(["group", "when_key"], kind="stable").index.tolist()


def source_reference(file: str, first: int, last: int) -> str:
    """Where a figure is printed: 'file:line' or 'file:first–last'."""
    return f"{file}:{first}" if first == last else f"{file}:{first}–{last}"


def figure_table(councils: pd.DataFrame, homeworking: pd.DataFrame) -> pd.DataFrame:
    """Every rollout figure as a reader cites it: its words, who claims it, its source and terms, what is derived."""
    rows = councils[councils["kind"] != CONTEXT_KIND]
    rates = implied_rates(rows).set_index("id")["rate_label"]
    shares = shares_at_home(rows, homeworking).set_index("id")
    derived = []
    for figure_id in rows["id"]:
        parts = []
        if figure_id in rates.index:
            parts.append(f"{rates[figure_id]} (derived)")
        if figure_id in shares.index and shares.loc[figure_id, "derived"]:
            share = shares.loc[figure_id]
            parts.append(f"{share['share_label']} at home: {share['basis']} (derived)")
        derived.append("; ".join(parts))  # text, not a figure: empty where nothing is derived
    return pd.DataFrame(
        {
            "organisation": rows["organisation"],
            "value_as_printed": rows["value_text"],
            "claimant": rows["claimant"],
            "quote": rows["quote"],
            "source": [
                source_reference(f, a, b)
                for f, a, b in zip(rows["source_file"], rows["source_line"], rows["source_line_end"], strict=True)
            ],
            "publication": rows["publication"],
            "licence": rows["licence"],
            "derived": derived,
            "measure": rows["measure"],
            "when": rows["when"],
            "date_precision": rows["precision"].map(PRECISION_LABELS),
            "region": rows["region"],
            "kind": rows["kind"],
            "region_2019_week_prior": [*map(region_baselines(homeworking), rows["region"])],
        }
    ).reset_index(drop=True)


def regions_of(rollout: pd.DataFrame, homeworking: pd.DataFrame, chosen: list[str]) -> list[str]:
    """The regions and nations a selection touches (chosen, or home to a figure), in the tables' order."""
    names = homeworking[homeworking["breakdown"] == "region"].drop_duplicates("category").sort_values("order")
    return [r for r in names["official_name"] if r in set(rollout["region"]) or r in chosen]


def in_region(councils: pd.DataFrame, region: str) -> list[tuple[str, str, str]]:
    """Each organisation in a region with its figures in words: (organisation, kind, 'figure (when); …')."""
    rows = councils[councils["region"] == region]
    return [
        (
            organisation,
            group["kind"].iloc[0],
            "; ".join(
                marked(
                    f"{row.value_text} {row.measure}, {row.when}" if isinstance(row.value_text, str) else row.measure,
                    row.claimant,
                )
                for row in group.itertuples()
            ),
        )
        for organisation, group in rows.groupby("organisation", sort=False)
    ]


def filter_figures(
    councils: pd.DataFrame, *, regions: list[str] | None = None, kinds: list[str] | None = None
) -> pd.DataFrame:
    """The figures for the chosen regions and kinds (an empty choice means all); context rows always stay."""
    keep = pd.Series(True, index=councils.index)
    if regions:
        keep &= councils["region"].isin(regions)
    if kinds:
        keep &= councils["kind"].isin(kinds)
    return councils[keep | (councils["kind"] == CONTEXT_KIND)]


def rate_takeaway(rates: pd.DataFrame) -> str:
    """The fastest rollout in a sentence, or what the selection lacks."""
    if rates.empty:
        return "No figure in this selection gives both a count and a time limit, so no rate can be derived"
    ranked = rates.sort_values("rate_per_day", ascending=False)
    fastest = ranked.iloc[0]
    who = marked(fastest["organisation"], fastest.get("claimant"))
    figure = f"{fastest['value_text']} {fastest['measure']} {fastest['duration']}, {fastest['rate_label']} (derived)"
    if len(ranked) == 1:
        return f"{who}: {figure}"
    runner = ranked.iloc[1]
    return (
        f"Fastest: {who}, {figure}; "
        f"next, {marked(runner['organisation'], runner.get('claimant'))} at "
        f"{runner['rate_label'].removeprefix('at least ')}"
    )


def share_takeaway(shares: pd.DataFrame) -> str:
    """The known shares at home beside their regions' 2019 figures, in a sentence."""
    if shares.empty:
        return "No organisation in this selection reports a share of its staff at home."
    parts = [
        f"{marked(row.organisation, row.claimant)}: {row.share_label} against {row.region} {row.region_week_prior:.1f}%"
        for row in shares.itertuples()
    ]
    parts[0] = parts[0].replace(" against ", " at home in 2020 against ", 1) + " in 2019"
    return "; ".join(parts)


def scale_and_speed_rows(councils: pd.DataFrame) -> pd.DataFrame:
    """The figures that say how many staff or users moved, or how long a move took, with any rate.

    One row per figure: a count of staff or users (value and value_text), the time the
    source gives for the change (duration_min_days, duration_max_days, in words as `duration`),
    and the derived lower-bound rate where `implied_rates` finds one. A measurement window
    (`window_days`: the day of Norfolk's stress test) is not the time a change took: such a
    figure shows its count and no time.
    """
    rows = councils[
        (councils["kind"] != CONTEXT_KIND)
        & ((councils["unit"].isin(MOVED_UNITS) & councils["value"].notna()) | (councils["unit"] == "days"))
    ].copy()
    rows["count"] = rows["value"].where(rows["unit"].isin(MOVED_UNITS))
    rows["count_label"] = [
        figure_label(text, unit) if unit in MOVED_UNITS else None
        for text, unit in zip(rows["value_text"], rows["unit"], strict=True)
    ]
    # A figure counted in days ("about three days") is its own duration, hedge included.
    timed = _no_window(rows)
    rows["duration"] = [
        text if unit == "days" else duration_text(lo, hi) if no_window else None
        for text, unit, lo, hi, no_window in zip(
            rows["value_text"], rows["unit"], rows["duration_min_days"], rows["duration_max_days"], timed, strict=True
        )
    ]
    rates = implied_rates(rows).set_index("id")
    rows["rate_per_day"] = rows["id"].map(rates["rate_per_day"])
    rows["rate_label"] = rows["id"].map(rates["rate_label"])
    columns = ["id", "organisation", "region", "kind", "measure", "when", "value_text", "unit", "claimant", "count"]
    columns += ["count_label", "duration_min_days", "duration_max_days", "duration", "rate_per_day", "rate_label"]
    return rows[columns].reset_index(drop=True)


def speed_takeaway(rows: pd.DataFrame) -> str:
    """The fastest derived rate and how few figures allow one, in a sentence (rows from scale_and_speed_rows)."""
    rated = rows.dropna(subset=["rate_per_day"])
    if rated.empty:
        return f"None of the {len(rows)} figures gives both a count and a time limit, so no rate can be derived"
    fastest = rated.sort_values("rate_per_day", ascending=False).iloc[0]
    who = marked(fastest["organisation"], fastest["claimant"])
    lead = f"{who}: {fastest['rate_label']} (derived)"
    if len(rated) > 1:
        lead = f"{who} was fastest, {fastest['rate_label']} (derived)"
    verb = "gives" if len(rated) == 1 else "give"
    return f"{lead}; {len(rated)} of {len(rows)} figures {verb} both a count and a time limit"


def timeline_takeaway(items: pd.DataFrame) -> str:
    """How many dated figures fall in the four weeks from the national instruction, in a sentence.

    A "by" figure counts only if its end date is in those weeks: when it started is unknown.
    """
    context = items[items["panel"] == "context"]
    rollout = items[items["panel"] != "context"]
    dated = rollout[rollout["panel"] == DATED]
    undated = len(rollout) - len(dated)
    if context.empty or dated.empty:
        return (
            f"None of the {len(rollout)} figures selected gives a date: "
            "the sources say only 'before the pandemic' or give none"
        )
    instruction = context.iloc[0]
    start = instruction["draw_from"]
    window_end = start + FOUR_WEEKS
    begins = dated["draw_from"].fillna(dated["draw_to"])
    ends = dated["draw_to"]
    inside = ((begins < window_end) & (ends >= start)).sum()
    return (
        f"{inside} of the {len(dated)} dated figures fall in the four weeks from the "
        f"{instruction['when']} instruction; {undated} more give no date or say only 'before the pandemic'"
    )
