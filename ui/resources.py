"""What a server process holds once for every session: the built-in tables, the upload reader, the count of
uploaded rows held, and Chromium."""

from __future__ import annotations

import streamlit as st

from lib import data
from lib.render.images import ImageExporter, shared_exporter
from lib.selections import Tables
from lib.uploads.held import HeldRows
from lib.uploads.reader import Reader


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
