"""Council rollout figures: derived rates and shares, date precision, and the three council charts.

Expected figures come from the issue and the quotes themselves (6,000 within a week → at
least 857 a day; more than 5,000 of 6,700 users → more than 74.6%), never from the code.
"""

import pandas as pd
import pytest

from lib import charts, councils
from lib.charts import NORMAL, PRESENT, YOURS, source_note
from lib.data import load_councils, load_homeworking
from lib.selections import Tables


@pytest.fixture(scope="module")
def figures():
    return load_councils()


@pytest.fixture(scope="module")
def hw():
    return load_homeworking()


@pytest.fixture(scope="module")
def items(figures):
    return councils.timeline_items(figures).set_index("id", drop=False)


# Derived figures


def test_implied_rate_is_a_lower_bound_from_within_a_week(figures):
    rates = councils.implied_rates(figures).set_index("id")
    welsh = rates.loc["welsh-government-teams"]
    assert welsh["rate_per_day"] == pytest.approx(857.14, abs=0.01)  # 6,000 ÷ 7
    assert welsh["rate_at_least"] == 857
    assert welsh["rate_label"] == "at least 857 staff a day"
    assert welsh["duration"] == "within a week"
    assert rates.loc["wiltshire-teams", "rate_label"] == "at least 571 staff a day"  # 4,000 ÷ 7
    # "more than 3,000 ... in the last week of March and the first week of April": at most 14 days
    assert rates.loc["norfolk-teams-telephony-migrated", "rate_label"] == "at least 214 users a day"


def test_no_rate_where_the_duration_is_not_the_time_taken(figures):
    rates = councils.implied_rates(figures)
    # "on a single day" (a stress test), "in the first 12 hours", "in the three weeks after":
    # how long something lasted or was counted, not a bound on how long a move took.
    assert "norfolk-stress-test" not in set(rates["id"])
    assert "croydon-grant-applications" not in set(rates["id"])
    assert "libraries-new-members" not in set(rates["id"])
    assert set(rates["id"]) == {"welsh-government-teams", "wiltshire-teams", "norfolk-teams-telephony-migrated"}


WINDOWS = ("norfolk-stress-test", "croydon-grant-applications", "libraries-new-members")


def test_measurement_windows_are_never_used_as_the_time_a_change_took(figures, items):
    """'On a single day', 'in the first 12 hours', 'in the three weeks after': when a figure was counted.
    No rate, no time in the speed chart, no duration in the timeline's words."""
    windows = figures[figures["window_days"].notna()]
    assert sorted(windows["id"]) == sorted(WINDOWS)
    assert not set(WINDOWS) & set(councils.implied_rates(figures)["id"])
    speed = councils.scale_and_speed_rows(figures).set_index("id")
    assert speed.loc["norfolk-stress-test", "count_label"] == "3,500 staff"
    assert speed.loc["norfolk-stress-test", ["duration", "rate_label"]].isna().all()
    assert not set(WINDOWS[1:]) & set(speed.index)  # applications and library members are no move of staff
    for figure_id in WINDOWS:
        label = items.loc[figure_id, "label"]
        assert not any(words in label for words in ("12 hours", "one day", "three weeks", "within")), label
    assert items.loc["croydon-grant-applications", "label"] == "more than 500 applications"
    # and were a window written into the duration columns as well, lib/councils.py would still not use it
    both = windows.assign(duration_max_days=windows["window_days"])
    assert councils.implied_rates(both).empty
    assert councils.scale_and_speed_rows(both).set_index("id").loc["norfolk-stress-test", ["duration"]].isna().all()


def test_the_added_figures_give_no_rate_and_say_who_claims_them(figures, items):
    rates = set(councils.implied_rates(figures)["id"])
    added = {
        "norfolk-standfirst-staff",
        "norfolk-teams-live-broadcasts",
        "cantium-change-programme",
        "london-boroughs-apps",
        "dwp-one-colleague-training",
        "dwp-one-colleague-course-condensed",
        "surrey-library-memberships",
        "surrey-library-downloads",
        "surrey-rhymetime-views",
    }
    assert not added & rates
    assert items.loc["london-boroughs-apps", "label"] == "within a few days (vendor claim)"
    assert items.loc["dwp-one-colleague-training", "label"] == "5 days (one person's account)"
    assert items.loc["dwp-one-colleague-course-condensed", "label"] == (
        "a 6-week face to face course (one person's account)"
    )
    assert items.loc["cantium-change-programme", "label"] == "three weeks"
    assert items.loc["norfolk-teams-live-broadcasts", "label"] == "by May 2020: 200-300 people"
    assert "When: by mid-April 2020 (year inferred)" in items.loc["norfolk-teams-telephony-complete", "hover"]


def test_a_count_hedged_up_to_or_about_gives_no_lower_bound(figures):
    hedged = figures[figures["id"] == "wiltshire-teams"].assign(qualifier="up to")
    about = hedged.assign(qualifier="about")
    assert councils.implied_rates(hedged).empty
    assert councils.implied_rates(about).empty


def test_norfolk_share_at_home_is_derived_and_keeps_more_than(figures, hw):
    shares = councils.shares_at_home(figures, hw).set_index("id")
    norfolk = shares.loc["norfolk-working-from-home"]
    assert norfolk["share_percent"] == pytest.approx(74.63, abs=0.01)  # 5,000 ÷ 6,700
    assert norfolk["share_label"] == "more than 74.6%"
    assert norfolk["qualifier"] == "more than"
    assert norfolk["derived"]
    assert norfolk["basis"] == "more than 5,000 staff of 6,700 users"
    assert norfolk["region"] == "East of England"
    assert norfolk["region_week_prior"] == 11.3


def test_dudley_share_is_as_printed_against_the_west_midlands(figures, hw):
    shares = councils.shares_at_home(figures, hw).set_index("id")
    dudley = shares.loc["dudley-digital-service-at-home"]
    assert dudley["share_label"] == "about 95%"
    assert not dudley["derived"]
    assert dudley["region_week_prior"] == 9.5
    assert set(shares.index) == {"norfolk-working-from-home", "dudley-digital-service-at-home"}


def test_share_needs_both_the_count_and_the_whole(figures, hw):
    without_whole = figures[figures["id"] != "norfolk-users"]
    shares = councils.shares_at_home(without_whole, hw)
    assert "norfolk-working-from-home" not in set(shares["id"])


def test_national_bodies_have_no_regional_baseline(hw):
    assert pd.isna(councils.region_baseline(hw, None))
    assert councils.region_baseline(hw, "Wales") == 10.0
    assert councils.region_baseline(hw, "Wales", "ever") == 24.8


@pytest.mark.parametrize(
    ("value_text", "unit", "expected"),
    [
        ("6,000", "staff", "6,000 staff"),
        ("770%", "% increase", "770% increase"),
        ("up to £250", "GBP", "up to £250"),
        ("about 95%", "percent", "about 95%"),
        ("5-8 days", "days", "5-8 days"),
        ("the rest", "users", "the rest"),
        ("several hundred", "laptops", "several hundred laptops"),
        ("a new solution", None, "a new solution"),
    ],
)
def test_figure_label_says_what_was_counted(value_text, unit, expected):
    assert councils.figure_label(value_text, unit) == expected


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (float("nan"), 7.0, "within a week"),
        (float("nan"), 14.0, "within two weeks"),
        (5.0, 8.0, "in 5–8 days"),
        (0.5, 0.5, "in 12 hours"),
        (float("nan"), float("nan"), None),
    ],
)
def test_duration_in_words(low, high, expected):
    assert councils.duration_text(low, high) == expected


def test_table_carries_quote_source_and_labelled_derived_figures(figures, hw):
    table = councils.figure_table(figures, hw)
    assert len(table) == len(figures) - 1  # every figure but the national instruction (context)
    assert table["quote"].notna().all() and table["source"].notna().all()
    assert table["licence"].notna().all() and table["publication"].notna().all()
    welsh = table[table["measure"] == "council staff given Microsoft Teams"].iloc[0]
    assert welsh["derived"] == "at least 857 staff a day (derived)"
    assert welsh["value_as_printed"] == "6,000"
    assert welsh["source"] == "004_535077cdee380919.txt:6"
    assert welsh["claimant"] == "vendor claim (advertorial)"
    assert welsh["publication"].startswith("Microsoft, guest blog post")
    assert welsh["licence"].startswith("Quotation from a Microsoft guest post (an advertorial)")
    dwp = table[table["measure"] == "claims paid on time and in full during the surge"].iloc[0]
    assert "'Official - Sensitive'" in dwp["licence"] and dwp["claimant"] == "another body"
    norfolk = table[table["measure"] == "staff working from home"].iloc[0]
    assert norfolk["derived"] == "more than 74.6% at home: more than 5,000 staff of 6,700 users (derived)"
    assert norfolk["source"] == "001_fb8ad442bc8a4fed.txt:681–682"
    assert norfolk["region_2019_week_prior"] == 11.3
    assert table.loc[table["organisation"] == "Department for Work and Pensions", "region_2019_week_prior"].isna().all()


def test_filters_keep_the_national_instruction_as_context(figures):
    east = councils.filter_figures(figures, regions=["East of England"])
    assert set(east["organisation"]) == {"Prime Minister", "Norfolk County Council", "Hertfordshire County Council"}
    counties = councils.filter_figures(figures, kinds=["county council"], regions=["South East"])
    assert set(counties["organisation"]) == {"Prime Minister", "Hampshire County Council", "Surrey County Council"}
    assert len(councils.filter_figures(figures)) == len(figures)


# Date precision: no day the source does not give


def test_a_month_is_drawn_as_the_whole_month(items):
    stress = items.loc["norfolk-stress-test"]  # "in February"
    assert stress["panel"] == councils.DATED
    assert stress["draw_from"] == pd.Timestamp("2020-02-01")
    assert stress["draw_to"] == pd.Timestamp("2020-03-01")  # exclusive: the span ends with 29 February


def test_late_march_and_named_weeks_are_spans_not_days(items):
    late = items.loc["norfolk-working-from-home"]
    assert (late["draw_from"], late["draw_to"]) == (pd.Timestamp("2020-03-21"), pd.Timestamp("2020-04-01"))
    # "the last week of March and the first week of April": calendar weeks, Monday 23 March to Sunday 5 April
    weeks = items.loc["norfolk-teams-telephony-migrated"]
    assert (weeks["draw_from"], weeks["draw_to"]) == (pd.Timestamp("2020-03-23"), pd.Timestamp("2020-04-06"))


def test_by_gives_only_an_end_and_undated_gives_nothing(items):
    cantium = items.loc["cantium-plans-activated"]  # "By this point [23 March], ... had already activated its plans"
    assert pd.isna(cantium["draw_from"]) and cantium["draw_to"] == pd.Timestamp("2020-03-23")
    assert cantium["label"] == "by 23 March 2020: homeworking plans activated"
    move = items.loc["cantium-office-move"]  # "taking about three days": when the move ended is not given
    assert move["panel"] == councils.UNDATED and move["label"] == "about three days"
    rest = items.loc["norfolk-teams-telephony-complete"]  # "had the rest completed by mid-April"
    assert pd.isna(rest["draw_from"]) and rest["draw_to"] == pd.Timestamp("2020-04-20")
    assert rest["label"] == "by mid-April 2020: the rest"
    laptops = items.loc["dudley-laptops"]  # "now" in the May 2020 issue
    assert laptops["label"] == "by May 2020: several hundred laptops"
    durham = items.loc["durham-teams"]  # "prior to the pandemic"
    assert durham["panel"] == councils.BEFORE and pd.isna(durham["draw_from"]) and pd.isna(durham["draw_to"])
    welsh = items.loc["welsh-government-teams"]  # "within a week", no date
    assert welsh["panel"] == councils.UNDATED and pd.isna(welsh["draw_from"]) and pd.isna(welsh["draw_to"])
    assert welsh["label"] == "6,000 staff within a week (vendor claim)"
    assert items.loc["pm-instruction", "panel"] == "context"


def test_no_drawn_bound_is_a_day_the_source_does_not_give(items):
    """Every drawn start is the source's start; every drawn end is its end (or the day after, exclusive)."""
    for row in items.itertuples():
        if pd.notna(row.draw_from):
            assert row.draw_from == row.period_start, row.id
        if pd.notna(row.draw_to):
            expected = row.period_end if row.precision == "by" else row.period_end + pd.Timedelta(days=1)
            assert row.draw_to == expected, row.id
        if row.precision not in ("day", "by"):
            spans_days = pd.isna(row.draw_from) or (row.draw_to - row.draw_from) > pd.Timedelta(days=1)
            assert spans_days, f"{row.id} drawn as a single day"


def test_hover_gives_the_source_words_and_precision(items):
    hover = items.loc["norfolk-stress-test", "hover"]
    assert "When: February 2020 (year inferred) (month only, no day given)" in hover
    assert "001_fb8ad442bc8a4fed.txt:2459–2461" in hover
    assert "1 Feb" not in hover and "2020-02-01" not in hover


def test_precision_help_comes_from_the_data_package():
    assert "no day is implied" in councils.precision_help()


def test_timeline_takeaway_counts_the_weeks_after_23_march(items):
    # Late March, the named weeks, the start of April, mid-April, Cantium (by 23 March), library loans
    # (March) and one DWP colleague's 6 April; not February's stress test, not "by mid-April" (done by
    # 20 April, a day after the four weeks: its start is unknown), not the four "now" figures of May.
    assert councils.timeline_takeaway(items).startswith(
        "7 of the 13 dated figures fall in the four weeks from the 23 March 2020 instruction"
    )


# Charts


def timeline(items, **kw):
    return charts.rollout_timeline(items.reset_index(drop=True), charts.Words("A takeaway", "s"), **kw)


def test_timeline_hover_never_shows_an_axis_date(items):
    fig = timeline(items)
    for trace in fig.data:
        assert trace.hovertemplate == "%{customdata}<extra></extra>", trace.name
    spans = next(t for t in fig.data if t.name == "period the source gives")
    assert spans.xaxis == "x2"  # on the date axis
    for panel in (councils.BEFORE, councils.UNDATED):
        side = next(t for t in fig.data if t.name == panel)
        assert side.xaxis in ("x", "x3") and set(side.x) == {0.04}  # off the date axis


def test_timeline_has_the_23_march_line_lanes_and_source(items):
    fig = timeline(items)
    line = next(s for s in fig.layout.shapes if s.type == "line" and s.xref == "x2")
    assert str(line.x0).startswith("2020-03-23")
    texts = [a.text.replace("<br>", " ") for a in fig.layout.annotations]
    assert source_note("council_rollout_2020") in texts
    assert any(t.startswith("<b>23 March 2020</b>: Prime Minister") for t in texts)
    assert "Welsh Government" in fig.layout.yaxis.ticktext
    assert "Prime Minister" not in fig.layout.yaxis.ticktext  # context, not a lane
    assert fig.layout.xaxis2.range[0].startswith("2020-02-01")


def test_timeline_highlights_your_organisation(items):
    fig = timeline(items, highlight="Norfolk County Council")
    assert "<b>Norfolk County Council</b> (yours)" in fig.layout.yaxis.ticktext
    spans = next(t for t in fig.data if t.name == "period the source gives")
    assert YOURS in spans.marker.color
    assert any(s.fillcolor == charts.theme.HIGHLIGHT_BAND for s in fig.layout.shapes)


def test_builders_take_the_presentation_theme(figures, hw, items):
    normal, present = timeline(items), timeline(items, theme=PRESENT)
    assert present.layout.title.font.size > normal.layout.title.font.size
    rows = councils.scale_and_speed_rows(figures)
    speed = charts.scale_and_speed(rows, charts.Words("t", "s"), theme=PRESENT)
    assert speed.layout.title.font.size == PRESENT.title_size
    shares = councils.shares_at_home(figures, hw)
    share = charts.share_against_baseline(shares, charts.Words("t", "s"), theme=NORMAL)
    assert share.layout.title.font.size == NORMAL.title_size


def test_speed_chart_labels_rates_as_derived_and_missing_as_missing(figures):
    rows = councils.scale_and_speed_rows(figures)
    fig = charts.scale_and_speed(rows, charts.Words("t", "s"), highlight="Wiltshire Council")
    texts = [a.text for a in fig.layout.annotations]
    notes = [text.replace("<br>", " ") for text in texts]  # wrapped to the panel's width
    assert any(n.startswith("within a week <b>at least 857 staff") and n.endswith("</b> (derived)") for n in notes)
    assert "<i>no time given</i>" in texts and "<i>no count given</i>" in texts
    counts = fig.data[0]
    ticks = list(fig.layout.yaxis.ticktext)
    cantium = next(i for i, t in enumerate(ticks) if t.startswith("Cantium"))
    assert cantium not in counts.y and len(counts.x) == len(counts.y) < len(ticks)  # no count: no bar, not a zero one
    assert ticks[0].startswith("Welsh Government")  # fastest rate first
    assert any(t.startswith("<b>Wiltshire Council</b> (yours)") for t in ticks)


def test_share_chart_names_both_sources_and_measures(figures, hw):
    shares = councils.shares_at_home(figures, hw)
    fig = charts.share_against_baseline(shares, charts.Words("t", "s"))
    bars = fig.data[0]
    assert list(bars.x) == pytest.approx([74.63, 11.3, 95.0, 9.5], abs=0.01)
    texts = " ".join(a.text.replace("<br>", " ") for a in fig.layout.annotations)
    assert "<b>more than 74.6%</b> at home (derived: more than 5,000 staff of 6,700" in texts
    assert "(as printed)" in texts
    assert "in the week before interview" in texts
    assert "East of England, 2019 (ONS)" in fig.layout.yaxis.ticktext


# Who makes the claim: vendor claims and one person's account are marked wherever the figure is named


def test_vendor_claims_are_marked_in_the_timeline_labels_and_hover(items):
    vendor = items[items["claimant"] == "vendor claim (advertorial)"]
    assert set(vendor["id"]) == {
        "durham-teams",
        "london-boroughs-apps",
        "welsh-government-teams",
        "wiltshire-teams",
        "swindon-rpa-before",
        "swindon-rpa-after",
    }
    assert vendor["label"].str.endswith("(vendor claim)").all()
    assert (~items.loc[items["claimant"] != "vendor claim (advertorial)", "label"].str.contains("vendor")).all()
    assert "Who says so: vendor claim (advertorial)" in items.loc["durham-teams", "hover"]
    assert "Who says so: organisation itself" in items.loc["norfolk-at-home-every-day", "hover"]


def test_one_persons_account_is_labelled_as_one_person(items):
    one = items.loc["dwp-one-colleague-redeployed"]
    assert one["label"] == "one colleague redeployed to the Virtual Service Centre (one person's account)"
    assert one["panel"] == councils.DATED and one["draw_from"] == pd.Timestamp("2020-04-06")


def test_figures_relayed_at_second_hand_say_so(items):
    relayed = items[items["claimant"] == "organisation, at second hand"]
    assert len(relayed) and relayed["label"].str.endswith("(at second hand)").all()  # the libraries 'told the BBC'


def test_the_drawn_timeline_names_vendor_claims(items):
    fig = timeline(items)
    texts = [a.text.replace("<br>", " ") for a in fig.layout.annotations]
    assert "6,000 staff within a week (vendor claim)" in texts
    assert "583 hours a month (vendor claim)" in texts


def test_rate_and_speed_takeaways_say_the_fastest_is_a_vendor_claim(figures):
    rates = councils.implied_rates(figures)
    assert councils.rate_takeaway(rates).startswith(
        "Fastest: Welsh Government (vendor claim), 6,000 council staff given Microsoft Teams within a week"
    )
    assert "next, Wiltshire Council (vendor claim) at 571 staff a day" in councils.rate_takeaway(rates)
    norfolk = rates[rates["organisation"] == "Norfolk County Council"]
    assert councils.rate_takeaway(norfolk).startswith("Norfolk County Council: more than 3,000")  # its own claim
    rows = councils.scale_and_speed_rows(figures)
    assert councils.speed_takeaway(rows).startswith("Welsh Government (vendor claim) was fastest")
    fig = charts.scale_and_speed(rows, charts.Words("t", "s"))
    ticks = list(fig.layout.yaxis.ticktext)
    assert ticks[0].startswith("Welsh Government (vendor claim)<br>")
    assert any(t.startswith("Durham County Council (vendor claim)<br>") for t in ticks)
    assert any(t.startswith("Norfolk County Council<br>staff working at home every day") for t in ticks)


def test_the_deck_draws_the_same_marks_through_lib(figures, hw):
    """The presentation deck builds its councils slide from these labels and takeaways (lib.views.deck, unchanged)."""
    from lib.views import deck

    slide = deck.build_deck(Tables(hw, figures), {"org": "Welsh Government"}, order=["councils"])[0]
    assert "6,000 staff within a week (vendor claim)" in [
        a.text.replace("<br>", " ") for a in slide.figure.layout.annotations
    ]
    # The presenter's own organisation leads the notes, its vendor claim marked there too.
    assert slide.notes.startswith("Welsh Government: 6,000 council staff given Microsoft Teams within a week")
    assert "(vendor claim)" in slide.notes.split(".")[0]
    assert slide.headline == slide.notes.split(".")[0]


def test_timeline_layout_without_drawing():
    """The timeline's places, worked out before Plotly: lanes in the order things happened, a row per label line,
    the date axis from the first month drawn to the month after the last."""
    from lib.charts import timeline_layout
    from lib.data import load_councils

    layout = timeline_layout(councils.timeline_items(load_councils()))
    names = [name for name, _, _ in layout.lanes]
    assert names[0] == "Norfolk County Council"  # its February 2020 stress test is the first dated figure
    tops = [top for _, top, _ in layout.lanes]
    assert tops == sorted(tops) and tops[0] == 0 and all(h >= 1 for _, _, h in layout.lanes)
    assert layout.total_rows == sum(h for _, _, h in layout.lanes)
    assert (layout.first, layout.last) == (pd.Timestamp("2020-02-01"), pd.Timestamp("2020-06-01"))
    # A label stands on the side of its mark that has room: the right early in the months, the left at their end.
    items = councils.timeline_items(load_councils()).set_index("id")
    dated = items[items["panel"] == councils.DATED]
    assert not layout.label_goes_left("norfolk-stress-test")  # February: the whole panel to its right
    assert all(layout.label_goes_left(i) for i in dated.index[dated["draw_to"] == pd.Timestamp("2020-05-31")])
    lanes = {name: (top, height) for name, top, height in layout.lanes}
    top, height = lanes["Norfolk County Council"]
    assert all(top <= layout.row_of[i] < top + height for i in ("norfolk-stress-test", "norfolk-users"))


@pytest.mark.parametrize(
    ("undated", "unfitted", "expected"),
    [
        (0, 0, ""),
        (11, 0, " · 11 more organisations with no date or only 'before the pandemic' on the Councils page"),
        (0, 1, " · 1 more organisation on the Councils page"),
        (10, 1, " · 11 more organisations on the Councils page (10 with no date or only 'before the pandemic')"),
    ],
)
def test_a_slide_names_what_it_leaves_out_once(undated, unfitted, expected):
    from lib.charts.lanes import more_on_the_page

    assert more_on_the_page(undated, unfitted) == expected
