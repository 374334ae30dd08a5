"""IMS QTI 2.x and 3.0 reading: ``choiceInteraction`` items, single files or content packages.

Element and attribute names are normalised so that QTI 3.0 (``qti-choice-interaction``,
``response-identifier``) reads like QTI 2.x (``choiceInteraction``, ``responseIdentifier``).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from datetime import date
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from questionnaire.banks.fields import id_problem
from questionnaire.banks.models import ItemType
from questionnaire.exchange.items import build_item, read_metadata, usable_id
from questionnaire.exchange.qti_html import Html, children, content, local_name
from questionnaire.exchange.report import ImportReport, ParseResult, SourceItem
from questionnaire.exchange.safety import ZIP_MAGIC, SafeZip, UnsafeArchive, check_size, parse_xml

METADATA_NS = "urn:questionnaire:exchange:1"


def _attr(element: Element, name: str, default: str | None = None) -> str | None:
    """An attribute by its QTI 2 name, or its QTI 3 kebab-case spelling."""
    kebab = re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), name)
    return element.get(name, element.get(kebab, default))


def _descendants(element: Element, name: str) -> list[Element]:
    return [child for child in element.iter() if local_name(child.tag) == name]


def _correct_ids(declaration: Element) -> list[str]:
    """The key: ``correctResponse``, else the choices a ``mapping`` rewards."""
    for correct in children(declaration, "correctResponse"):
        values = [(value.text or "").strip() for value in children(correct, "value")]
        if values:
            return values
    mapping = children(declaration, "mapping")
    if not mapping:
        return []
    values = {
        _attr(entry, "mapKey") or "": _number(_attr(entry, "mappedValue"))
        for entry in children(mapping[0], "mapEntry")
    }
    if _attr(declaration, "cardinality", "single") == "single":
        # one answer: the choice worth the most (others only earn partial credit)
        best = max(values.values(), default=0)
        return [key for key, value in values.items() if value == best and value > 0]
    return [key for key, value in values.items() if value > 0]


def _number(text: str | None) -> float:
    try:
        return float(text or 0)
    except ValueError:
        return 0.0


def parse_item_element(
    root: Element, location: str, raw_metadata: dict[str, str], today: date, report: ImportReport
) -> SourceItem | None:
    """One ``assessmentItem``; anything but a single choice interaction is skipped."""
    identifier = _attr(root, "identifier") or ""
    location = f"{location} ({identifier})" if identifier else location
    bodies = children(root, "itemBody")
    if _attr(root, "adaptive") == "true" or children(root, "templateDeclaration"):
        report.skip(
            location, "item adaptatif ou à variables de modèle : non pris en charge, ignoré."
        )
        return None
    interactions = [el for el in root.iter() if local_name(el.tag).endswith("Interaction")]
    others = sorted({local_name(el.tag) for el in interactions} - {"choiceInteraction"})
    if others:
        report.skip(
            location, f"interaction non prise en charge ({', '.join(others)}) : item ignoré."
        )
        return None
    if len(interactions) != 1 or not bodies:
        count = len(interactions)
        report.skip(
            location, f"{count} interaction(s) à choix : un item en a exactement une ; ignoré."
        )
        return None
    interaction = interactions[0]
    response_id = _attr(interaction, "responseIdentifier")
    declaration = next(
        (d for d in children(root, "responseDeclaration") if _attr(d, "identifier") == response_id),
        None,
    )
    if declaration is None:
        report.error(location, f"déclaration de réponse « {response_id} » introuvable.")
        return None
    cardinality = _attr(declaration, "cardinality", "single")
    if cardinality not in ("single", "multiple"):
        report.skip(location, f"cardinalité « {cardinality} » non prise en charge : item ignoré.")
        return None
    for stimulus in children(root, "assessmentStimulusRef"):
        name = _attr(stimulus, "title") or _attr(stimulus, "href") or _attr(stimulus, "identifier")
        report.warn(
            location,
            f"texte support partagé « {name} » non importé (l'énoncé peut y renvoyer) : "
            "à intégrer en relecture.",
        )
    if _attr(interaction, "shuffle") == "false":
        report.warn(
            location, "ordre des options imposé dans la source ; la plateforme peut les mélanger."
        )
    correct_ids = set(_correct_ids(declaration))
    if not correct_ids:
        report.skip(location, "aucune bonne réponse déclarée (item de sondage ?) : ignoré.")
        return None
    choices = children(interaction, "simpleChoice")
    identifiers = [_attr(choice, "identifier") for choice in choices]
    doubled = sorted({str(i) for i in identifiers if identifiers.count(i) > 1})
    if doubled:  # the key would mark every choice of that identifier right
        report.error(
            location,
            f"identifiant de choix en double : {', '.join(doubled)} ; chaque simpleChoice "
            "a le sien, que la bonne réponse désigne.",
        )
        return None
    unknown = correct_ids - set(identifiers)
    if unknown:
        report.error(location, f"bonne(s) réponse(s) inconnue(s) : {', '.join(sorted(unknown))}.")
        return None
    options, feedback_lines = [], []
    for index, choice in enumerate(choices):
        html = Html(location, report)
        options.append((content(html.inner(choice)), _attr(choice, "identifier") in correct_ids))
        feedback_lines += [f"{chr(ord('A') + index)} : {text}" for text in html.feedback if text]
    stem_html = Html(location, report, prompt_for=interaction)
    stem = content(stem_html.inner(bodies[0]))
    rationale = _rationale(
        root, [_attr(choice, "identifier") for choice in choices], report, location
    )
    metadata = read_metadata(raw_metadata, today, location, report)
    if metadata is None:
        return None
    item = build_item(
        location=location,
        item_id=usable_id(identifier),
        id_hint=identifier,
        item_type=ItemType.SINGLE if cardinality == "single" else ItemType.MULTIPLE,
        stem=stem,
        options=options,
        rationale="\n".join(filter(None, [rationale, *feedback_lines])),
        metadata=metadata,
        report=report,
    )
    if item is None:
        return None
    problem = id_problem(identifier) if identifier else None
    if problem is not None:  # QTI identifiers are free: a generated one replaces it, said here
        report.warn(
            location, f"{problem.removesuffix('.')} : l'item reçoit l'identifiant {item.id}."
        )
    return SourceItem(location, item)


def _rationale(
    root: Element, choice_ids: list[str | None], report: ImportReport, location: str
) -> str:
    """General modal feedback first, then feedback attached to one choice (``B : …``)."""
    general, per_choice = [], []
    for feedback in children(root, "modalFeedback"):
        text = content(Html(location, report).inner(feedback))
        identifier = _attr(feedback, "identifier")
        if identifier in choice_ids:
            per_choice.append(f"{chr(ord('A') + choice_ids.index(identifier))} : {text}")
        elif text:
            general.append((identifier, text))
    # several general messages (``correct`` / ``incorrect``) keep the name saying when each shows
    if len(general) > 1:
        lines = [f"{identifier} : {text}" if identifier else text for identifier, text in general]
    else:
        lines = [text for _, text in general]
    return "\n".join(lines + per_choice)


def _manifest_metadata(resource: Element) -> dict[str, str]:
    values: dict[str, str] = {}
    for block in children(resource, "metadata"):
        for element in block.iter(f"{{{METADATA_NS}}}item"):
            for field in element:
                values[local_name(field.tag)] = (field.text or "").strip()
    return values


def _manifest_name(names: set[str]) -> str | None:
    """``imsmanifest.xml`` at the root, or in the archive's only folder that has one."""
    if "imsmanifest.xml" in names:
        return "imsmanifest.xml"
    nested = [name for name in names if posixpath.basename(name) == "imsmanifest.xml"]
    return nested[0] if len(nested) == 1 else None


def _parse_package(data: bytes, source: str, today: date, report: ImportReport) -> list[SourceItem]:
    try:
        archive = SafeZip(data)
        manifest_name = _manifest_name(archive.names)
        if manifest_name is None:
            return _parse_loose_files(archive, source, today, report)
        base = posixpath.dirname(manifest_name)
        manifest = parse_xml(archive.read(manifest_name), f"{source}:{manifest_name}", report)
        if manifest is None:
            return []
        items: list[SourceItem] = []
        other_resources = 0
        for resource in _descendants(manifest, "resource"):
            kind = resource.get("type", "")
            files = children(resource, "file")
            href = resource.get("href") or (files[0].get("href", "") if files else "")
            location = f"{source}:{href or resource.get('identifier', '?')}"
            if kind.startswith("imsqti_test"):
                report.skip(location, "test QTI : seuls les items sont importés.")
                continue
            is_item = kind.startswith("imsqti") and "item" in kind and "v1" not in kind
            if kind.startswith("imsqti") and not is_item:
                report.skip(location, f"ressource « {kind} » (QTI 1.x ?) non prise en charge.")
                continue
            if not is_item:
                other_resources += 1
                continue
            # composed like the archive's names (safety.SafeZip)
            name = unicodedata.normalize(
                "NFC", posixpath.normpath(posixpath.join(base, unquote(href)))
            )
            name = _member(name, archive.names)
            if name is None:
                report.error(location, "fichier déclaré dans le manifeste mais absent du paquet.")
                continue
            item = _parse_single(
                archive.read(name), location, _manifest_metadata(resource), today, report
            )
            if item is not None:
                items.append(item)
        if other_resources:
            report.warn(
                source,
                f"{other_resources} ressource(s) du paquet qui ne sont pas des items "
                "(images, feuilles de style, médias) : non importée(s).",
            )
        return items
    except UnsafeArchive as exc:
        report.error(source, str(exc))
        return []


def _member(name: str, names: set[str]) -> str | None:
    """The archive's file ``name``, else its only file of that name in another case (a package
    put together on Windows, where « Items/Q1.XML » is « items/q1.xml »)."""
    if name in names:
        return name
    matches = [other for other in names if other.casefold() == name.casefold()]
    return matches[0] if len(matches) == 1 else None


def _parse_loose_files(
    archive: SafeZip, source: str, today: date, report: ImportReport
) -> list[SourceItem]:
    """A zip of item files without a manifest: every XML file whose root is an item."""
    items: list[SourceItem] = []
    for name in sorted(
        n for n in archive.names if n.lower().endswith(".xml") and not _is_mac_metadata(n)
    ):
        location = f"{source}:{name}"
        root = parse_xml(archive.read(name), location, report)
        if root is None:
            continue
        if local_name(root.tag) != "assessmentItem":
            report.skip(location, f"« {local_name(root.tag)} » n'est pas un item QTI : ignoré.")
            continue
        try:
            item = parse_item_element(root, location, {}, today, report)
        except RecursionError:
            report.error(location, "structure XML trop profonde.")
            continue
        if item is not None:
            items.append(item)
    if items or report.skipped or report.errors:
        report.warn(source, "archive sans imsmanifest.xml : ses fichiers XML ont été lus un à un.")
    else:
        report.error(source, "paquet QTI sans imsmanifest.xml ni item QTI.")
    return items


def _is_mac_metadata(name: str) -> bool:
    """The resource twins macOS adds to a zip (« __MACOSX/…/._q1.xml »): not the author's files."""
    return name.startswith("__MACOSX/") or posixpath.basename(name).startswith("._")


def _parse_single(
    data: bytes, location: str, metadata: dict[str, str], today: date, report: ImportReport
) -> SourceItem | None:
    root = parse_xml(data, location, report)
    if root is None:
        return None
    if local_name(root.tag) == "questestinterop":
        report.error(
            location, "QTI 1.x (questestinterop) non pris en charge : exportez en QTI 2.1 ou 3.0."
        )
        return None
    if local_name(root.tag) != "assessmentItem":
        report.error(
            location, f"élément racine « {local_name(root.tag)} » : un assessmentItem est attendu."
        )
        return None
    try:
        return parse_item_element(root, location, metadata, today, report)
    except RecursionError:
        report.error(location, "structure XML trop profonde.")
        return None


def parse_qti(data: bytes, source: str, today: date) -> ParseResult:
    """A QTI item file or a content package (zip with ``imsmanifest.xml``)."""
    report = ImportReport(source)
    if not check_size(data, source, report):
        return ParseResult([], report)
    if data.startswith(ZIP_MAGIC):
        return ParseResult(_parse_package(data, source, today, report), report)
    item = _parse_single(data, source, {}, today, report)
    return ParseResult([item] if item else [], report)
