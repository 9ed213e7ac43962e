"""Widgets from lib.selections: every URL key's widget, bound to the address."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from lib import views
from lib.selections import Selection, Tables
from ui.resources import tables


def widget(
    selection: Selection,
    options_from: Tables,
    chosen: Mapping[str, Any],
    where=st,
    *,
    label: str | None = None,
    options: Sequence[str] | None = None,
    help: str | None = None,
    default: Any = None,
    placeholder: str | None = None,
) -> Any:
    """The bound widget for one URL key: label, options, default and help all from lib.selections (a page
    may word the label or help for its context, or narrow the options)."""
    common = dict(key=selection.key, bind="query-params", help=help or selection.help)
    label = label or selection.label
    if selection.kind == "number":
        return where.number_input(label, value=None, step=1.0, format="%g", **common)
    if selection.kind == "integer":
        return int(where.number_input(label, min_value=1, value=selection.default or 1, step=1, **common))
    if selection.kind == "text":
        return where.text_input(label, max_chars=selection.max_chars, placeholder=placeholder, **common)
    options = list(options if options is not None else selection.choices(options_from, chosen))
    default = default if default is not None else selection.default_value(options_from, chosen)
    shown = dict(format_func=selection.shown)
    if selection.multiple:
        default = [d for d in default if d in options]
        return where.multiselect(label, options, default=default, placeholder=selection.placeholder, **shown, **common)
    index = options.index(default) if default in options else None
    if selection.kind == "radio":
        return where.radio(label, options, index=index or 0, **shown, **common)
    if selection.kind == "segmented":
        return where.segmented_control(label, options, default=default, required=True, **shown, **common)
    return where.selectbox(label, options, index=index, placeholder=selection.placeholder, **shown, **common)


def widgets(page: str, places: Sequence, options_from: Tables | None = None) -> dict[str, Any]:
    """A page's widgets, one per key, in the given places (columns) in turn."""
    options_from = options_from or tables()
    chosen: dict[str, Any] = {}
    for selection, where in zip(views.PAGES[page].keys, places, strict=True):
        chosen[selection.key] = widget(selection, options_from, chosen, where)
    return chosen


def page_script(name: str) -> str:
    """A page's script as the navigation (app/navigation.py) registered it, for st.page_link and st.switch_page."""
    return f"../{views.PAGES[name].script}"
