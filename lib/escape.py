"""Text from data, files and URLs, made safe for each place it is shown: one module, so no copy drifts.

Every text that comes from a file or a URL passes through one of these on its way into markup:
`for_plotly` (chart labels, a subset of HTML), `for_markdown` (Streamlit's messages), `for_html`
(an HTML page or attribute), `for_xml` (PowerPoint's XML), `for_typst` (the brief's JSON data,
which Typst reads as data, never as markup), `for_script_json` (JSON inside a page's <script>) and
`for_bibtex` (a citation's fields). All of them first `clean` the text: characters XML
forbids (which python-pptx refuses, and which no one types) and the bidirectional controls that
could turn the rest of a line around are dropped, so the person's words show exactly as typed and
nothing else. `shorten` cuts a label to a length a chart can draw; the full text stays in the
hover and the table.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence

# XML 1.0 allows tab, line feed, carriage return and everything from U+0020 except surrogates, U+FFFE and U+FFFF.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI): one unclosed RLO in a
# label would show the rest of a title, a source line or a sentence backwards.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
MARKDOWN_MARKS = re.compile(r"([\\`*_\[\]<>|~$#])")  # emphasis, code, links, HTML, tables, maths, headings
DIRECTIVE = re.compile(r":(?=[A-Za-z0-9/])")  # :red[…], :material/icon:, :emoji:
# GitHub-flavoured Markdown turns http://…, www.… and name@host.… into links after parsing, in the text that
# escapes leave behind, so a backslash cannot stop it: a word joiner (U+2060, invisible) breaks each pattern.
WORD_JOINER = "\u2060"
AUTOLINKS = re.compile(r"(?i)(://)|\b(www)(\.)|(@)(?=[\w-])")
LINE_MARKER = re.compile(r"(?m)^(\s*)(?:([-+=])|(\d+)([.)]))")  # a list item or a setext heading line
ELLIPSIS = "…"


def has_forbidden(text: str) -> bool:
    """Whether `text` holds a character XML forbids (the API refuses such a value, naming its key)."""
    return XML_FORBIDDEN.search(text) is not None


def clean(text: object) -> str:
    """The text without the characters XML forbids and without bidirectional controls."""
    return BIDI_CONTROLS.sub("", XML_FORBIDDEN.sub("", str(text)))


def shorten(text: object, limit: int) -> str:
    """At most `limit` characters: a longer text is cut at a word where it can be and ends with '…'."""
    text = str(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + ELLIPSIS


def for_plotly(text: object) -> str:
    """Chart titles, labels, legends and hover text: '<', '>' and '&' shown as typed."""
    return html.escape(clean(text), quote=False)


def for_html(text: object) -> str:
    """An HTML page's text or a quoted attribute's value: '<', '>', '&' and both quotes as entities."""
    return html.escape(clean(text), quote=True)


def for_xml(text: object) -> str:
    """Text for an XML writer that escapes markup itself (python-pptx): only what XML cannot hold is dropped."""
    return clean(text)


def for_typst(value: object, limit: int | None = None) -> object:
    """The brief's data, every string in it cleaned (and, with `limit`, shortened): Typst reads it as JSON data,
    never as markup."""
    if isinstance(value, str):
        return shorten(clean(value), limit) if limit else clean(value)
    if isinstance(value, Mapping):
        return {key: for_typst(item, limit) for key, item in value.items()}
    if isinstance(value, Sequence):
        return [for_typst(item, limit) for item in value]
    return value


def for_markdown(text: object) -> str:
    """Streamlit's Markdown (headers, messages, captions): every mark Markdown could act on escaped.

    Markdown turns brackets into links and images, colons into colours, stars into emphasis and
    addresses into links; text from a file or a URL must show exactly as typed, never as formatting
    (an address keeps an invisible word joiner, so it is not a link).
    Punctuation that only means something in those places (a full stop, a bracket) is left
    alone, so the figures' own sentences read the same in the page's source as on screen.
    """
    unlinked = AUTOLINKS.sub(_join_link, MARKDOWN_MARKS.sub(r"\\\1", clean(text)))
    escaped = DIRECTIVE.sub(r"\\:", unlinked)
    return LINE_MARKER.sub(lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[1]}{m[3]}\\{m[4]}", escaped)


def _join_link(found: re.Match) -> str:
    """'://' → ':⁠//', 'www.' → 'www⁠.', '@host' → '@⁠host' (a word joiner between, invisible)."""
    if found[1]:
        return f":{WORD_JOINER}//"
    if found[2]:
        return f"{found[2]}{WORD_JOINER}."
    return f"@{WORD_JOINER}"


def strip_bold(label: str) -> str:
    """A chart label without the <b> tags the chart vocabulary adds (for measuring its width)."""
    return label.replace("<b>", "").replace("</b>", "")


SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def for_script_json(value: object) -> str:
    """JSON to sit inside an HTML <script> element: no '</script>', '<!--' or line separator can end it early.

    `value` is JSON-ready data, or JSON text already made (Plotly's figure.to_json()); in JSON, these
    characters only occur inside strings, where their \\u escapes read back the same.
    """
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: SCRIPT_UNSAFE[m[0]], text)


BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}


def for_bibtex(text: str) -> str:
    """A BibTeX field's text: the characters TeX acts on shown as typed (braces stay balanced)."""
    return re.sub(r"[\\{}%&#$_^~]", lambda m: BIBTEX_SPECIAL[m[0]], clean(text))


def for_bibtex_url(url: str) -> str:
    """A BibTeX `url` field, which the url package reads verbatim: only braces, backslashes and spaces (which
    would end or break the field) are percent-encoded."""
    return re.sub(r"[{}\\\s]", lambda m: f"%{ord(m[0]):02X}", str(url))
