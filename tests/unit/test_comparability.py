"""Your later figures against 2019: which declared points differ from the 2019 Annual Population Survey, and the
caution that travels with every stated change — on the page's View, its change chart, the slide, the brief's
notes, the files' provenance and the bundle."""

import io
import json
import zipfile
from datetime import UTC, datetime

import pandas as pd
import pytest

from lib import comparability, data, views
from lib.comparability import Basis, verdict
from lib.render import renderer
from lib.selections import Tables
from lib.uploads import bundle, parse
from lib.views import deck

LMS = Basis(
    survey="ONS Labour Market Survey", geography="Great Britain", who="people in employment", period="April 2020"
)
SAME = Basis(survey="Annual Population Survey", geography="United Kingdom", who="people in employment", period="2019")
GUIDANCE = data.baseline_survey()["guidance"]["title"]


@pytest.fixture(scope="module")
def tables():
    return Tables(data.load_homeworking(), data.load_councils())


def april(basis: Basis | None = None) -> pd.DataFrame:
    rows = pd.DataFrame(
        {
            "breakdown": ["region", "region"],
            "category": ["London", "Wales"],
            "measure": ["week_prior", "week_prior"],
            "percent": [57.2, 31.0],
            "source": ["ONS LMS April 2020"] * 2,
        }
    )
    return basis.on_rows(rows) if basis else rows


def test_declared_points_that_differ_are_named_with_both_sides():
    found = verdict(LMS)
    assert found.differ == ("survey", "geography", "period") and found.match == ("who",)
    caution = found.caution()
    assert "survey (ONS Labour Market Survey, against Annual Population Survey)" in caution
    assert "geography (Great Britain, against United Kingdom)" in caution
    assert "period (April 2020, against 2019)" in caution
    assert GUIDANCE in caution  # ONS's own guidance, cited
    assert found.short() == "not one series: survey, geography and period differ from the 2019 APS"


def test_matching_points_say_comparable_and_unsaid_ones_still_caution():
    assert verdict(SAME).differ == () and verdict(SAME).unsaid == ("question",)
    assert (
        "match the 2019 Annual Population Survey on survey, geography, population and period" in verdict(SAME).caution()
    )
    assert "a different question can account for part of a change" in verdict(SAME).caution()
    everything = Basis(
        survey="APS",
        question="worked from home in the week before interview",
        geography="United Kingdom",
        who="people in employment",
        period="2019",
    )
    assert verdict(everything).caution().endswith("comparable on those points.")


def test_nothing_declared_is_the_general_caution():
    caution = verdict(Basis()).caution()
    assert caution.startswith("Your figures may come from another survey, question, population or period")
    assert GUIDANCE in caution and "Say where your figures come from" in caution


def test_a_basis_is_short_single_line_text_whatever_a_form_or_bundle_holds():
    odd = Basis.from_mapping({"survey": " two\nlines ", "period": 2020, "who": "x" * 500, "unknown": "dropped"})
    assert odd.survey == "two lines" and odd.period == "" and len(odd.who) == comparability.MAX_CHARS
    assert Basis.from_mapping(None) == Basis() == Basis.from_mapping("not a mapping")


def test_the_view_states_the_caution_beside_the_change_and_in_its_notes(tables):
    shown = views.for_query("regions", tables, {}, april(LMS))
    assert shown.headline.startswith("London: 57.2%") and shown.caution == verdict(LMS).caution()
    assert shown.notes[0] == shown.caution  # the notes reach the brief and the files
    change = shown.chart("regions-change")
    assert change.caption == shown.caution and verdict(LMS).short() in change.subtitle
    assert shown.caution in change.notes  # the speaker says it too
    assert not views.for_query("regions", tables, {}).caution  # no figures of theirs, no change, no caution


def test_the_change_slide_carries_the_caution(tables):
    slides = deck.build_deck(tables, {}, user_rows=april(LMS))
    slide = next(s for s in slides if s.key == "change")
    assert verdict(LMS).caution() in slide.notes
    assert verdict(LMS).short() in slide.figure.layout.title.subtitle.text.replace("<br>", " ")


def test_the_files_provenance_carries_the_caution(tables):
    shown = views.for_query("regions", tables, {}, april(LMS))
    files = renderer.Renderer(tables, renderer.Address("regions"))
    package = json.loads(files.render(shown, "datapackage.json"))
    assert package["homeworking_export"]["cautions"] == [shown.caution]
    about = pd.read_excel(io.BytesIO(files.render(shown, "xlsx")), sheet_name="About", header=None)
    assert shown.caution in set(about[1])


def test_the_bundle_keeps_where_the_figures_come_from_and_the_caution():
    reference = data.load_homeworking()
    rows = parse.read_upload(
        b"breakdown,category,measure,percent\nregion,London,week_prior,57.2\n", "april.csv", "", reference=reference
    ).rows
    made = bundle.make_bundle(LMS.on_rows(rows), "april", datetime(2026, 11, 30, tzinfo=UTC), "https://d.example/")
    about = json.loads(zipfile.ZipFile(io.BytesIO(made)).read("datapackage.json"))["homeworking_bundle"]
    assert about["basis"] == LMS.declared() and about["caution"] == verdict(LMS).caution()
    back = parse.read_upload(made, "april-bundle.zip", "", reference=reference)
    assert Basis.from_mapping(back.basis) == LMS
