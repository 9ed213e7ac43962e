"""An organisation's own story (lib.organisation): its figures in the source's words, those that say where its
staff worked first, in the order things happened. Expected words are read from data/council_rollout_2020.csv
itself, row by row, never from the code under test."""

import csv
import re

import pytest

from lib import data, organisation
from lib.councils import CLAIM_MARKS
from lib.data.package import COUNCILS_CSV

NORFOLK = "Norfolk County Council"


@pytest.fixture(scope="module")
def figures():
    return data.load_councils()


@pytest.fixture(scope="module")
def rows() -> dict[str, dict]:
    """The council table as its file has it, by id."""
    with COUNCILS_CSV.open(encoding="utf-8") as file:
        return {row["id"]: row for row in csv.DictReader(file)}


def test_norfolk_leads_with_where_its_staff_worked_in_the_order_it_happened(figures, rows):
    headline = organisation.headline(figures, NORFOLK)
    assert headline.startswith(f"{NORFOLK}: ")
    # Late March: more than 5,000 at home; the start of April: only the contact centre staff in the office; by May:
    # more than 5,000 at home every day. Each figure as printed, each date in the source's own words.
    late_march, april, every_day = (
        rows["norfolk-working-from-home"],
        rows["norfolk-office-start-of-april"],
        rows["norfolk-at-home-every-day"],
    )
    expected = [
        f"{late_march['value_text']} {late_march['measure']} in late March",
        f"{april['measure']} at the start of April",
        f"{every_day['value_text']} {every_day['measure']} by May 2020",
    ]
    assert headline.removeprefix(f"{NORFOLK}: ").split("; ") == expected
    assert late_march["when"].startswith("late March") and "start of April" in april["when"]


def test_a_year_the_source_does_not_print_is_not_printed(figures, rows):
    headline = organisation.headline(figures, NORFOLK)
    assert "(year inferred)" in rows["norfolk-working-from-home"]["when"]
    assert "late March 2020" not in headline and "year inferred" not in headline
    assert "by May 2020" in headline  # the date: printed, so kept


def test_the_sentence_gives_the_other_dated_figures_in_time_order_and_the_derived_rate(figures, rows):
    sentence = organisation.sentence(figures, NORFOLK)
    dated = ["norfolk-stress-test", "norfolk-teams-telephony-migrated", "norfolk-contact-centre-live"]
    places = [sentence.index(rows[i]["measure"]) for i in dated]
    assert places == sorted(places)  # February, then the last week of March, then mid-April
    migrated = rows["norfolk-teams-telephony-migrated"]
    rate = int(float(migrated["value"]) // float(migrated["duration_max_days"]))
    assert f"at least {rate} users a day" in sentence and "Derived here" in sentence
    undated = [
        r
        for r in rows.values()
        if r["organisation"] == NORFOLK and r["precision"] in ("undated", "before the pandemic")
    ]
    assert f"{len(undated)} more of its figures give no date" in sentence
    assert organisation.headline(figures, NORFOLK).split(": ", 1)[1].split("; ")[0] not in sentence  # said once


def test_every_figure_of_every_organisation_is_told_or_counted_and_claims_keep_their_mark(figures, rows):
    for name in {r["organisation"] for r in rows.values() if r["kind"] != "national announcement"}:
        headline, sentence = organisation.headline(figures, name), organisation.sentence(figures, name)
        own = [r for r in rows.values() if r["organisation"] == name]
        # A measure may lose its first word to the figure ("share of the service" → "about 95% of the service").
        told = [r for r in own if r["measure"].split(" ", 1)[-1] in f"{headline} {sentence}"]
        counted = re.search(r"(\d+) more of its figures gives? no date", sentence)
        assert len(told) + (int(counted[1]) if counted else 0) == len(own), name
        for row in own:
            mark = CLAIM_MARKS.get(row["claimant"])
            if mark and row["measure"] in headline:
                assert f"{row['measure']}" in headline and f"({mark})" in headline, (name, row["id"])


@pytest.mark.parametrize(
    ("figure_id", "phrase"),
    [
        ("dudley-digital-service-at-home", "about 95% of the digital and ICT service working from home by May 2020"),
        ("cantium-office-move", "about three days to move all staff out of the office"),
        ("hampshire-library-digital-users", "770% increase in new digital library users, no date given"),
        ("welsh-government-teams", "6,000 council staff given Microsoft Teams within a week, no date given"),
        (
            "norfolk-teams-telephony-complete",
            "Teams soft telephony migration completed for the remaining users by mid-April",
        ),
    ],
)
def test_a_figure_reads_as_one_phrase_without_saying_a_word_twice(figures, figure_id, phrase):
    assert organisation.said(figures.set_index("id").loc[figure_id]).startswith(phrase)


def test_a_headline_stays_a_sentence_a_presenter_can_edit_and_one_persons_account_never_leads(figures, rows):
    from lib.selections import HEADLINE_MAX

    for name in {r["organisation"] for r in rows.values() if r["kind"] != "national announcement"}:
        assert len(organisation.headline(figures, name)) <= HEADLINE_MAX, name
    dwp = organisation.headline(figures, "Department for Work and Pensions")
    one_person = [r["measure"] for r in rows.values() if r["claimant"] == "one person's account"]
    assert one_person and not any(measure in dwp for measure in one_person)
    assert rows["dwp-redeployed-internal"]["measure"] in dwp
