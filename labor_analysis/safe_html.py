"""Text from the data made safe for the HTML and Markdown the package writes: escaped as text, links http(s) only.

Every value of a data file that reaches a page (the chart gallery, the notebook reports) goes through one of
these functions at the point where it meets HTML or Markdown, so a facility named
`<script>alert(1)</script>` or a source whose url is `javascript:alert(1)` shows as the text it is.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

#: The only link targets a page gets; anything else (javascript:, vbscript:, data:, file:, relative) is shown as text.
SAFE_SCHEMES = ("http", "https")

#: Characters that start Markdown anywhere in a line: escapes, code, emphasis, links and images (no `[`, no link),
#: GitHub tables and strikethrough, Jupyter's `$` math.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]|~$])")
#: What starts a block only at the beginning of a line: heading, list item, numbered item, setext underline.
_BLOCK_START = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))")
#: HTML metacharacters, written as entities: a Markdown renderer passes entities through as text.
_HTML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_HTML_SPECIALS = re.compile("[&<>]")
#: Line breaks and other control characters: in Markdown a new line can start a heading, a list or raw HTML.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def escape_html(text: object) -> str:
    """`text` as HTML text or a quoted attribute value: `&`, `<`, `>`, `"` and `'` become entities."""
    return html.escape(str(text), quote=True)


def escape_markdown(text: object) -> str:
    """`text` as literal Markdown text: no emphasis, code, link, image, heading, list, math or raw HTML can start in it.

    HTML metacharacters become entities and Markdown punctuation gets a backslash, so any CommonMark renderer
    (nbconvert's mistune, JupyterLab's) shows the characters themselves. Line breaks become spaces.
    """
    flat = _CONTROL.sub(" ", str(text))
    escaped = _BLOCK_START.sub(_escape_block_start, _MARKDOWN_SPECIALS.sub(r"\\\1", flat))
    return _HTML_SPECIALS.sub(lambda m: _HTML_ENTITIES[m.group()], escaped)


def _escape_block_start(match: re.Match[str]) -> str:
    """A backslash before a leading `#`, `+`, `=` or `-`, or before the `.`/`)` after a leading number."""
    space, mark = match.groups()
    return f"{space}\\{mark}" if not mark[0].isdigit() else f"{space}{mark}\\"


def safe_href(url: object) -> str | None:
    """`url` when it is an absolute http or https address a browser reads the same way; None otherwise.

    Rejects whitespace and control characters anywhere (browsers drop some of them, so `java\\tscript:` would
    run), and addresses without a host. The caller still escapes the result for its attribute.
    """
    text = "" if url is None else str(url)
    if not text or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.hostname:
        return None
    return text


def html_link(url: object, text: object) -> str:
    """`<a href="url">text</a>` when `url` is a safe http(s) address, else `text` alone; both escaped."""
    href = safe_href(url)
    label = escape_html(text)
    return f'<a href="{escape_html(href)}">{label}</a>' if href else label


def markdown_link(url: object, text: object) -> str:
    """`[text](url)` when `url` is a safe http(s) address, else `text` alone; the text escaped for Markdown.

    The address goes between angle brackets with its `<`, `>` and spaces impossible (safe_href refuses
    whitespace; `<` and `>` are percent-encoded), so nothing in it can end the link early.
    """
    href = safe_href(url)
    label = escape_markdown(text)
    if not href:
        return label
    target = href.replace("<", "%3C").replace(">", "%3E").replace("\\", "%5C")
    return f"[{label}](<{target}>)"
