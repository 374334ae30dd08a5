"""IMS QTI writing: a content package (zip) with one item per item, in QTI 2.1 or 3.0.

The platform's metadata (topic, reference, levels…) goes in each resource's ``<metadata>`` in
``imsmanifest.xml``, under its own namespace, where QTI tools ignore it.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from html.parser import HTMLParser
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

from questionnaire.banks.fields import without_controls
from questionnaire.banks.models import ItemType
from questionnaire.banks.validation import ParsedBank, ParsedItem
from questionnaire.exchange.items import METADATA_FIELDS
from questionnaire.exchange.qti import METADATA_NS
from questionnaire.exchange.qti_html import XML_SPACE
from questionnaire.richtext import ALLOWED_ATTRIBUTES

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI3_NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP3_NS = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
QTI3_SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_BLOCK_TAGS = {"p", "ul", "ol", "table"}
_VOID = {"br", "hr"}
# Elements of the XHTML subset keep their names in QTI 3.0; every other one gets ``qti-…``.
_XHTML = {"p", "div", "br", "hr", "em", "strong", "b", "i", "u", "sub", "sup", "span", "code"}
_XHTML |= {"ul", "ol", "li", "table", "caption", "thead", "tbody", "tr", "th", "td", "pre"}

register_namespace("qb", METADATA_NS)


class _XhtmlBuilder(HTMLParser):
    """Turn the platform's sanitised HTML subset into namespaced XHTML elements."""

    def __init__(self, parent: Element):
        super().__init__(convert_charrefs=True)
        self.stack = [parent]

    def _append_text(self, text: str) -> None:
        # XML cannot hold control characters: a text stored before the imports cleaned them
        # would make a package that no tool (nor this platform) can read back
        text = without_controls(text)
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    def handle_starttag(self, tag, attrs):
        # the few attributes the sanitiser keeps (a header's scope, a cell's colspan)
        allowed = ALLOWED_ATTRIBUTES.get(tag, set())
        element = SubElement(
            self.stack[-1], tag, {name: value or "" for name, value in attrs if name in allowed}
        )
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        SubElement(self.stack[-1], tag)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data):
        self._append_text(data)


def _xhtml(parent: Element, tag: str, html: str, **attrs: str) -> Element:
    element = SubElement(parent, tag, attrs)
    element.set(XML_SPACE, "preserve")
    builder = _XhtmlBuilder(element)
    builder.feed(html)
    builder.close()
    return element


def _q(tag: str) -> str:
    # Unqualified names and an explicit xmlns: ElementTree cannot combine a default namespace
    # with unqualified attributes.
    return tag


def item_xml(item: ParsedItem) -> bytes:
    """One QTI 2.1 ``assessmentItem``; the rationale is a modal feedback always shown."""
    return tostring(_item_tree(item), encoding="utf-8", xml_declaration=True)


def _item_tree(item: ParsedItem) -> Element:
    root = Element(
        _q("assessmentItem"),
        {
            f"{{{XSI_NS}}}schemaLocation": f"{QTI_NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1p2.xsd",
            "xmlns": QTI_NS,
            "identifier": item.id,
            "title": item.id,
            "adaptive": "false",
            "timeDependent": "false",
        },
    )
    multiple = item.type is ItemType.MULTIPLE
    declaration = SubElement(
        root,
        _q("responseDeclaration"),
        identifier="RESPONSE",
        cardinality="multiple" if multiple else "single",
        baseType="identifier",
    )
    correct = SubElement(declaration, _q("correctResponse"))
    for key in item.correct_keys:
        SubElement(correct, _q("value")).text = key
    SubElement(
        root, _q("outcomeDeclaration"), identifier="SCORE", cardinality="single", baseType="float"
    )
    SubElement(
        root,
        _q("outcomeDeclaration"),
        identifier="FEEDBACK",
        cardinality="single",
        baseType="identifier",
    )
    body = SubElement(root, _q("itemBody"))
    wrapper = "div" if any(f"<{tag}" in item.stem for tag in _BLOCK_TAGS) else "p"
    _xhtml(body, wrapper, item.stem)
    interaction = SubElement(
        body,
        _q("choiceInteraction"),
        responseIdentifier="RESPONSE",
        shuffle="true",
        maxChoices="0" if multiple else "1",
    )
    for option in item.options:
        _xhtml(interaction, "simpleChoice", option.text, identifier=option.key)
    _response_processing(root)
    if item.rationale:
        _xhtml(
            root,
            "modalFeedback",
            item.rationale,
            outcomeIdentifier="FEEDBACK",
            identifier="RATIONALE",
            showHide="show",
        )
    return root


def _kebab(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), name)


def _as_qti3(element: Element) -> None:
    """Rename a QTI 2.1 tree in place into QTI 3.0 (``qti-`` kebab-case names)."""
    if element.tag in _XHTML:
        for child in element:
            _as_qti3(child)
        return
    if element.tag == "modalFeedback":
        body = Element("contentBody")
        body.text, element.text = element.text, None
        body.extend(list(element))
        for child in list(element):
            element.remove(child)
        element.append(body)
    element.tag = f"qti-{_kebab(element.tag)}"
    for name in [name for name in element.attrib if not name.startswith("{")]:
        if name != "xmlns":
            element.attrib[_kebab(name)] = element.attrib.pop(name)
    for child in element:
        _as_qti3(child)


def item_xml_qti3(item: ParsedItem) -> bytes:
    """One QTI 3.0 ``qti-assessment-item``, the same content as the QTI 2.1 one."""
    root = _item_tree(item)
    _as_qti3(root)
    root.set("xmlns", QTI3_NS)
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI3_NS} {QTI3_SCHEMA}")
    return tostring(root, encoding="utf-8", xml_declaration=True)


def _response_processing(root: Element) -> None:
    """All or nothing: SCORE 1 on the exact key; FEEDBACK always shows the rationale."""
    processing = SubElement(root, _q("responseProcessing"))
    condition = SubElement(processing, _q("responseCondition"))
    if_branch = SubElement(condition, _q("responseIf"))
    match = SubElement(if_branch, _q("match"))
    SubElement(match, _q("variable"), identifier="RESPONSE")
    SubElement(match, _q("correct"), identifier="RESPONSE")
    for branch, score in ((if_branch, "1"), (SubElement(condition, _q("responseElse")), "0")):
        outcome = SubElement(branch, _q("setOutcomeValue"), identifier="SCORE")
        SubElement(outcome, _q("baseValue"), baseType="float").text = score
    feedback = SubElement(processing, _q("setOutcomeValue"), identifier="FEEDBACK")
    SubElement(feedback, _q("baseValue"), baseType="identifier").text = "RATIONALE"


def _manifest(bank: ParsedBank, hrefs: list[tuple[ParsedItem, str]], qti3: bool) -> bytes:
    root = Element(
        "manifest", {"xmlns": CP3_NS if qti3 else CP_NS, "identifier": f"MANIFEST-{bank.theme}"}
    )
    metadata = SubElement(root, "metadata")
    SubElement(metadata, "schema").text = "QTI Package" if qti3 else "QTIv2.1 Package"
    SubElement(metadata, "schemaversion").text = "3.0.0" if qti3 else "1.0.0"
    SubElement(root, "organizations")
    resources = SubElement(root, "resources")
    kind = "imsqti_item_xmlv3p0" if qti3 else "imsqti_item_xmlv2p1"
    for item, href in hrefs:
        resource = SubElement(
            resources, "resource", identifier=f"RES-{item.id}", type=kind, href=href
        )
        block = SubElement(SubElement(resource, "metadata"), f"{{{METADATA_NS}}}item")
        for name in METADATA_FIELDS:
            value = getattr(item, name)
            text = value.isoformat() if isinstance(value, date) else str(value)
            SubElement(block, f"{{{METADATA_NS}}}{name}").text = without_controls(text)
        SubElement(resource, "file", href=href)
    return tostring(root, encoding="utf-8", xml_declaration=True)


def _package(bank: ParsedBank, qti3: bool) -> bytes:
    buffer = io.BytesIO()
    hrefs = [(item, f"items/{item.id}.xml") for item in bank.items]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", _manifest(bank, hrefs, qti3))
        for item, href in hrefs:
            archive.writestr(href, item_xml_qti3(item) if qti3 else item_xml(item))
    return buffer.getvalue()


def write_qti(bank: ParsedBank) -> bytes:
    """A QTI 2.1 content package: ``imsmanifest.xml`` and ``items/<id>.xml``."""
    return _package(bank, qti3=False)


def write_qti3(bank: ParsedBank) -> bytes:
    """A QTI 3.0 content package, same layout."""
    return _package(bank, qti3=True)
