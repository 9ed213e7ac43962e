"""Per-replica bounds: the uploaded rows a server holds across sessions, and the files waiting for a reader."""

import gc
from dataclasses import replace

import pandas as pd
import pytest

from lib.data import load_homeworking
from lib.limits import LIMITS
from lib.uploads.held import HeldRows, TooManyRowsHeld
from lib.uploads.parse import UploadError
from lib.uploads.reader import Reader
from tests import hostile_files
from tests.unit.test_reader import GOOD, SLOW_ROWS, SOURCE, read_in_background, wait_for


@pytest.fixture(scope="module")
def slow_workbook():
    return hostile_files.workbook_of(SLOW_ROWS)


def rows(n: int) -> pd.DataFrame:
    return pd.DataFrame({"category": ["x"] * n})


def test_rows_held_across_sessions_are_bounded_and_let_go_when_a_session_drops_them():
    held = HeldRows(replace(LIMITS, held_rows=100))
    first, second = rows(60), rows(40)
    held.keep(first)
    held.keep(second)
    assert held.held == 100
    del second  # that session ended, or removed its figures
    gc.collect()
    assert held.held == 60
    third = rows(40)
    held.keep(third)
    assert held.held == 100
    with pytest.raises(TooManyRowsHeld, match="already holds 100 uploaded rows"):
        held.keep(rows(1))


def test_a_session_replacing_its_own_figures_is_not_counted_twice():
    held = HeldRows(replace(LIMITS, held_rows=100))
    mine = rows(80)
    held.keep(mine)
    with pytest.raises(TooManyRowsHeld):
        held.keep(rows(50))
    newer = rows(90)
    held.keep(newer, replacing=mine)
    del mine
    gc.collect()
    assert held.held == 90


def test_files_past_the_waiting_bound_are_refused_at_once_in_words(slow_workbook):
    hw = load_homeworking()
    reader = Reader(replace(LIMITS, workers=1, waiting_uploads=1, queue_wait_s=60))
    busy, waiting = {}, {}
    first = read_in_background(reader, slow_workbook, "slow.xlsx", hw, busy)
    wait_for(lambda: reader.pids)
    second = read_in_background(reader, GOOD, "waits.csv", hw, waiting)
    wait_for(lambda: any("Waiting for a free reader" in m for m in waiting["log"]))
    with pytest.raises(UploadError) as refused:
        reader.read(GOOD, "third.csv", SOURCE, reference=hw)
    assert "1 files are already waiting to be read" in refused.value.problems[0].rule
    for thread in (first, second):
        thread.join(120)
    assert not isinstance(waiting["outcome"], UploadError)  # the one that waited was read in its turn
