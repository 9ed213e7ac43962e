"""Presentation mode: the user's own comparison as full-window slides, moved through with a clicker.

The deck is built from the pages' own URL keys, bound here too so that the address keeps them
while presenting: a prepared link (?present=1&sector=Education) opens straight into it. The
slide number, the slides' order and any edited headline are in the URL as well.
"""

import streamlit as st

import ui
from lib import selections
from lib.charts import IMAGE_HEIGHT, IMAGE_WIDTH
from lib.escape import for_markdown
from lib.render import formats
from lib.render.renderer import file_name
from lib.views import PAGES, deck

BAR_HEIGHT = 56  # px: the control bar under the slide
# In the deck's editor the keys of several pages sit together, so each label says whose it is.
DECK_LABELS = {
    "benchmark": "Sector compared with",
    "vs": "Age band compared with",
    "region": "Your region or nation (the region slide shows the last chosen)",
    "other": "Region compared with",
    "kind": "Kinds of organisation",
}

# Static: no data or user text ever goes into this style sheet. The slide is laid out at
# 1920×1080 and scaled to the largest size the window holds, so it reads the same at any size.
SLIDE_CSS = f"""
<style>
[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"] {{ display: none !important; }}
[data-testid="stMain"], [data-testid="stAppViewContainer"] {{ overflow: hidden !important; }}
[data-testid="stMainBlockContainer"] {{ padding: 0 !important; max-width: none !important; }}
.st-key-slide-stage {{
  --scale: 0.5;
  position: fixed !important; top: 0; left: 0; z-index: 1; pointer-events: none;
  width: {IMAGE_WIDTH}px !important; height: {IMAGE_HEIGHT}px !important; max-width: none !important;
}}
/* Scale the drawn chart, not its box: Streamlit sizes the figure from the box, so it stays 1920×1080. */
.st-key-slide-stage .js-plotly-plot {{
  pointer-events: auto; transform-origin: 0 0;
  transform: translateX(calc((100vw - {IMAGE_WIDTH}px * var(--scale)) / 2)) scale(var(--scale));
}}
@media (min-width: 1280px) and (min-height: 776px) {{ .st-key-slide-stage {{ --scale: 0.6667; }} }}
@supports (scale: calc(100vw / {IMAGE_WIDTH}px)) {{
  .st-key-slide-stage {{
    --scale: min(calc(100vw / {IMAGE_WIDTH}px), calc((100vh - {BAR_HEIGHT}px) / {IMAGE_HEIGHT}px));
  }}
}}
.st-key-deck-bar {{
  position: fixed; left: 0; right: 0; bottom: 0; height: {BAR_HEIGHT}px; z-index: 2;
  padding: 0 16px; align-items: center; background: #FFFFFF; border-top: 1px solid #D0D0D0;
}}
.st-key-deck-bar [data-testid="stWidgetLabel"] {{ display: none; }}
.st-key-next-page, .st-key-previous-page {{ display: none; }}
</style>
"""

# 1/ The pages' selections (the same keys and defaults, so links work both ways)
tables = ui.tables()

st.html(SLIDE_CSS)
stage = st.container(key="slide-stage")
bar = st.container(key="deck-bar", horizontal=True, vertical_alignment="center", gap="medium")
with bar:
    moves = st.container(horizontal=True, vertical_alignment="center", gap="small", width="content")
    tools = st.container(horizontal=True, vertical_alignment="center", gap="small", width="content")
with tools:
    adding = st.container(width="content")
    edit = st.popover("Edit deck", icon=":material/edit:")
with edit:  # shown in this order; filled below, in the order the widgets depend on each other
    this_slide = st.container()
    st.markdown("**Slides**")
    slide_list = st.container()
    st.markdown("**Your selections** (the same as on the pages)")
    choices = st.container()
    other_headlines = st.expander("Headlines of the other slides")

with choices:
    left, right = st.columns(2)
    chosen = {}
    for selection, where in zip(selections.DECK_KEYS, [left, right] * 4, strict=True):
        chosen[selection.key] = ui.widget(selection, tables, chosen, where, label=DECK_LABELS.get(selection.key))
query = {selection.key: selection.to_url(chosen[selection.key]) for selection in selections.DECK_KEYS}
with slide_list:
    order = ui.widget(deck.DECK, tables, {})
every = {s.key: s for s in deck.build_deck(tables, query, build=ui.view)}  # every slide there is; none drawn
order = [key for key in order if key in every]  # the change slide only with uploaded figures

# 2/ Moving between slides: buttons, arrow keys and a clicker's PageDown / PageUp
count = max(len(order), 1)
start = ui.first_slide(order)  # the first run opens on the slide of the page it was opened from
if start is not None:
    st.session_state["slide"] = start
if st.session_state.get("slide", 1) > count:
    st.session_state["slide"] = count
PAST_THE_END = "deck_past_the_end"
ADDING = "add-slide"  # the "Add a slide" menu: open or closed


def step(by: int) -> None:
    at = st.session_state.get("slide", 1)
    st.session_state[PAST_THE_END] = by > 0 and at == count  # said on the page: a key press is never lost
    st.session_state["slide"] = min(max(at + by, 1), count)


def leave() -> None:
    """Back to the page the deck was opened from (dashboard.py reads ?present=1)."""
    del st.query_params["present"]


def move(by: int) -> None:
    """Move the current slide earlier or later in the deck, and follow it."""
    keys = list(order)
    at = st.session_state.get("slide", 1) - 1
    to = min(max(at + by, 0), len(keys) - 1)
    keys.insert(to, keys.pop(at))
    st.session_state["deck"] = keys
    st.session_state["slide"] = to + 1


def drop() -> None:
    st.session_state["deck"] = [key for i, key in enumerate(order) if i != st.session_state.get("slide", 1) - 1]


def add(key: str) -> None:
    """Put a slide right after the one on screen, and go to it."""
    at = min(st.session_state.get("slide", 1), len(order))
    st.session_state["deck"] = [*order[:at], key, *order[at:]]
    st.session_state["slide"] = at + 1
    st.session_state[ADDING] = False  # closed, so that the new slide shows


def keep_headline(key: str, takeaway: str) -> None:
    """An edited headline goes into the address; one cleared, or put back to the generated words, follows the
    selections again."""
    text = deck.clean_headline(st.session_state.get(deck.HEADLINES[key].key))
    if text is None or text == takeaway:
        st.query_params.pop(deck.HEADLINES[key].key, None)
    else:
        st.query_params[deck.HEADLINES[key].key] = text


with moves:
    st.button("Previous", icon=":material/arrow_back:", shortcut="Left", on_click=step, args=(-1,), key="previous")
    number = st.segmented_control(
        "Slide", list(range(1, count + 1)), default=1, required=True, key="slide", bind="query-params"
    )
    st.button("Next", icon=":material/arrow_forward:", shortcut="Right", on_click=step, args=(1,), key="next")
    # A presentation clicker sends PageDown / PageUp; these answer it without taking space.
    st.button("Next slide", shortcut="PageDown", on_click=step, args=(1,), key="next-page")
    st.button("Previous slide", shortcut="PageUp", on_click=step, args=(-1,), key="previous-page")
    with st.container(key="deck-counter", width="content"):
        if order and number == count:  # the end is visible: the counter says it, and a last → says it again
            st.markdown(f"**{number} of {count} · End of the deck**")
        elif order:
            st.markdown(f"{number} of {count}")
if st.session_state.pop(PAST_THE_END, False):
    st.toast("That was the last slide. Esc leaves the deck.", icon=":material/flag:")

with (
    adding,
    st.popover("Add a slide", icon=":material/add:", disabled=set(every) <= set(order), key=ADDING, on_change="rerun"),
):
    st.caption("Slides not in the deck, with the headline each would have; one goes in after this slide.")
    for key, offered in every.items():
        if key not in order:
            st.button(offered.name, help=offered.takeaway, on_click=add, args=(key,), key=f"add-{key}", width="stretch")

# 3/ Headlines: each starts as the generated takeaway, to be tweaked; an edit is kept in the URL
headlines = {}
for i, key in enumerate(order, start=1):
    typed = deck.clean_headline(st.query_params.get(deck.HEADLINES[key].key))
    st.session_state[deck.HEADLINES[key].key] = typed or every[key].takeaway
    with this_slide if i == number else other_headlines:
        st.text_input(
            f"Headline: {every[key].name}",
            key=deck.HEADLINES[key].key,
            max_chars=selections.HEADLINE_MAX,
            on_change=keep_headline,
            args=(key, every[key].takeaway),
            help="The generated takeaway, to edit as you like; clear it to go back to the generated words.",
        )
    headlines[key] = typed
if not order:
    with stage:
        st.info("Every slide is dropped: add one back with Add a slide.")
    st.stop()
slides = deck.build_deck(tables, query, order=order, headlines=headlines, build=ui.view)
slide = slides[number - 1]
# 4/ The slide: one chart, its takeaway title and source line inside it
with stage:
    st.plotly_chart(
        slide.figure.update_layout(width=IMAGE_WIDTH, height=IMAGE_HEIGHT),
        key=f"slide-{slide.key}",
        alt=slide.alt,
        config={"displayModeBar": False, "responsive": False},
        width="content",
        height=IMAGE_HEIGHT,
        theme=None,
    )
with this_slide:
    cols = st.columns(3)
    cols[0].button("Move earlier", icon=":material/arrow_upward:", on_click=move, args=(-1,), disabled=number == 1)
    cols[1].button("Move later", icon=":material/arrow_downward:", on_click=move, args=(1,), disabled=number == count)
    cols[2].button("Drop this slide", icon=":material/delete:", on_click=drop)
    st.caption(f"Speaker notes: {for_markdown(slide.notes)}")

# 5/ Share (copy this slide's chart, its table, the link; download it or the deck), and the way out
files = ui.renderer(ui.current_page())
shown = deck.SLIDES[slide.key][0].name  # the page whose view the slide shows: its files are named after it
stem = file_name(ui.view(shown, selections.read(PAGES[shown].keys, query, tables)), "").removesuffix(".")
with tools:
    with st.popover(
        "Share",
        icon=":material/share:",
        help="Copy this slide's chart, its table or the link; download it or the deck.",
    ):
        ui.slide_copy(ui.current_page(), slide)
        st.divider()
        ui.image_buttons(
            lambda fmt: ui.queued(lambda: files.slide_image(slide, fmt), kind=fmt),
            f"homeworking-{slide.key}",
            stem=f"{stem}-slide" if slide.key != deck.CHANGE else f"{stem}-change-slide",
            label="This slide as ",
        )
        if ui.image_exporter().available:
            ui.download_button(
                "Download the deck as PowerPoint",
                data=lambda: ui.queued(lambda: files.pptx(slides), kind="pptx"),
                file_name="homeworking-deck.pptx",
                mime=formats.get("pptx").mime,
                icon=":material/slideshow:",
                on_click="ignore",
                type="primary",
                key="download-pptx",
            )
        else:
            st.warning("Image export unavailable: no Chromium found on the server, so there is no PowerPoint either.")
    st.button("Exit", icon=":material/close:", shortcut="Esc", on_click=leave, key="exit-presentation")
