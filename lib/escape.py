"""Text from data, files and URLs, made safe for each place it is shown: one module, so no copy drifts.

Plotly labels render a subset of HTML, Streamlit messages render Markdown; in both, the
user's words must show exactly as typed, never as markup. (The PDF brief needs nothing
here: its text reaches Typst as JSON data, never as markup.)
"""

from __future__ import annotations

import html
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
