"""The app layer shared by the pages: resources held per server, widgets from lib.selections, the
session's own figures, shared caches and their warm-up, the one way a View is shown, downloads, and the Share
menu (copy, link, embed, cite).

lib/ stays free of Streamlit; caching and session state live here. Pages import what they use
from this package (`import ui`; `ui.view(...)`).
"""

from ui.address import name_the_page_asked_for, open_as_offered
from ui.cache import figure, view, warm
from ui.downloads import (
    DownloadFailed,
    bundle_button,
    download_button,
    download_buttons,
    guarded,
    image_buttons,
    page_file,
    page_of_address,
    queued,
    renderer,
)
from ui.history import keep_history
from ui.keyboard import keep_keyboard
from ui.presenting import current_page, first_slide, present_button, visit
from ui.resources import FAVICON, held_rows, image_exporter, tables, upload_reader
from ui.session import OWN_FIGURES_KEY, keep_session, saved_view_link, set_user_rows, user_rows
from ui.share import share_menu, slide_copy
from ui.show import changes, column_config, comparison, headline, metrics, show_chart
from ui.uploaded import needs_review, where_they_show
from ui.uploaded import review as review_labels
from ui.viewport import keep_viewport, narrow
from ui.widgets import page_script, widget, widgets

__all__ = [
    "FAVICON",
    "OWN_FIGURES_KEY",
    "DownloadFailed",
    "bundle_button",
    "changes",
    "column_config",
    "comparison",
    "current_page",
    "download_button",
    "download_buttons",
    "figure",
    "first_slide",
    "guarded",
    "headline",
    "held_rows",
    "image_buttons",
    "image_exporter",
    "keep_history",
    "keep_keyboard",
    "keep_session",
    "keep_viewport",
    "metrics",
    "name_the_page_asked_for",
    "narrow",
    "needs_review",
    "open_as_offered",
    "page_file",
    "page_of_address",
    "page_script",
    "present_button",
    "queued",
    "renderer",
    "review_labels",
    "saved_view_link",
    "set_user_rows",
    "share_menu",
    "show_chart",
    "slide_copy",
    "tables",
    "upload_reader",
    "user_rows",
    "view",
    "visit",
    "warm",
    "where_they_show",
    "widget",
    "widgets",
]
