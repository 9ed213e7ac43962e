"""Upload labels that look like a typo of a known one, the answer applied, and where the figures then show."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.data import load_councils, load_homeworking
from lib.selections import Tables
from lib.uploads import labels, read_upload
from lib.views.landings import landings


@pytest.fixture(scope="module")
def hw() -> pd.DataFrame:
    return load_homeworking()


def uploaded(hw, text: str):
    return read_upload(("breakdown,category,measure,percent\n" + text).encode(), "april.csv", "April", reference=hw)


def test_typos_of_closed_breakdowns_are_flagged_with_the_nearest_known_label(hw):
    upload = uploaded(
        hw,
        "region,Walse,week_prior,31\nregion,Londn,ever,40\nsector,Eduction,ever,50\nregion,Our own patch,ever,9\n"
        "occupation,Managers and directers,ever,20\nregion,yorkshire and the humber,ever,30\n",
    )
    found = labels.suggestions(upload.rows, hw)
    assert [s.question for s in found] == [
        "Walse: did you mean Wales?",
        "Londn: did you mean London?",
        "Eduction: did you mean Education?",
    ]  # a new name close to none, an open breakdown and a spelling the matching already placed are not asked about


def test_an_answer_relabels_with_the_known_codes_and_says_so(hw):
    upload = uploaded(hw, "region,Walse,week_prior,31\nregion,Our own patch,ever,9\n")
    rows, notes = labels.relabel(upload.rows, labels.suggestions(upload.rows, hw), hw, upload.notes)
    assert rows[["category", "code", "official_name"]].values.tolist()[0] == ["Wales", "W92000004", "Wales"]
    assert list(rows.columns) == list(upload.rows.columns) and len(rows) == 2
    assert "Changed at your word: 'Walse' → 'Wales'." in notes
    assert any(n.startswith("Not in the 2019 tables") and "Our own patch" in n and "Walse" not in n for n in notes)
    kept, kept_notes = labels.relabel(upload.rows, [], hw, upload.notes)
    assert list(kept["category"]) == ["Walse", "Our own patch"] and kept_notes == upload.notes


def test_taking_a_suggestion_that_would_give_two_figures_for_one_category_is_refused(hw):
    upload = uploaded(hw, "region,Wales,week_prior,30\nregion,Walse,week_prior,31\n")
    with pytest.raises(labels.Clash, match="already has Wales"):
        labels.relabel(upload.rows, labels.suggestions(upload.rows, hw), hw, upload.notes)


def test_uploaded_figures_lead_to_each_page_that_draws_them_on_a_category_they_cover(hw):
    tables = Tables(hw, load_councils())
    upload = uploaded(
        hw, "region,Our own patch,week_prior,4\nregion,Wales,week_prior,\nregion,London,ever,40\nage,25-29,ever,30\n"
    )
    found = [(landing.page, landing.key, landing.category) for landing in landings(upload.rows, tables)]
    # Wales has no figure, Our own patch is on no page: Regions opens on London; no sector was uploaded.
    assert found == [("age", "band", "25-29 yrs"), ("regions", "region", "London")]


@pytest.mark.parametrize(
    ("printed", "known"),
    [
        ("London [note 3]", "London"),
        ("Wales (1)", "Wales"),
        ("Scotland¹", "Scotland"),
        ("Northern Ireland*", "Northern Ireland"),
        ("North East [x] [note 2]", "North East"),
        ("Education [notes 4, 5]", "Education"),
    ],
)
def test_a_label_with_a_published_table_s_footnote_mark_is_matched(hw, printed, known):
    breakdown = "sector" if known == "Education" else "region"
    upload = uploaded(hw, f'{breakdown},"{printed}",ever,30\n')
    assert upload.rows["category"].tolist() == [known]
    assert f"'{printed}' → '{known}'" in " ".join(upload.notes)


def test_a_label_whose_brackets_are_its_own_is_kept_as_written(hw):
    upload = uploaded(hw, 'sector,"Education (higher)",ever,30\nregion,"London (inner)",ever,40\n')
    assert upload.rows["category"].tolist() == ["Education (higher)", "London (inner)"]
