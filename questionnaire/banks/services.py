"""Loading shipped banks into the database: all-or-nothing, idempotent, versioned."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from questionnaire.banks.findings import Finding, Severity, has_errors
from questionnaire.banks.lint import lint_bank
from questionnaire.banks.models import Item, ItemOption, ItemVersion, Theme, Topic, VersionStatus
from questionnaire.banks.validation import ParsedBank, ParsedItem, bank_files, validate_paths
from questionnaire.clock import paris_day
from questionnaire.extensions import db
from questionnaire.richtext import sanitise

THEME_ORDER = ("fiscalite", "risques", "reglementation", "rgpd")


class BankLoadError(Exception):
    """The banks were not loaded; nothing was written."""

    def __init__(self, findings: list[Finding]):
        super().__init__(f"{len(findings)} problème(s) dans les banques")
        self.findings = findings


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    new_versions: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.new_versions.values()))


def find_item_version(external_id: str, number: int | None) -> tuple[Item, ItemVersion] | None:
    """An item and one of its versions (the latest unless ``number`` names one), or None."""
    item = db.session.execute(
        select(Item).where(Item.external_id == external_id)
    ).scalar_one_or_none()
    if item is None or not item.versions:
        return None
    if number is None:
        return item, item.latest_version
    version = next((v for v in item.versions if v.number == number), None)
    return None if version is None else (item, version)


def validate_banks(path: str | Path, today: date) -> tuple[list[ParsedBank], list[Finding]]:
    """Structural checks and item-writing rules for every bank file at ``path``."""
    paths = bank_files(path)
    if not paths:
        return [], [
            Finding(str(path), None, "file", Severity.ERROR, "aucun fichier de banque trouvé.")
        ]
    banks, findings = validate_paths(paths)
    for bank in banks:
        findings.extend(lint_bank(bank, today))
    return banks, findings


def content_hash(item: ParsedItem, theme: str) -> str:
    """A fingerprint of everything that makes a version (text, keys, metadata)."""
    payload = {
        "theme": theme,
        "topic": item.topic,
        "competency": item.competency,
        "type": item.type.value,
        "stem": sanitise(item.stem),
        "options": [[o.key, sanitise(o.text), o.correct] for o in item.options],
        "rationale": sanitise(item.rationale),
        "reference": item.reference,
        "cognitive_level": item.cognitive_level.value,
        "difficulty": item.difficulty.value,
        "valid_as_of": item.valid_as_of.isoformat(),
        "volatility": item.volatility.value,
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def load_banks(path: str | Path, now: datetime) -> LoadReport:
    """Load every bank at ``path``; on any error nothing is written and BankLoadError is raised."""
    banks, findings = validate_banks(path, paris_day(now))
    if has_errors(findings):
        raise BankLoadError([f for f in findings if f.severity is Severity.ERROR])
    report = LoadReport(warnings=findings)
    try:
        for bank in banks:
            _load_bank(bank, now, report)
        db.session.flush()
    except Exception:
        db.session.rollback()
        raise
    return report


def _upsert_theme(bank: ParsedBank) -> tuple[Theme, dict[str, Topic]]:
    theme = db.session.execute(select(Theme).where(Theme.slug == bank.theme)).scalar_one_or_none()
    position = THEME_ORDER.index(bank.theme) if bank.theme in THEME_ORDER else len(THEME_ORDER)
    if theme is None:
        theme = Theme(slug=bank.theme)
        db.session.add(theme)
    theme.title, theme.competencies, theme.position = bank.title, bank.competencies, position
    theme.default_duration_minutes = bank.duration_minutes
    db.session.flush()
    topics = {topic.slug: topic for topic in theme.topics}
    for index, parsed in enumerate(bank.topics):
        topic = topics.get(parsed.slug)
        if topic is None:
            topic = Topic(theme=theme, slug=parsed.slug)
            db.session.add(topic)
            topics[parsed.slug] = topic
        topic.title, topic.position, topic.default_draw = parsed.title, index, parsed.draw
    # a topic the file no longer declares stays (versions name it) but leaves the plan
    declared = {parsed.slug for parsed in bank.topics}
    for slug, topic in topics.items():
        if slug not in declared:
            topic.default_draw = 0
    db.session.flush()
    return theme, topics


def _load_bank(bank: ParsedBank, now: datetime, report: LoadReport) -> None:
    theme, topics = _upsert_theme(bank)
    existing = {
        item.external_id: item
        for item in db.session.execute(
            select(Item).where(Item.external_id.in_([i.id for i in bank.items]))
        ).scalars()
    }
    for parsed in bank.items:
        digest = content_hash(parsed, bank.theme)
        item = existing.get(parsed.id)
        if item is None:
            item = Item(external_id=parsed.id, theme=theme, created_at=now)
            db.session.add(item)
            _add_version(item, 1, parsed, topics, digest, now)
            report.created[bank.theme] += 1
            continue
        if item.theme_id != theme.id:
            message = "cet identifiant appartient déjà à un autre thème."
            raise BankLoadError(
                [Finding(bank.path, parsed.id, "theme-change", Severity.ERROR, message)]
            )
        # file unchanged since the last load (the workspace may have moved on since): keep it
        if _file_unchanged(item, digest):
            report.unchanged[bank.theme] += 1
            continue
        for version in item.versions:
            if version.status is VersionStatus.PUBLISHED:
                version.status = VersionStatus.SUPERSEDED
        # a draft open in the workspace stays the latest version, above the reloaded one
        from questionnaire.authoring.reload import make_room_below_open_version

        freed = make_room_below_open_version(item, now)
        number = freed or (item.latest_version.number if item.latest_version else 0) + 1
        _add_version(item, number, parsed, topics, digest, now)
        if freed is not None:
            db.session.flush()
            db.session.expire(item, ["versions"])
        report.new_versions[bank.theme] += 1


def _file_unchanged(item: Item, digest: str) -> bool:
    """Whether the file still holds what the item got from it: a version with this content and,
    after it, only versions written in the workspace. A file rolled back to an earlier content
    (a fix reverted) matches an old version with a later load above it: it is a change."""
    from questionnaire.authoring.models import CONTENT_EVENTS, ReviewEvent

    matching = [version.number for version in item.versions if version.content_hash == digest]
    if not matching:
        return False
    later = [version.id for version in item.versions if version.number > max(matching)]
    if not later:
        return True
    written = set(
        db.session.execute(
            select(ReviewEvent.version_id).where(
                ReviewEvent.version_id.in_(later), ReviewEvent.kind.in_(CONTENT_EVENTS)
            )
        ).scalars()
    )
    # a version without a creation, import or take-over in its thread came from a bank load
    return all(version_id in written for version_id in later)


def _add_version(
    item: Item,
    number: int,
    parsed: ParsedItem,
    topics: dict[str, Topic],
    digest: str,
    now: datetime,
) -> ItemVersion:
    version = ItemVersion(
        item=item,
        number=number,
        status=VersionStatus.PUBLISHED,
        topic=topics[parsed.topic],
        competency=parsed.competency,
        item_type=parsed.type,
        stem=sanitise(parsed.stem),
        rationale=sanitise(parsed.rationale),
        reference=parsed.reference,
        cognitive_level=parsed.cognitive_level,
        difficulty=parsed.difficulty,
        valid_as_of=parsed.valid_as_of,
        volatility=parsed.volatility,
        content_hash=digest,
        created_at=now,
        options=[
            ItemOption(key=o.key, text=sanitise(o.text), is_correct=o.correct, position=i)
            for i, o in enumerate(parsed.options)
        ],
    )
    db.session.add(version)
    return version
