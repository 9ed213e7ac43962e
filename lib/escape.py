"""Text from data, files and URLs, made safe for each place it is shown: one module, so no copy drifts.

Plotly labels render a subset of HTML, Streamlit messages render Markdown, the static page is
HTML, a citation is BibTeX; in each, the words must show exactly as typed, never as markup.
(The PDF brief needs nothing here: its text reaches Typst as JSON data, never as markup.)
"""

from __future__ import annotations

import html
import json
import re

MARKDOWN_MARKS = re.compile(r"([\\`*_\[\]<>|~$#])")  # emphasis, code, links, HTML, tables, maths, headings
DIRECTIVE = re.compile(r":(?=[A-Za-z0-9/])")  # :red[…], :material/icon:, :emoji: and http:// (an autolink)
WWW = re.compile(r"(?i)\b(www)\.")  # www.example.org becomes a link in GitHub-flavoured Markdown
LINE_MARKER = re.compile(r"(?m)^(\s*)(?:([-+=])|(\d+)([.)]))")  # a list item or a setext heading line


def for_plotly(text: object) -> str:
    """Chart titles, labels, legends and hover text: '<', '>' and '&' shown as typed."""
    return html.escape(str(text), quote=False)


def for_markdown(text: object) -> str:
    """Streamlit's Markdown (headers, messages, captions): every mark Markdown could act on escaped.

    Markdown turns brackets into links and images, colons into colours and stars into
    emphasis; text from a file or a URL must show exactly as typed, never as formatting.
    Punctuation that only means something in those places (a full stop, a bracket) is left
    alone, so the figures' own sentences read the same in the page's source as on screen.
    """
    escaped = WWW.sub(r"\1\\.", DIRECTIVE.sub(r"\\:", MARKDOWN_MARKS.sub(r"\\\1", str(text))))
    return LINE_MARKER.sub(lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[1]}{m[3]}\\{m[4]}", escaped)


def strip_bold(label: str) -> str:
    """A chart label without the <b> tags the chart vocabulary adds (for measuring its width)."""
    return label.replace("<b>", "").replace("</b>", "")


def for_html(text: str) -> str:
    """Text and attribute values of an HTML page: '<', '>', '&' and both quotes shown as typed."""
    return html.escape(str(text), quote=True)


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
    return re.sub(r"[\\{}%&#$_^~]", lambda m: BIBTEX_SPECIAL[m[0]], str(text))


def for_bibtex_url(url: str) -> str:
    """A BibTeX `url` field, which the url package reads verbatim: only braces, backslashes and spaces (which
    would end or break the field) are percent-encoded."""
    return re.sub(r"[{}\\\s]", lambda m: f"%{ord(m[0]):02X}", str(url))
