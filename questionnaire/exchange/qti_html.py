"""QTI XHTML content (an item's body, prompt, choices, feedback) as the platform's HTML subset.

Element names are normalised so that QTI 3.0 (``qti-choice-interaction``) reads like QTI 2.x
(``choiceInteraction``); the HTML written here is then sanitised by nh3 as any item text.
"""

from __future__ import annotations

import re
from html import escape
from xml.etree.ElementTree import Element

from questionnaire.exchange.report import ImportReport
from questionnaire.richtext import ALLOWED_ATTRIBUTES

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_DROPPED = {"feedbackInline", "feedbackBlock", "templateBlock", "templateInline", "rubricBlock"}
# code, not text: written out, a script or a style sheet would show as words in the question
_CODE = {"script", "style"}
_VOID = {"br", "hr"}
_TABLE = frozenset({"table", "caption", "thead", "tbody", "tr", "th", "td"})
_HTML_BLOCK = frozenset({"p", "div", "ul", "ol", "li", "blockquote", "pre"}) | _TABLE
_HEADING = frozenset(f"h{level}" for level in range(1, 7))
_HTML_BLOCK |= _HEADING
_HAS_BLOCK = re.compile(r"<(?:p|div|ul|ol|li|table|blockquote|pre)>")
_HTML_INLINE = frozenset(["em", "strong", "b", "i", "u", "sub", "sup", "span", "code"])
# QTI containers laid out as blocks but not written out as HTML
_QTI_BLOCK = frozenset({"prompt", "simpleChoice", "contentBody", "choiceInteraction"})
_BLOCK = _HTML_BLOCK | _QTI_BLOCK
_HTML = _HTML_BLOCK | _HTML_INLINE
_WRAPPER = re.compile(r"^<(p|div)>(.*)</\1>$", re.DOTALL)


def local_name(tag: object) -> str:
    """``{ns}qti-choice-interaction`` → ``choiceInteraction``; ``{ns}itemBody`` → ``itemBody``."""
    name = str(tag).rsplit("}", 1)[-1]
    if name.startswith("qti-"):
        first, *rest = name[4:].split("-")
        name = first + "".join(part.capitalize() for part in rest)
    return name


def children(element: Element, name: str) -> list[Element]:
    """``element``'s children named ``name`` (QTI 2 or 3 spelling)."""
    return [child for child in element if local_name(child.tag) == name]


class Html:
    """Serialise QTI XHTML content as the platform's HTML subset (later sanitised by nh3).

    Layout whitespace is collapsed unless ``xml:space="preserve"`` says it is content.
    """

    def __init__(self, location: str, report: ImportReport, prompt_for: Element | None = None):
        self.location, self.report, self.interaction = location, report, prompt_for
        self.feedback: list[str] = []

    def inner(self, element: Element, preserve: bool = False) -> str:
        preserve = preserve or element.get(XML_SPACE) == "preserve"
        nodes = list(element)
        texts = [element.text] + [child.tail for child in nodes]
        parts = []
        for index, text in enumerate(texts):
            text = text or ""
            if not preserve:
                text = re.sub(r"\s+", " ", text)
                before = nodes[index - 1] if index > 0 else None
                after = nodes[index] if index < len(nodes) else None
                if not text.strip() and not (_is_inline(before) and _is_inline(after)):
                    text = ""
            parts.append(escape(text, quote=False))
            if index < len(nodes):
                parts.append(self.node(nodes[index], preserve))
        return "".join(parts)

    def node(self, element: Element, preserve: bool) -> str:
        name = local_name(element.tag)
        if element is self.interaction:
            prompts = [self.inner(p, preserve).strip() for p in children(element, "prompt")]
            return "".join(
                text if re.search(r"<(p|div|ul|ol|table)>", text) else f"<p>{text}</p>"
                for text in prompts
            )
        if name == "feedbackInline":
            self.feedback.append(self.inner(element).strip())
            return ""
        if name in _DROPPED or name in _CODE:
            return ""
        if name == "img":
            self.report.warn(
                self.location, "image non importée : son texte alternatif est conservé."
            )
            alt = " ".join((element.get("alt") or "").split())
            return escape(f"[image : {alt}]" if alt else "[image]", quote=False)
        if name in _VOID:
            return f"<{name}>"
        inner = self.inner(element, preserve)
        if name in _BLOCK and not preserve:
            inner = inner.strip()
        # the sanitiser keeps neither headings nor divs: give their text a paragraph of its
        # own, or it would run into the next block ("Question" + "What…" → "QuestionWhat…")
        if name in _HEADING:
            return f"<p><strong>{inner}</strong></p>" if inner else ""
        if name == "div" and not _HAS_BLOCK.search(inner):
            return f"<p>{inner}</p>" if inner else ""
        return f"<{name}{_attributes(element, name)}>{inner}</{name}>" if name in _HTML else inner


def _attributes(element: Element, name: str) -> str:
    """The attributes the sanitiser would keep (a header's scope, a cell's colspan)."""
    return "".join(
        f' {attribute}="{escape(element.get(attribute), quote=True)}"'
        for attribute in sorted(ALLOWED_ATTRIBUTES.get(name, ()))
        if element.get(attribute) is not None
    )


def _is_inline(element: Element | None) -> bool:
    return element is not None and local_name(element.tag) not in _BLOCK


def content(html: str) -> str:
    """Trim, and drop the single ``<p>`` or ``<div>`` that wraps a whole text."""
    html = html.strip()
    match = _WRAPPER.match(html)
    if match and not re.search(rf"</?{match.group(1)}[ >]", match.group(2)):
        return match.group(2)
    return html
