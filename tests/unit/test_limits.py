"""The caps on an upload live in one place, each with a reason, and agree with Streamlit's own setting."""

import tomllib
from pathlib import Path

from lib.limits import LIMITS

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_refuses_files_over_the_same_size_as_the_page_states():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == LIMITS.upload_mb  # the page's own words: tests/app/test_explore.py


def test_every_setting_says_why_it_has_its_value():
    described = LIMITS.describe()
    assert len(described) == 14
    for name, value, why in described:
        assert value > 0, name
        assert len(why) > 30, name


def test_the_reader_stays_within_what_the_issue_allows():
    assert LIMITS.worker_memory_gb <= 2
    assert LIMITS.timeout_s < 30  # a refused file's message within 30 s
    assert LIMITS.xlsx_max_rows <= LIMITS.max_rows
    assert LIMITS.max_cells < LIMITS.max_rows * LIMITS.max_columns  # the cell cap binds on its own
