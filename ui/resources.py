"""What a server process holds once for every session: the built-in tables, the upload reader, the count of
uploaded rows held, Chromium, and the tab's icon."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from lib import data
from lib.render.images import ImageExporter, shared_exporter
from lib.selections import Tables
from lib.uploads.held import HeldRows
from lib.uploads.reader import Reader

# The tab's icon, read once and sent inside the page as SVG: a `:material/…` page icon is fetched from Google's font
# servers by every visitor's browser (a request to another company, and no icon where that host is out of reach).
FAVICON = Path(__file__).with_name("favicon.svg").read_text(encoding="utf-8")


@st.cache_resource(show_spinner=False)
def tables() -> Tables:
    """The built-in tables, loaded and validated once per server process and shared read-only."""
    return Tables(data.load_homeworking(), data.load_councils())


@st.cache_resource(show_spinner=False)
def upload_reader() -> Reader:
    """One reader per server process: every session's uploads are read in separate, limited processes."""
    return Reader()


@st.cache_resource(show_spinner=False)
def image_exporter() -> ImageExporter:
    """One Chromium per server process for every PNG, SVG, PowerPoint and PDF, shared with the API."""
    return shared_exporter()


@st.cache_resource(show_spinner=False)
def held_rows() -> HeldRows:
    """The count of uploaded rows every session of this server holds, against Limits.held_rows."""
    return HeldRows()
