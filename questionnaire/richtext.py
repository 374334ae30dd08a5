"""The safe formatting subset for item text, sanitised by nh3."""

from __future__ import annotations

import html
import re

import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "em",
    "strong",
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"th": {"scope"}, "td": {"colspan"}}
_BLOCK = re.compile(r"<(p|ul|ol|table)\b", re.IGNORECASE)


def sanitise(text: str) -> str:
    """Keep only the allowed subset; scripts, handlers and links are removed."""
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=None,
        strip_comments=True,
    ).strip()


def render(text: str) -> Markup:
    """HTML for display: sanitised, plain line breaks kept."""
    clean = sanitise(text)
    if not _BLOCK.search(clean):
        paragraphs = [p.replace("\n", "<br>") for p in re.split(r"\n\s*\n", clean) if p.strip()]
        clean = "".join(f"<p>{p}</p>" for p in paragraphs)
    return Markup(clean)


def editable(text: str) -> str:
    """Stored (sanitised) text as its author typed it: « &amp; », « &lt; », « &nbsp; » that the
    sanitiser wrote become « & », « < » and a non-breaking space again, for the editor's text
    areas. Kept as stored when that would change what is shown: « &lt;em&gt; » typed to show
    the tag itself would become emphasis on the next save."""
    if "&" not in text:
        return text
    typed = html.unescape(text)
    return typed if sanitise(typed) == sanitise(text) else text


def plain(text: str) -> str:
    """Text without any markup (for JSON clients that render text themselves)."""
    return nh3.clean(text, tags=set()).strip()


#: Tags that end a line or a cell of a text: its words are kept apart from the next ones.
_BREAK = re.compile(r"<(?=/?(?:p|br|li|ul|ol|table|caption|tr|th|td)\b)", re.IGNORECASE)


def one_line(text: str) -> str:
    """The text a reader sees, on one line: without its formatting tags and entities
    (« <strong>PEA</strong> », « &amp; »), paragraphs, list items and cells kept apart."""
    return " ".join(html.unescape(plain(_BREAK.sub(" <", text))).split())


def has_blocks(text: str) -> bool:
    """Whether the text carries block markup (lists, tables), which cannot sit in a legend."""
    return bool(_BLOCK.search(sanitise(text)))


# where a block ends, a label goes on a new line (a cell: a space), or its words would run on
_BLOCK_END = re.compile(r"</(?:p|li|tr|caption|ul|ol|table)\s*>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]\s*>", re.IGNORECASE)


def render_inline(text: str) -> Markup:
    """Phrasing-only HTML (for a legend or a label): line breaks become <br>, and so do the
    ends of paragraphs, list items and table rows, whose tags a label cannot hold."""
    text = _CELL_END.sub(" ", _BLOCK_END.sub("\n", sanitise(text)))
    clean = nh3.clean(text, tags={"em", "strong", "br"}, strip_comments=True).strip()
    return Markup(re.sub(r"\s*\n\s*", "<br>", clean))
