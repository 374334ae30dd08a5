"""Rules shared by every format: identifiers, metadata defaults, option and key checks."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

from questionnaire.banks.fields import (
    EMPTIED,
    ID_MAX_LENGTH,
    ITEM_ID,
    competency_problem,
    length_problem,
    one_line,
    shows_text,
    without_controls,
)
from questionnaire.banks.models import CognitiveLevel, Difficulty, ItemType, Volatility
from questionnaire.banks.validation import ParsedItem, ParsedOption
from questionnaire.csvfiles import UndecodableFile, decode_spreadsheet_text
from questionnaire.exchange.report import ImportReport

# Fields an external file may carry besides the question itself (names as in the YAML banks).
METADATA_FIELDS = (
    "topic",
    "competency",
    "reference",
    "cognitive_level",
    "difficulty",
    "valid_as_of",
    "volatility",
)
DEFAULTS = {
    "cognitive_level": CognitiveLevel.CONNAISSANCE,
    "difficulty": Difficulty.MOYEN,
    "volatility": Volatility.STABLE,
}
ENUMS = {"cognitive_level": CognitiveLevel, "difficulty": Difficulty, "volatility": Volatility}
MAX_OPTIONS = 10
BANK_MIN_OPTIONS, BANK_MAX_OPTIONS = 3, 5
OPTION_LETTERS = "ABCDEFGHIJ"
# GIFT titles are free text; only a bank-style id (``FISC-0001``) is taken as the item id.
_BANK_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")
_DATE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_PARAGRAPH = re.compile(r"^<p(?:\s[^>]*)?>(.*)</p>$", re.DOTALL)


def unwrap_paragraph(text: str) -> str:
    """``<p>Paris</p>`` → ``Paris``: an option is a label, where a paragraph is out of place."""
    text = text.strip()
    match = _PARAGRAPH.match(text)
    if match and not re.search(r"</?p[\s>]", match.group(1)):
        return match.group(1).strip()
    return text


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def generated_id(*parts: str) -> str:
    """A stable id for an item whose file has none, so that re-importing finds the same item."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"IMP-{digest[:10].upper()}"


def usable_id(candidate: str | None, *, bank_style: bool = False) -> str | None:
    """``candidate`` if it can serve as an item id, else None."""
    candidate = (candidate or "").strip()
    pattern = _BANK_ID if bank_style else ITEM_ID
    if len(candidate) <= ID_MAX_LENGTH and pattern.match(candidate):
        return candidate
    return None


def read_metadata(
    raw: dict[str, str], today: date, location: str, report: ImportReport
) -> dict | None:
    """Convert textual metadata and apply the documented defaults; None if a value is invalid."""
    # one-line fields (the editor's, and GIFT's ``// @`` comments): inner line breaks are spaces
    values: dict = {name: one_line(raw.get(name) or "") for name in METADATA_FIELDS}
    ok = True
    for name, enum_cls in ENUMS.items():
        text = values[name]
        if not text:
            values[name] = DEFAULTS[name]
            report.defaults[name] += 1
            continue
        try:  # « Récente » as the interface writes it: case and accents ignored
            values[name] = enum_cls(_without_accents(text.casefold()))
        except ValueError:
            allowed = ", ".join(member.value for member in enum_cls)
            report.error(location, f"« {name} » vaut « {text} » ; valeurs admises : {allowed}.")
            ok = False
    problem = competency_problem(values["competency"])
    if problem is not None:
        report.error(location, problem)
        ok = False
    text = values["valid_as_of"]
    if not text:
        values["valid_as_of"] = today
        report.defaults["valid_as_of"] += 1
    else:
        # a date, or a date and its time (as a spreadsheet or a database writes them); a date
        # followed by anything else is a typo, never cut off unseen
        try:
            values["valid_as_of"] = _date(text)
        except ValueError:
            report.error(
                location,
                f"« valid_as_of » vaut « {text} » ; attendu : AAAA-MM-JJ ou JJ/MM/AAAA.",
            )
            ok = False
    return values if ok else None


def _date(text: str) -> date:
    """``2026-02-20``, or ``20/02/2026`` as a French spreadsheet saves it; a time may follow."""
    match = _DATE.match(text)
    if match:
        return date.fromisoformat(match.group(1))
    match = _FRENCH_DATE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    raise ValueError(text)


def build_item(
    *,
    location: str,
    item_id: str | None,
    id_hint: str = "",
    item_type: ItemType | None,
    stem: str,
    options: list[tuple[str, bool]],
    rationale: str,
    metadata: dict,
    report: ImportReport,
) -> ParsedItem | None:
    """The checks every format shares; None when the item is an error or is skipped.

    Without ``item_id``, the id is derived from the content (and ``id_hint``, e.g. a title).
    """
    stem = without_controls(stem).strip()
    options = [(without_controls(text), correct) for text, correct in options]
    rationale = without_controls(rationale)
    if not stem:
        report.error(location, "énoncé vide.")
        return None
    if not shows_text(stem):
        report.error(location, f"énoncé {EMPTIED}.")
        return None
    if len(options) > MAX_OPTIONS:
        report.skip(location, f"{len(options)} options : {MAX_OPTIONS} au plus sont importables.")
        return None
    if len(options) < 2:
        report.error(location, "il faut au moins deux options.")
        return None
    blank = [
        f"option {OPTION_LETTERS[index]} : texte " + ("vide" if not text.strip() else EMPTIED)
        for index, (text, _) in enumerate(options)
        if not shows_text(text)
    ]
    if blank:
        report.error(location, " ; ".join(blank) + ".")
        return None
    problems = [
        length_problem("stem", stem),
        *(
            length_problem("option", text.strip(), OPTION_LETTERS[index])
            for index, (text, _) in enumerate(options)
        ),
        length_problem("rationale", rationale.strip()),
        length_problem("reference", metadata["reference"]),
    ]
    if any(problems):
        report.error(location, " ; ".join(filter(None, problems)) + ".")
        return None
    if item_id is None:
        flags = [f"{'=' if correct else '~'}{text}" for text, correct in options]
        item_id = generated_id(id_hint, stem, *flags, rationale)
    n_correct = sum(correct for _, correct in options)
    if n_correct == 0:
        report.error(location, "aucune bonne réponse n'est indiquée.")
        return None
    if n_correct == len(options):
        report.skip(location, "toutes les options sont justes : item non importable.")
        return None
    if item_type is ItemType.SINGLE and n_correct > 1:
        report.error(location, f"réponse unique mais {n_correct} bonnes réponses indiquées.")
        return None
    if item_type is ItemType.MULTIPLE and n_correct == 1:
        report.warn(
            location, "réponses multiples avec une seule bonne réponse : importé en réponse unique."
        )
    item_type = ItemType.SINGLE if n_correct == 1 else ItemType.MULTIPLE
    if not BANK_MIN_OPTIONS <= len(options) <= BANK_MAX_OPTIONS:
        report.warn(
            location,
            f"{len(options)} options : une banque en demande {BANK_MIN_OPTIONS} à "
            f"{BANK_MAX_OPTIONS} ; à corriger en relecture.",
        )
    if not shows_text(rationale):
        report.warn(location, "justification absente : à rédiger avant publication.")
    if not metadata["reference"]:
        report.warn(location, "référence absente : à compléter avant publication.")
    return ParsedItem(
        id=item_id,
        topic=metadata["topic"],
        competency=metadata["competency"],
        type=item_type,
        stem=stem,
        options=[
            ParsedOption(OPTION_LETTERS[index], unwrap_paragraph(text), correct)
            for index, (text, correct) in enumerate(options)
        ],
        rationale=rationale.strip(),
        reference=metadata["reference"],
        cognitive_level=metadata["cognitive_level"],
        difficulty=metadata["difficulty"],
        valid_as_of=metadata["valid_as_of"],
        volatility=metadata["volatility"],
    )


def decode_text(data: bytes, source: str, report: ImportReport) -> str | None:
    """The file's text (``decode_spreadsheet_text``), its warning or error in the report."""
    try:
        text, warning = decode_spreadsheet_text(data)
    except UndecodableFile as exc:
        report.error(source, str(exc))
        return None
    if warning:
        report.warn(source, warning)
    return text
