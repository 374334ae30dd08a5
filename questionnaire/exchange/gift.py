"""Moodle GIFT: multiple choice (single, weighted multiple), true/false; other types skipped.

Metadata that GIFT lacks (and the item id) travels in line comments just before a question
(``// @reference: Art. 197 CGI``); Moodle ignores comments, so the file stays valid GIFT.
"""

from __future__ import annotations

import re
from datetime import date

from markdown_it import MarkdownIt

from questionnaire.banks.fields import id_problem
from questionnaire.banks.models import ItemType
from questionnaire.banks.validation import ParsedBank
from questionnaire.exchange.gift_syntax import (
    Block,
    Malformed,
    answer_braces,
    check_after,
    cut_blocks,
    question_name,
    read_title,
    restore,
    unescape,
)
from questionnaire.exchange.items import (
    METADATA_FIELDS,
    OPTION_LETTERS,
    build_item,
    decode_text,
    read_metadata,
    usable_id,
)
from questionnaire.exchange.report import ImportReport, ParseResult, SourceItem
from questionnaire.exchange.safety import check_size

_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
# raw HTML stays disabled in Markdown: only what Markdown itself writes reaches the sanitiser
_MARKDOWN = MarkdownIt("commonmark", {"html": False})
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
# what an author means as a weight but Moodle would read as text (« %33,3% », « %50 % »)
_LOOSE_WEIGHT = re.compile(r"^%[^%\n]{0,12}%")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_UNSUPPORTED = {
    "essay": "question ouverte (essay)",
    "numerical": "question numérique",
    "matching": "question d'appariement (matching)",
    "shortanswer": "question à réponse courte",
    "description": "description sans question",
}


def _kind(answers: str) -> str:
    """The question type, tested in Moodle's order: a ``~`` makes a multiple choice, even
    when an answer reads « A -> B » (only a matching question has ``=`` and ``->`` alone)."""
    if not answers:
        return "essay"
    if answers.startswith("#"):
        return "numerical"
    if "~" in answers:
        return "multichoice"
    if "=" in answers and "->" in answers:
        return "matching"
    if answers.split("#", 1)[0].strip().upper() in _TRUE_FALSE:
        return "truefalse"
    return "shortanswer"


class _Text:
    """Turns a piece of a question into the platform's HTML, by the question's text format.

    ``[markdown]`` is rendered; a piece may carry its own ``[html]``-style marker, which is dropped.
    """

    def __init__(self, markup: str):
        self.markup = markup

    def __call__(self, text: str) -> str:
        match = _FORMAT.match(text)
        markup = match.group(1).lower() if match else self.markup
        text = restore(_FORMAT.sub("", text, count=1))
        if markup == "markdown" and text:
            html = _MARKDOWN.render(text).strip()
            # a lone paragraph is the text itself (an option is a label, not a paragraph)
            inner = html.removeprefix("<p>").removesuffix("</p>")
            return inner if "<p>" not in inner else html
        return text


def _feedback(text: str, convert: _Text, where: str, location: str, report: ImportReport) -> str:
    """The comment after an answer's first ``#``; a ``#`` with nothing after it is reported."""
    if not text.strip():
        report.warn(location, f"{where} : « # » sans commentaire à sa suite, ignoré.")
        return ""
    # Moodle keeps any further « # » in the comment; they separate nothing
    return " ".join(filter(None, (convert(part) for part in text.split("#"))))


def _parse_block(block: Block, today: date, report: ImportReport) -> SourceItem | None:
    location = f"ligne {block.line}"
    text = unescape(block.text)
    try:
        title, start = read_title(block, text)
        braces = answer_braces(block, text, start, title)
        if braces is not None:
            check_after(block, text, braces[1], title or question_name(text[start : braces[0]]))
    except Malformed as problem:
        report.error(f"ligne {problem.line}", problem.message)
        return None
    if braces is None:
        report.skip(location, f"{_UNSUPPORTED['description']} : ignorée.")
        return None
    open_at, close_at = braces
    fmt = _FORMAT.match(text[start:])
    convert = _Text(fmt.group(1).lower() if fmt else "moodle")
    # the stem keeps its format marker, which ``convert`` reads and drops
    stem, after = convert(text[start:open_at]), restore(text[close_at + 1 :])
    answers, separator, general = text[open_at + 1 : close_at].strip().partition("####")
    if separator and not general.strip():
        report.warn(location, "« #### » sans feedback général à sa suite, ignoré.")
    general = convert(general)
    kind = _kind(answers.strip())
    # text after the answers makes a "missing word" question, a multiple choice in Moodle:
    # the answers go in a blank inside the sentence
    if after and kind not in _UNSUPPORTED and kind != "truefalse":
        after = convert(text[close_at + 1 :]).strip()
        stem = f"{stem.rstrip()} _____{'' if after[:1] in ('.', ',', ';', ':', '!', '?') else ' '}{after}"
    if kind in _UNSUPPORTED:
        report.skip(location, f"{_UNSUPPORTED[kind]} : type non pris en charge, ignorée.")
        return None
    if kind == "truefalse":
        truth, rationale = _true_false(answers.strip(), general, convert, location, report)
        options = [("Vrai", truth), ("Faux", not truth)]
        item_type: ItemType | None = ItemType.SINGLE
    else:
        parsed = _choices(answers, location, report, convert)
        if parsed is None:
            return None
        options, feedback_lines, item_type = parsed
        rationale = "\n".join(filter(None, [general, *feedback_lines]))
    # a ``// @id:`` is the platform's id, never replaced unseen (a title is free text)
    given = block.metadata.get("id", "")
    problem = id_problem(given) if given else None
    if problem is not None:
        report.error(location, problem)
        return None
    metadata = read_metadata(block.metadata, today, location, report)
    if metadata is None:
        return None
    item = build_item(
        location=location,
        item_id=usable_id(given) or usable_id(title, bank_style=True),
        id_hint=title,
        item_type=item_type,
        stem=stem,
        options=options,
        rationale=rationale,
        metadata=metadata,
        report=report,
    )
    return SourceItem(location, item, block.category) if item else None


def _true_false(
    answers: str, general: str, convert: _Text, location: str, report: ImportReport
) -> tuple[bool, str]:
    """The answer and the rationale of ``{T#wrong#right}``: comments go by position, as in
    Moodle (the first after a wrong answer, the second after a right one; ``{T##right}``)."""
    value, *comments = answers.split("#", 2)
    if comments and not comments[-1].strip():
        report.warn(location, "vrai/faux : « # » sans commentaire à sa suite, ignoré.")
    wrong, right = (convert(comment) for comment in [*comments, "", ""][:2])
    truth = _TRUE_FALSE[value.strip().upper()]
    if not general and bool(wrong) != bool(right):
        return truth, wrong or right
    by_option = {"A": right if truth else wrong, "B": wrong if truth else right}
    lines = [f"{key} : {text}" for key, text in by_option.items() if text]
    return truth, "\n".join(filter(None, [general, *lines]))


def _choices(
    answers: str, location: str, report: ImportReport, convert: _Text
) -> tuple[list[tuple[str, bool]], list[str], ItemType | None] | None:
    """Options of a multiple-choice question: ``=`` marks the key, ``~%50%`` a weighted answer."""
    parts = [part for part in re.split(r"(?=[=~])", answers.strip()) if part.strip()]
    single = any(part.startswith("=") for part in parts)
    options: list[tuple[str, bool]] = []
    feedback_lines: list[str] = []
    partial = weighted_key = False
    for index, part in enumerate(parts):
        marker, body = part[0], part[1:].strip()
        letter = OPTION_LETTERS[index] if index < len(OPTION_LETTERS) else str(index + 1)
        if marker not in "=~":
            report.error(location, f"réponse sans « = » ni « ~ » : « {restore(part)} ».")
            return None
        weight = None
        match = _WEIGHT.match(body)
        if match:
            weight, body = float(match.group(1)), body[match.end() :]
        elif _LOOSE_WEIGHT.match(body):
            report.error(
                location,
                f"option {letter} : poids « {restore(_LOOSE_WEIGHT.match(body).group())} » "
                "illisible ; un poids s'écrit sans espace, avec un point décimal : « %50% », "
                "« %33.33333% », « %-100% ».",
            )
            return None
        body, has_feedback, comment = body.partition("#")
        if has_feedback:
            comment = _feedback(comment, convert, f"option {letter}", location, report)
        if single:
            # full credit, as in Moodle: « = », or any answer weighted 100 % (« ~%100% »)
            correct = (marker == "=" and weight is None) or (weight is not None and weight >= 100)
            partial = partial or (weight is not None and 0 < weight < 100)
            weighted_key = weighted_key or (marker == "~" and correct)
        else:
            correct = weight is not None and weight > 0
        options.append((convert(body), correct))
        if comment:
            feedback_lines.append(f"{letter} : {comment}")
    if options and not any(correct for _, correct in options):
        report.error(location, _NO_KEY_SINGLE if single else _NO_KEY_MULTIPLE)
        return None
    keys = [key for key, (_, correct) in zip(OPTION_LETTERS, options, strict=False) if correct]
    # more options than letters: skipped whole further on, as in every format
    if single and len(keys) > 1 and len(options) <= len(OPTION_LETTERS) and weighted_key:
        report.error(
            location,
            f"réponse unique mais {len(keys)} réponses à 100 % (options {', '.join(keys)} ; "
            "« = » ou « ~%100% ») : une seule est juste ; plusieurs bonnes réponses se marquent "
            "« ~%50% ».",
        )
        return None
    if single and len(keys) > 1 and len(options) <= len(OPTION_LETTERS):
        # Moodle takes each « = » as a right answer; an « = » inside an answer's text starts one
        report.error(
            location,
            f"réponse unique mais {len(keys)} réponses marquées « = » (options "
            f"{', '.join(keys)}) : une seule est juste ; un « = » dans le texte d'une réponse "
            "s'écrit « \\= », et plusieurs bonnes réponses se marquent « ~%50% ».",
        )
        return None
    if partial:
        report.warn(location, "crédit partiel ignoré : seules les réponses à 100 % sont justes.")
    return options, feedback_lines, ItemType.SINGLE if single else None


_NO_KEY_SINGLE = (
    "aucune bonne réponse : une réponse « = » ne compte juste qu'à 100 % (« =%50% » est un "
    "crédit partiel, compté faux)."
)
_NO_KEY_MULTIPLE = (
    "aucune bonne réponse : marquez-la par « = », ou, s'il y en a plusieurs, donnez à chacune "
    "un poids positif (« ~%50% »)."
)


def parse_gift(data: bytes, source: str, today: date) -> ParseResult:
    """Read a GIFT file into items; unsupported question types are skipped and reported."""
    report = ImportReport(source)
    items: list[SourceItem] = []
    if not check_size(data, source, report):
        return ParseResult(items, report)
    text = decode_text(data, source, report)
    if text is None:
        return ParseResult(items, report)
    for block in cut_blocks(text, report):
        item = _parse_block(block, today, report)
        if item is not None:
            items.append(item)
    return ParseResult(items, report)


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _keep(text: str, marker: str = "") -> str:
    """A format marker written before a text that starts like one (« [html] … »), which a
    reader takes off once: the text's own stays."""
    return (marker or "[moodle]") if _FORMAT.match(text) else ""


def _weight(count: int) -> str:
    return f"{100 / count:.7f}".rstrip("0").rstrip(".")


def write_gift(bank: ParsedBank) -> bytes:
    """A GIFT file with one ``$CATEGORY`` per topic and the metadata in ``// @`` comments."""
    lines = [f"// Thème {bank.theme} : {bank.title}", ""]
    order = {topic.slug: index for index, topic in enumerate(bank.topics)}
    category = None
    for item in sorted(bank.items, key=lambda i: order.get(i.topic, len(order))):
        if item.topic != category:
            category = item.topic
            lines += [f"$CATEGORY: {bank.theme}/{category}", ""]
        lines.append(f"// @id: {item.id}")
        for name in METADATA_FIELDS[1:]:
            value = getattr(item, name)
            value = value.isoformat() if isinstance(value, date) else str(value)
            lines.append(f"// @{name}: {' '.join(value.split())}")
        texts = [item.stem, item.rationale, *(option.text for option in item.options)]
        marker = "[html]" if any("<" in text or "&" in text for text in texts) else ""
        lines.append(f"::{item.id}::{marker or _keep(item.stem)}{_escape(item.stem)} {{")
        n_correct = len(item.correct_keys)
        for option in item.options:
            if item.type is ItemType.SINGLE:
                prefix = "=" if option.correct else "~"
                if option.text.startswith("%"):  # « %50% des revenus » would read as a weight
                    prefix += "%100%" if option.correct else "%0%"
            else:
                prefix = f"~%{_weight(n_correct)}%" if option.correct else "~%-100%"
            lines.append(f"\t{prefix}{_keep(option.text, marker)}{_escape(option.text)}")
        if item.rationale:
            lines.append(f"\t####{_keep(item.rationale, marker)}{_escape(item.rationale)}")
        lines += ["}", ""]
    return "\n".join(lines).encode("utf-8")
