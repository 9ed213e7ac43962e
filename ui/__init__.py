"""The app layer shared by the pages: resources held per server, widgets from lib.selections, the
session's own figures, shared caches and their warm-up, the one way a View is shown, and downloads.

lib/ stays free of Streamlit; caching and session state live here. Pages import what they use
from this package (`import ui`; `ui.view(...)`).
"""

from ui.cache import figure, view, warm
from ui.downloads import (
    DownloadFailed,
    bundle_button,
    download_button,
    guarded,
    image_buttons,
    page_file,
    page_of_address,
    queued,
    renderer,
    view_downloads,
)
from ui.resources import held_rows, image_exporter, tables, upload_reader
from ui.session import OWN_FIGURES_KEY, keep_session, saved_view_link, set_user_rows, user_rows
from ui.show import changes, column_config, headline, metrics, show_chart
from ui.widgets import page_script, widget, widgets

__all__ = [
    "OWN_FIGURES_KEY",
    "DownloadFailed",
    "bundle_button",
    "changes",
    "column_config",
    "download_button",
    "figure",
    "guarded",
    "headline",
    "held_rows",
    "image_buttons",
    "image_exporter",
    "keep_session",
    "metrics",
    "page_file",
    "page_of_address",
    "page_script",
    "queued",
    "renderer",
    "saved_view_link",
    "set_user_rows",
    "show_chart",
    "tables",
    "upload_reader",
    "user_rows",
    "view",
    "view_downloads",
    "warm",
    "widget",
    "widgets",
]
