"""The caps on an upload live in one place, each with a reason, and agree with Streamlit's own setting."""

import tomllib
from pathlib import Path

from lib.limits import DRAWING, LIMITS
from lib.selections import HEADLINE_MAX

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_refuses_files_over_the_same_size_as_the_page_states():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == LIMITS.upload_mb  # the page's own words: tests/app/test_explore.py


def test_every_setting_says_why_it_has_its_value():
    for limits, count in ((LIMITS, 18), (DRAWING, 9)):
        described = limits.describe()
        assert len(described) == count
        for name, value, why in described:
            assert value > 0, name
            assert len(why) > 30, name


def test_the_drawing_caps_hold_together():
    assert DRAWING.page_slots < DRAWING.slots  # the API keeps a slot of its own too
    assert DRAWING.queued_per_client < DRAWING.queued
    assert DRAWING.max_wait_s < DRAWING.timeout_s  # a refusal comes before a drawing could have timed out
    assert DRAWING.label_chars < LIMITS.cell_chars <= DRAWING.text_chars  # a cell fits a drawing, cut on an axis
    assert LIMITS.source_name_chars <= LIMITS.cell_chars and DRAWING.text_chars >= HEADLINE_MAX


def test_the_longest_built_in_label_is_drawn_whole():
    from lib.data import load_homeworking

    labels = load_homeworking()["category"]
    assert labels.str.len().max() <= DRAWING.label_chars


def test_the_reader_stays_within_what_the_issue_allows():
    assert LIMITS.worker_memory_gb <= 2
    assert LIMITS.timeout_s < 30  # a refused file's message within 30 s
    assert LIMITS.xlsx_max_rows <= LIMITS.max_rows
    assert LIMITS.max_cells < LIMITS.max_rows * LIMITS.max_columns  # the cell cap binds on its own
