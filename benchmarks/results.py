"""Writes one section of the shared `benchmarks/results.md` between its own markers, leaving the rest alone.

Each writer owns the text between `<!-- name:start -->` and `<!-- name:end -->`; a section not yet in the
file is appended at its end, and a missing file is created with a title.
"""

from __future__ import annotations

import re
from pathlib import Path

TITLE = "# Benchmarks: the dashboard against the floor\n"


def markers(name: str) -> tuple[str, str]:
    if not re.fullmatch(r"[a-z0-9_-]+", name):
        raise ValueError(f"a section name is lowercase letters, digits, '-' or '_' (got {name!r})")
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def replace_section(text: str, name: str, body: str) -> str:
    """`text` with the section `name` holding `body`; every character outside the markers kept as it was."""
    start, end = markers(name)
    block = f"{start}\n{body.strip()}\n{end}"
    begin = text.find(start)
    if begin == -1:
        return f"{text.rstrip()}\n\n{block}\n" if text.strip() else f"{TITLE}\n{block}\n"
    finish = text.find(end, begin + len(start))
    if finish == -1:
        raise ValueError(f"{start} has no matching {end}: fix the file by hand rather than guess where it ends")
    return text[:begin] + block + text[finish + len(end) :]


def write_section(path: Path, name: str, body: str) -> None:
    """Replace the section in the file at `path` (re-read just before writing: others write it too)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(replace_section(text, name, body), encoding="utf-8")
