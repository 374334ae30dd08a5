"""The YAML bank format of ``question_banks/`` (docs/bank-format.md), read with the bank validator."""

from __future__ import annotations

from datetime import date

import yaml

from questionnaire.banks.findings import Severity
from questionnaire.banks.validation import ParsedBank, parse_bank_text
from questionnaire.exchange.items import decode_text
from questionnaire.exchange.report import ImportReport, ParseResult, SourceItem
from questionnaire.exchange.safety import check_size
from questionnaire.richtext import editable


def parse_yaml(data: bytes, source: str, today: date) -> ParseResult:
    """A bank file; its header's structure is checked but only its items are imported."""
    report = ImportReport(source)
    if not check_size(data, source, report):
        return ParseResult([], report)
    text = decode_text(data, source, report)
    if text is None:
        return ParseResult([], report)
    # An import adds items to a theme whose blueprint is loaded: the file may be partial.
    bank, findings = parse_bank_text(text, source, drafts=True, partial=True)
    for finding in findings:
        location = finding.item_id or source
        if finding.rule == "yaml":  # already a whole sentence, with line and column
            report.error(location, finding.message)
            continue
        if finding.severity is Severity.ERROR:
            report.error(location, f"[{finding.rule}] {finding.message}")
        else:
            report.warn(location, f"[{finding.rule}] {finding.message}")
    if bank is None:
        return ParseResult([], report)
    items = [SourceItem(item.id, item) for item in bank.items]
    return ParseResult(
        items, report, theme=bank.theme, form_items=bank.form_items, topics=bank.topics
    )


def write_yaml(bank: ParsedBank) -> bytes:
    """The same structure as a shipped bank, so that ``banks validate`` reads it."""
    topics = {topic.slug: {"title": topic.title, "draw": topic.draw} for topic in bank.topics}
    data = {
        "theme": bank.theme,
        "title": bank.title,
        "competencies": bank.competencies,
        "blueprint": {
            "form_items": sum(topic.draw for topic in bank.topics),
            "duration_minutes": bank.duration_minutes,
            "topics": topics,
        },
        "items": [
            {
                "id": item.id,
                "topic": item.topic,
                "competency": item.competency,
                "type": item.type.value,
                "stem": editable(item.stem),
                "options": [
                    {
                        "key": o.key,
                        "text": editable(o.text),
                        **({"correct": True} if o.correct else {}),
                    }
                    for o in item.options
                ],
                "rationale": editable(item.rationale),
                "reference": item.reference,
                "cognitive_level": item.cognitive_level.value,
                "difficulty": item.difficulty.value,
                "valid_as_of": item.valid_as_of,
                "volatility": item.volatility.value,
            }
            for item in bank.items
        ],
    }
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return text.encode("utf-8")
