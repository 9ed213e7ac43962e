"""An address typed or pasted by hand, read as the page offers it (lib.selections.spelling).

Streamlit's binding drops a URL value that is not one of a widget's options and shows the default, without a
word. A value in another case (`?region=wales`) opens the page again with it written as offered; a value that
is no option (`?region=Walse`) is named above the page, with a button for the option it most likely meant, for
as long as the page shows what it showed on opening. A page that is no page (`/sector`) opens the first page, as
Streamlit does, which names the page it most likely meant, with a link that keeps the address's choices.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from urllib.parse import urlsplit

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.navigation.page import StreamlitPage

from lib import selections, views
from lib.escape import for_markdown, shorten
from ui.resources import tables

NOTICES_KEY = "address-notices"
PAGE_ASKED_KEY = "address-page-asked-for"


def open_as_offered(page: str, current: StreamlitPage, *, presenting: bool = False) -> None:
    """Read the address before the page's widgets (in presentation mode, the deck's) bind to it, and say what the
    page could not take from it (a slide has no room to). Only on opening: once a widget is bound its address is
    Streamlit's to write (Back to such an address shows the default)."""
    keys = selections.DECK_KEYS if presenting else views.PAGES[page].keys
    if any(s.key in st.query_params for s in keys) and not any(s.key in st.session_state for s in keys):
        read = selections.spelling(keys, {key: st.query_params.get_all(key) for key in st.query_params}, tables())
        if read.respelled:
            with suppress(StreamlitAPIException):  # a key already bound to a widget: the address stays as it is
                st.switch_page(current, query_params=read.query)
        notices = [_notice(read.query, selection, given, meant) for selection, given, meant in read.unoffered[:3]]
        st.session_state.pop(NOTICES_KEY, None)
        if notices:
            st.session_state[NOTICES_KEY] = {"page": page, "notices": notices, "keys": [s.key for s in keys]}
    if presenting:
        st.session_state.pop(NOTICES_KEY, None)  # a slide has no room for them
    else:
        _show_notices(page)


def _notice(query: dict[str, list[str]], selection: selections.Selection, given: str, meant: str | None) -> dict:
    """What to say of one value the page could not take, and the choice that shows the option it most likely
    meant: the widget's own value (an option, a list of them for a many-valued key), which the binding then writes
    into the address."""
    # What was typed is quoted back only when it is close to an option: anything else from an address (a script
    # tag, a page of text) is not repeated on the page.
    if meant is None:
        told = f"The address asks for a value of *{selection.label}* that this page does not offer, so it shows its "
        told += "own choice."
    else:
        told = f"The address asks for “{for_markdown(shorten(given, 80))}” as *{selection.label}*, which this page "
        told += f"does not offer, so it shows its own choice. Did you mean {for_markdown(meant)}?"
    choice = None
    if meant is not None:
        options = {selection.shown(o): o for o in selection.choices(tables(), {})}
        replaced = dict.fromkeys(meant if v == given else v for v in query[selection.key])
        choice = [options[v] for v in replaced if v in options] if selection.multiple else options.get(meant)
    return {"text": told, "meant": meant, "key": selection.key, "choice": choice}


def _choose(key: str, choice: object) -> None:
    st.session_state[key] = choice
    st.session_state.pop(NOTICES_KEY, None)


def _show_notices(page: str) -> None:
    """The notices of this page's opening, while its choices are those it showed then (a choice made, or another
    page, ends them)."""
    stored = st.session_state.get(NOTICES_KEY)
    if not stored or stored["page"] != page:
        st.session_state.pop(NOTICES_KEY, None)
        return
    now = {key: st.session_state.get(key) for key in stored["keys"]}
    if "shown" not in stored and any(value is not None for value in now.values()):
        stored["shown"] = now  # the first run with the widgets bound: what the page showed on opening
    elif "shown" in stored and now != stored["shown"]:
        del st.session_state[NOTICES_KEY]
        return
    for notice in stored["notices"]:
        st.info(notice["text"], icon=":material/link_off:")
        if notice["choice"] is not None:
            st.button(
                f"Show {notice['meant']}",
                key=f"address-meant-{notice['key']}",
                on_click=_choose,
                args=(notice["key"], notice["choice"]),
                icon=":material/arrow_forward:",
            )


def name_the_page_asked_for(page: str, pages: Mapping[str, StreamlitPage]) -> None:
    """An address whose page is no page (/sector, /Regions) opens the first page, as Streamlit does (with its own
    "Page not found"); this names the page it most likely meant, with a link that keeps the address's choices, for
    as long as the first page shows. Only the session's first address is read: later ones are Streamlit's own."""
    if PAGE_ASKED_KEY not in st.session_state:
        base = str(st.get_option("server.baseUrlPath") or "").strip("/")
        asked = urlsplit(st.context.url or "").path.strip("/").removeprefix(base).strip("/")
        meant = selections.nearest(asked, list(pages)) if asked and "/" not in asked else None
        # The first page itself in another spelling (/Overview) is where the person already is: nothing to say.
        named = meant is not None and meant != asked and not views.PAGES[meant].default
        st.session_state[PAGE_ASKED_KEY] = (asked, meant) if named else None
    asked_for = st.session_state[PAGE_ASKED_KEY]
    if asked_for is None or not views.PAGES[page].default:
        st.session_state[PAGE_ASKED_KEY] = None  # another page: the notice has done its work
        return
    asked, meant = asked_for
    record = views.PAGES[meant]
    st.info(
        f"There is no page “{for_markdown(shorten(asked, 40))}”, so this is the first page. "
        f"Did you mean {for_markdown(record.nav_title)}?",
        icon=":material/link_off:",
    )
    st.page_link(
        pages[meant], label=f"Open {record.nav_title}", icon=record.icon, query_params=st.query_params.to_dict()
    )
