"""Every limit on an uploaded file and on drawing, in one place: each setting's name, value and why.

`LIMITS` (uploads) and `DRAWING` (images, decks, briefs and the text that reaches them) are what the
app uses; a notebook or a test makes its own with `dataclasses.replace(LIMITS, timeout_s=5)`.
`.streamlit/config.toml`'s `server.maxUploadSize` must equal `upload_mb` (tests/unit/test_limits.py reads
both). The values come from benchmarks/hostile_uploads.py, benchmarks/upload_scale.py and benchmarks/storm.py
(see benchmarks/results.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


def _setting(value: float, why: str):
    return field(default=value, metadata={"why": why})


@dataclass(frozen=True)
class Limits:
    """The caps one uploaded file is held to; see `describe()` for why each has its value."""

    upload_mb: int = _setting(
        100, "the largest file accepted; Streamlit holds the whole upload in the server's memory while it is read"
    )
    max_rows: int = _setting(
        1_048_575,
        "as many rows as an Excel sheet holds under its header; a million rows read in about 4 s and 0.7 GB",
    )
    max_columns: int = _setting(
        100, "the table has six columns; a hundred leaves room for a spreadsheet's own extra ones"
    )
    max_cells: int = _setting(
        20_000_000,
        "rows × columns: every cell is text while the file is checked, and 20 million cells fit the reader's memory",
    )
    max_decoded_mb: int = _setting(
        256,
        "what a Parquet file or a workbook may unpack to: a million-row table is about 40 MB unpacked, "
        "a 100,000-row sheet about 16 MB",
    )
    max_zip_ratio: int = _setting(
        100,
        "how many times a part of a workbook may expand: sheets Excel writes pack about 8 to 12 times; "
        "a crafted zip bomb, about 1,000 times",
    )
    xlsx_max_rows: int = _setting(
        50_000,
        "openpyxl reads a workbook cell by cell, about 12,000 rows a second on a quiet machine and a third of that "
        "on a busy one: 100,000 rows took 8 to 26 s, too close to timeout_s; CSV and Parquet read a million rows "
        "in seconds",
    )
    max_problems: int = _setting(
        1_000, "problems listed back for one file: enough to fix the first ones, never a copy of the file"
    )
    workers: int = _setting(
        2, "files read at the same time, one per core; more wait their turn, so at most workers × worker_memory_gb"
    )
    worker_memory_gb: float = _setting(
        2.0,
        "the address space of the process reading one file (RLIMIT_AS): a million rows need about 0.8 GB, "
        "and the server itself stays at or below 1.5 GB",
    )
    timeout_s: float = _setting(
        25.0,
        "wall-clock time to read and check one file: the largest workbook accepted takes 4 to 13 s, a million-row "
        "CSV 3 s, and a refused file's message must reach the person within 30 s",
    )
    queue_wait_s: float = _setting(
        30.0, "how long a file waits for a free reader before the person is asked to try again"
    )
    source_name_chars: int = _setting(
        80, "the name given to uploaded figures: it is shown on every row, chart, legend and file name of them"
    )
    bundle_members: int = _setting(
        20, "files in a bundle (.zip): a bundle holds three; a zip of thousands of entries is not one"
    )
    sheets: int = _setting(
        50,
        "sheets of a workbook looked at for a header row, and whose declared size is checked: a statistical "
        "workbook has a cover, contents, notes and a dozen tables; a crafted one may have thousands of sheets",
    )
    cell_chars: int = _setting(
        200,
        "characters in one text cell of an upload (a category, code or official name): the longest built-in one "
        "(an official name) has 61; a 1 MB label held the shared Chromium for 40 s and made the next person's "
        "image time out",
    )
    waiting_uploads: int = _setting(
        4,
        "files waiting for a free reader in one server: each is held whole in memory (up to upload_mb) while it "
        "waits, so at most workers + waiting_uploads files, about 600 MB, are in a replica at once",
    )
    held_rows: int = _setting(
        3_000_000,
        "uploaded rows one server holds across every session: a million rows take 96 MB (measured), twice that on "
        "Explore, which combines them with the built-in table, so about 0.6 GB; past it a new upload is refused in "
        "words until sessions end, instead of the replica running out of memory",
    )

    @property
    def upload_bytes(self) -> int:
        return self.upload_mb * 1024 * 1024

    @property
    def decoded_bytes(self) -> int:
        return self.max_decoded_mb * 1024 * 1024

    @property
    def worker_memory_bytes(self) -> int:
        return int(self.worker_memory_gb * 1024**3)

    def describe(self) -> list[tuple[str, object, str]]:
        """(name, value, why) for every setting, in order: for documentation and the benchmark's report."""
        return _describe(self)


def _describe(limits) -> list[tuple[str, object, str]]:
    return [(f.name, getattr(limits, f.name), f.metadata["why"]) for f in fields(limits)]


@dataclass(frozen=True)
class Drawing:
    """The caps on drawing (images, decks, briefs, zips) and on the text that reaches a drawing."""

    slots: int = _setting(
        2, "drawings at once: one Chromium serves the replica, and a third drawing only waits inside it instead"
    )
    page_slots: int = _setting(
        1,
        "slots only the pages' own download buttons may use: a storm of API requests never leaves a person on a page "
        "without a slot",
    )
    max_wait_s: float = _setting(
        10.0,
        "how long a drawing may wait for a slot: a request that would wait longer is refused at once with 503 and "
        "Retry-After (the API) or a note to try again shortly (the page)",
    )
    queued_per_client: int = _setting(
        4,
        "API drawings one client may have waiting: a loop of requests fills its own share of the queue, not everyone's",
    )
    queued: int = _setting(
        32,
        "drawings waiting in each lane (pages, API): each holds a request open; a burst past this is refused at once",
    )
    timeout_s: float = _setting(
        20.0,
        "one image, slide or chart of a brief: an image takes 0.2 s idle and 3 s in a storm; past this the browser is "
        "restarted, so the next drawing does not wait behind a stuck one",
    )
    files_kept: int = _setting(
        64, "drawn files kept in memory for the day, by their canonical address (a deck or a zip is under 1 MB)"
    )
    label_chars: int = _setting(
        50,
        "characters of a category label drawn on a chart's axis: the longest built-in label has 49; a longer one "
        "takes the panels' width (their titles run into each other), so it is cut with '…', whole in hover and table",
    )
    text_chars: int = _setting(
        2_000,
        "characters of any one text (a title, a name, a sentence) that reaches a drawing: beyond this no chart or "
        "slide can show it, and Chromium spends seconds laying it out",
    )

    def describe(self) -> list[tuple[str, object, str]]:
        """(name, value, why) for every setting, in order."""
        return _describe(self)


LIMITS = Limits()
DRAWING = Drawing()
