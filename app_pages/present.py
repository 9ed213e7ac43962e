"""Presentation mode: the user's own comparison as full-window slides, moved through with a clicker.

The deck is built from the pages' own URL keys, bound here too so that the address keeps them
while presenting: a prepared link (?present=1&sector=Education) opens straight into it. The
slide number, the slides' order and any edited headline are in the URL as well.
"""

import streamlit as st

import ui
from lib import compare, deck
from lib.charts import IMAGE_HEIGHT, IMAGE_WIDTH
from lib.data import KINDS

BAR_HEIGHT = 56  # px: the control bar under the slide
SLIDE_IMAGE = {"width": IMAGE_WIDTH, "height": IMAGE_HEIGHT, "scale": 1}

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

# 1/ Data and the pages' selections (the same keys and defaults, so links work both ways)
hw = ui.homeworking()
figures = ui.councils()
sectors = compare.categories(hw, "sector")
bands = compare.categories(hw, "age")
regions = hw[hw["breakdown"] == "region"].drop_duplicates("category").sort_values("order")["official_name"].tolist()
organisations = sorted(figures.loc[figures["kind"] != "national announcement", "organisation"].unique())
defaults = compare.DEFAULT_SELECTIONS

st.html(SLIDE_CSS)
stage = st.container(key="slide-stage")
bar = st.container(key="deck-bar", horizontal=True, vertical_alignment="center", gap="medium")
with bar:
    moves = st.container(horizontal=True, vertical_alignment="center", gap="small", width="content")
    tools = st.container(horizontal=True, vertical_alignment="center", gap="small", width="content")
with tools:
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
    left.selectbox("Your sector", sectors, index=sectors.index(defaults["sector"]), key="sector", bind="query-params")
    benchmarks = [defaults["benchmark"], compare.UK_OPTION, *[s for s in sectors if s != defaults["benchmark"]]]
    right.selectbox("Sector compared with", benchmarks, key="benchmark", bind="query-params")
    left.selectbox("Your age band", bands, index=bands.index(defaults["band"]), key="band", bind="query-params")
    right.selectbox("Age band compared with", [compare.UK_OPTION, *bands], key="vs", bind="query-params")
    left.multiselect(
        "Your region or nation",
        regions,
        key="region",
        bind="query-params",
        placeholder=defaults["region"],
        help="The region slide shows the first; the councils timeline keeps the organisations in all of them.",
    )
    right.selectbox("Region compared with", [compare.UK_OPTION, *regions], key="other", bind="query-params")
    left.multiselect(
        "Kinds of organisation",
        [k for k in KINDS if k != "national announcement"],
        key="kind",
        bind="query-params",
        placeholder="All kinds",
    )
    right.selectbox("Your organisation", organisations, index=None, key="org", bind="query-params", placeholder="None")
with slide_list:
    order = st.multiselect(
        "In order: sector, regularity, age, region, councils. Remove one to drop it; add it back to put it last.",
        list(deck.SLIDE_KEYS),
        default=list(deck.SLIDE_KEYS),
        key="deck",
        bind="query-params",
    )

# 2/ Moving between slides: buttons, arrow keys and a clicker's PageDown / PageUp
count = max(len(order), 1)
if st.session_state.get("slide", 1) > count:
    st.session_state["slide"] = count


def step(by: int) -> None:
    st.session_state["slide"] = min(max(st.session_state.get("slide", 1) + by, 1), count)


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


with moves:
    st.button("Previous", icon=":material/arrow_back:", shortcut="Left", on_click=step, args=(-1,), key="previous")
    number = st.segmented_control(
        "Slide", list(range(1, count + 1)), default=1, required=True, key="slide", bind="query-params"
    )
    st.button("Next", icon=":material/arrow_forward:", shortcut="Right", on_click=step, args=(1,), key="next")
    # A presentation clicker sends PageDown / PageUp; these answer it without taking space.
    st.button("Next slide", shortcut="PageDown", on_click=step, args=(1,), key="next-page")
    st.button("Previous slide", shortcut="PageUp", on_click=step, args=(-1,), key="previous-page")

# 3/ Headlines: every slide's is bound to the URL; the current one is edited first
selections = {key: st.session_state.get(key) for key in (*defaults, "kind", "org")}
takeaways = {s.key: s.takeaway for s in deck.build_deck(hw, figures, selections, order=order)}  # no figures drawn
headlines = {}
for i, key in enumerate(order, start=1):
    with this_slide if i == number else other_headlines:
        headlines[key] = st.text_input(
            f"Headline: {deck.SLIDE_NAMES[key]} (blank: the generated takeaway)",
            key=f"headline_{key}",
            bind="query-params",
            max_chars=deck.HEADLINE_MAX,
            placeholder=takeaways[key],
        )
if not order:
    with stage:
        st.info("Every slide is dropped: add one back under Edit deck.")
    st.stop()
slides = deck.build_deck(hw, figures, selections, order=order, headlines=headlines)
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
    st.caption(f"Speaker notes: {slide.notes}")

# 5/ Downloads, and the way out
exporter = ui.image_exporter()
with tools:
    with st.popover("Download", icon=":material/download:"):
        ui.image_downloads(slide.figure, f"homeworking-{slide.key}", size=SLIDE_IMAGE, label="This slide as ")
        if exporter.available:
            ui.download_button(
                "Download the deck as PowerPoint",
                data=lambda: deck.deck_pptx(slides, exporter.png),
                file_name="homeworking-deck.pptx",
                mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                icon=":material/slideshow:",
                on_click="ignore",
                type="primary",
                key="download-pptx",
            )
        else:
            st.warning("Image export unavailable: no Chromium found on the server, so there is no PowerPoint either.")
    st.button("Exit", icon=":material/close:", shortcut="Esc", on_click=leave, key="exit-presentation")
