"""Importing exchange files into the database as drafts, and exporting a theme's items."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select

from questionnaire.audit.services import record_action
from questionnaire.auth.models import User
from questionnaire.authoring.services import parsed_from_version, record_import
from questionnaire.banks.lint import competency_codes, lint_item
from questionnaire.banks.models import Item, ItemVersion, Theme, Topic, VersionStatus
from questionnaire.banks.services import content_hash
from questionnaire.banks.validation import ParsedBank, ParsedItem, ParsedTopic
from questionnaire.banks.versions import (
    DraftError,
    create_draft_from_parsed,
    open_version,
    write_content,
)
from questionnaire.clock import paris_day
from questionnaire.exchange.formats import FORMATS, guess_format
from questionnaire.exchange.report import (
    Entry,
    ImportRejected,
    ImportReport,
    ParseResult,
    SourceItem,
)
from questionnaire.extensions import db


class ExportError(Exception):
    """The export was refused (unknown theme or format)."""


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def find_theme(slug: str) -> Theme | None:
    return db.session.execute(select(Theme).where(Theme.slug == slug)).scalar_one_or_none()


def _topics_by_name(theme: Theme) -> dict[str, Topic]:
    """The theme's topics by slug and by title, case and accents ignored."""
    by_name: dict[str, Topic] = {}
    for topic in theme.topics:
        by_name[_normalise(topic.slug)] = topic
        by_name.setdefault(_normalise(topic.title), topic)
    return by_name


class _TopicResolver:
    """An item's topic: its own (unknown → error), else its GIFT category, else the default."""

    def __init__(self, theme: Theme, default: Topic, report: ImportReport):
        self.default, self.report = default, report
        self.by_name = _topics_by_name(theme)
        self.unmatched: Counter[str] = Counter()

    def resolve(self, source: SourceItem) -> Topic | None:
        if source.item.topic:
            topic = self.by_name.get(_normalise(source.item.topic))
            if topic is None:
                self.report.error(
                    source.location, f"sujet « {source.item.topic} » inconnu dans ce thème."
                )
            return topic
        if source.category:
            for segment in reversed(source.category.split("/")):
                topic = self.by_name.get(_normalise(segment))
                if topic is not None:
                    return topic
        self.unmatched[source.category or ""] += 1
        return self.default

    def report_defaults(self) -> None:
        for category, count in sorted(self.unmatched.items()):
            origin = (
                f"catégorie « {category} » sans sujet correspondant" if category else "sans sujet"
            )
            self.report.warn(
                self.report.source,
                f"{count} item(s) {origin} : rattaché(s) au sujet « {self.default.slug} », à vérifier.",
            )


def _note_ignored_blueprint(result: ParseResult, theme: Theme, report: ImportReport) -> None:
    """A file's own blueprint is never applied; where it differs from the theme's, say so."""
    if result.form_items is None:
        return
    by_name = _topics_by_name(theme)
    differences = []
    if result.form_items != theme.form_items:
        differences.append(f"form_items {result.form_items} (thème : {theme.form_items})")
    for declared in result.topics:
        topic = by_name.get(_normalise(declared.slug))
        if topic is None:
            differences.append(f"sujet « {declared.slug} » absent du thème")
        elif declared.draw != topic.default_draw:
            differences.append(
                f"« {declared.slug} » draw {declared.draw} (thème : {topic.default_draw})"
            )
    if differences:
        report.skip(
            report.source,
            "plan de tirage (blueprint) du fichier ignoré : l'import n'ajoute que des items, "
            f"le thème garde le sien ; écarts : {' ; '.join(differences)}.",
        )


def _default_competency(theme: Theme) -> str:
    codes = competency_codes(theme.competencies)
    return codes[0] if codes else ""


def _prepare(
    sources: list[SourceItem], theme: Theme, default: Topic, report: ImportReport, today
) -> list[tuple[SourceItem, ParsedItem]]:
    resolver = _TopicResolver(theme, default, report)
    seen: dict[str, SourceItem] = {}
    prepared = []
    lint_context = ParsedBank(report.source, theme.slug, theme.title, theme.competencies, 1, 1)
    for source in sources:
        first = seen.setdefault(source.item.id, source)
        if first is not source:
            if first.item == source.item:
                report.skip(
                    source.location, f"doublon exact de l'item de {first.location} : ignoré."
                )
            else:
                report.error(
                    source.location,
                    f"identifiant « {source.item.id} » déjà utilisé ({first.location}).",
                )
            continue
        topic = resolver.resolve(source)
        if topic is None:
            continue
        item = replace(
            source.item,
            topic=topic.slug,
            competency=source.item.competency or _default_competency(theme),
        )
        for finding in lint_item(lint_context, item, today):
            report.warn(source.location, f"[{finding.rule}] {finding.message}")
        prepared.append((source, item))
    resolver.report_defaults()
    return prepared


def import_file(
    data: bytes,
    filename: str,
    fmt: str,
    theme_slug: str,
    now: datetime,
    default_topic: str | None = None,
    author: User | None = None,
    importer: User | None = None,
) -> ImportReport:
    """Import one file as drafts, all or nothing: ImportRejected on any error.

    ``author`` owns the drafts in the workspace; without one they wait for an author to take
    them over. ``importer`` (default: the author) is recorded in each item's thread.
    The caller commits on success and rolls back on ImportRejected.
    """
    report = ImportReport(filename)
    theme = find_theme(theme_slug)
    if fmt not in FORMATS:
        report.error(filename, f"format inconnu « {fmt} » ; formats : {', '.join(FORMATS)}.")
    if theme is None:
        report.error(filename, f"thème « {theme_slug} » inconnu : chargez d'abord les banques.")
    elif not theme.topics:
        report.error(filename, f"le thème « {theme_slug} » n'a aucun sujet.")
    if report.is_rejected:
        raise ImportRejected(report)
    # the default topic is named like an item's: by slug or title, case and accents ignored
    default = (
        _topics_by_name(theme).get(_normalise(default_topic)) if default_topic else theme.topics[0]
    )
    if default is None:
        slugs = ", ".join(topic.slug for topic in theme.topics)
        report.error(
            filename,
            f"sujet par défaut « {default_topic} » inconnu dans ce thème ; sujets : {slugs}.",
        )
        raise ImportRejected(report)
    result = FORMATS[fmt].parse(data, filename, paris_day(now))
    report = result.report
    if result.theme and result.theme != theme.slug:
        report.error(
            filename, f"le fichier concerne le thème « {result.theme} », pas « {theme.slug} »."
        )
    else:
        _note_ignored_blueprint(result, theme, report)
    prepared = _prepare(result.items, theme, default, report, paris_day(now))
    external_ids = [item.id for _, item in prepared]
    _lock_for_import(theme, external_ids)
    existing = {
        item.external_id: item
        for item in db.session.execute(
            select(Item)
            .where(Item.external_id.in_(external_ids))
            .execution_options(populate_existing=True)
        ).scalars()
    }
    for item in existing.values():
        db.session.expire(item, ["versions"])  # read again, after the locks
    pending = [
        (source, item)
        for source, item in prepared
        if _needs_draft(source, item, existing.get(item.id), theme, report)
    ]
    if not result.items and not report.is_rejected:
        # a file of which nothing could be imported is refused, even when parts of it were
        # ignored: a CSV or a zip read as GIFT is « ignored » as one description without question
        report.error(
            filename,
            f"aucun item importable dans le fichier ({len(report.skipped)} élément(s) ignoré(s), "
            "détaillés ci-dessous)."
            if report.skipped
            else "aucun item trouvé dans le fichier.",
        )
    if report.is_rejected:
        _hint_other_format(filename, fmt, report)
        raise ImportRejected(report)
    for source, item in pending:
        _write_draft(source, item, existing.get(item.id), theme, author, importer, now, report)
    db.session.flush()
    record_action(
        "bank.import",
        target=f"theme:{theme.slug}",
        details={"file": filename[:200], "format": fmt, "imported": len(report.imported)},
        now=now,
    )
    return report


def _lock_for_import(theme: Theme, external_ids: list[str]) -> None:
    """Serialise the imports into ``theme``, and wait for the actions on the items to draft.

    Without these locks, two imports of one file both inserted the same new item, and an
    import racing an author's new draft took the same version number: an IntegrityError
    (a 500) instead of a report. Once they are held, the items are read again: the checks see
    what the other import or the author did (« identique », « a déjà une version … »).
    """
    db.session.execute(select(Theme.id).where(Theme.id == theme.id).with_for_update())
    db.session.execute(
        select(Item.id)
        .where(Item.external_id.in_(external_ids))
        .order_by(Item.id)
        .with_for_update()
    )


def _hint_other_format(filename: str, fmt: str, report: ImportReport) -> None:
    """Name, first among the errors of a refused file, the format its extension suggests when
    another was chosen: a CSV read as QTI (the web form's first choice) is otherwise refused as
    « XML mal formé », which does not tell the author what to change."""
    guessed = guess_format(filename)
    if guessed is None or guessed == fmt or {guessed, fmt} <= {"qti", "qti3"}:
        return
    report.errors.insert(
        0,
        Entry(
            filename,
            f"son extension est celle du format {FORMATS[guessed].label}, mais il a été lu "
            f"comme {FORMATS[fmt].label} : vérifiez le format choisi.",
        ),
    )


def _needs_draft(
    source: SourceItem, parsed: ParsedItem, item: Item | None, theme: Theme, report: ImportReport
) -> bool:
    """False for content identical to the item's latest version; errors for items that cannot take a draft."""
    if item is None:
        return True
    if item.theme_id != theme.id:
        report.error(source.location, f"l'identifiant « {parsed.id} » appartient à un autre thème.")
        return False
    latest = item.latest_version
    if latest is not None and latest.content_hash == content_hash(parsed, theme.slug):
        report.unchanged.append(
            Entry(
                source.location,
                f"{parsed.id} : identique à la version {latest.number}{_status_note(latest)}.",
            )
        )
        return False
    current = open_version(item)
    if current is not None:
        report.error(
            source.location,
            f"l'item « {parsed.id} » a déjà une version {current.status.label} "
            f"(n° {current.number}) : terminez-la avant de réimporter.",
        )
        return False
    return True


def _status_note(version: ItemVersion) -> str:
    """A retired « identique » version stays retired: nothing is created to bring it back."""
    if version.status is VersionStatus.RETIRED:
        return ", retirée : l'import ne la remet pas en service"
    return ""


def _write_draft(
    source: SourceItem,
    parsed: ParsedItem,
    item: Item | None,
    theme: Theme,
    author: User | None,
    importer: User | None,
    now: datetime,
    report: ImportReport,
) -> None:
    """A new draft version; with an author, recorded in the workspace as theirs."""
    try:
        if author is not None:
            version = create_draft_from_parsed(parsed, theme, author, now)
        else:
            if item is None:
                item = Item(external_id=parsed.id, theme=theme, created_at=now)
                db.session.add(item)
            number = item.latest_version.number + 1 if item.latest_version else 1
            version = ItemVersion(
                item=item, number=number, status=VersionStatus.DRAFT, created_at=now
            )
            write_content(version, parsed, theme)
            db.session.add(version)
    except DraftError as exc:
        report.error(source.location, str(exc))
        raise ImportRejected(report) from exc
    record_import(version, importer or author, report.source, now)
    kind = "nouvel item" if version.number == 1 else f"nouvelle version {version.number}"
    report.imported.append(Entry(source.location, f"{parsed.id} : {kind} (brouillon)."))


def export_theme(
    theme_slug: str, fmt: str, statuses: frozenset[VersionStatus] | None = None
) -> tuple[bytes, int]:
    """A theme's items in ``fmt``: for each item, its latest version among ``statuses`` (all by default)."""
    theme = find_theme(theme_slug)
    if theme is None:
        raise ExportError(f"thème « {theme_slug} » inconnu.")
    if fmt not in FORMATS:
        raise ExportError(f"format inconnu « {fmt} ».")
    wanted = statuses or frozenset(VersionStatus)
    items = db.session.execute(
        select(Item).where(Item.theme_id == theme.id).order_by(Item.external_id)
    ).scalars()
    parsed = []
    for item in items:
        version = next((v for v in reversed(item.versions) if v.status in wanted), None)
        if version is not None:
            parsed.append(parsed_from_version(version))
    bank = ParsedBank(
        path=theme.slug,
        theme=theme.slug,
        title=theme.title,
        competencies=list(theme.competencies),
        form_items=theme.form_items,
        duration_minutes=theme.default_duration_minutes,
        topics=[ParsedTopic(t.slug, t.title, t.default_draw) for t in theme.topics],
        items=parsed,
    )
    record_action(
        "bank.export", target=f"theme:{theme.slug}", details={"format": fmt, "items": len(parsed)}
    )
    return FORMATS[fmt].write(bank), len(parsed)
