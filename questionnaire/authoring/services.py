"""Drafts, review and publication of item versions, with four eyes and a thread per item."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from questionnaire.audit.services import record as audit_record
from questionnaire.auth.models import Role, User
from questionnaire.authoring.lifecycle import transition
from questionnaire.authoring.models import (
    CONTENT_EVENTS,
    EventKind,
    ReviewEvent,
    VersionAuthorship,
)
from questionnaire.banks.findings import Finding, Severity
from questionnaire.banks.lint import lint_item
from questionnaire.banks.models import Item, ItemVersion, Theme, VersionStatus
from questionnaire.banks.validation import ParsedBank, ParsedItem, ParsedOption, ParsedTopic
from questionnaire.banks.versions import (
    DraftError,
    create_draft_from_parsed,
    open_version,
    write_content,
)
from questionnaire.clock import paris_day
from questionnaire.extensions import db
from questionnaire.richtext import plain


class AuthoringError(ValueError):
    """An authoring action refused (wrong person, wrong state, content with errors)."""


class NotAllowed(AuthoringError):
    """The user may not perform this action on this version."""


class MissingComment(AuthoringError):
    """The action needs a comment (a send-back, a retirement, a thread message)."""


class StaleEdit(AuthoringError):
    """The item changed after the editor was opened (another tab, another author's version)."""


# ---------------------------------------------------------------- reading


def authorship_of(version: ItemVersion) -> VersionAuthorship | None:
    return db.session.execute(
        select(VersionAuthorship).where(VersionAuthorship.version_id == version.id)
    ).scalar_one_or_none()


def authorships(versions: list[ItemVersion]) -> dict[int, VersionAuthorship]:
    """Authorship records of several versions, by version id."""
    ids = [v.id for v in versions]
    if not ids:
        return {}
    rows = db.session.execute(
        select(VersionAuthorship).where(VersionAuthorship.version_id.in_(ids))
    ).scalars()
    return {row.version_id: row for row in rows}


def thread(item: Item) -> list[ReviewEvent]:
    """The item's whole thread (every version), oldest first."""
    return list(
        db.session.execute(
            select(ReviewEvent)
            .where(ReviewEvent.item_id == item.id)
            .order_by(ReviewEvent.created_at, ReviewEvent.id)
        ).scalars()
    )


def find_item(external_id: str) -> Item | None:
    return db.session.execute(
        select(Item).where(Item.external_id == external_id)
    ).scalar_one_or_none()


def find_version(item: Item, number: int) -> ItemVersion | None:
    return next((v for v in item.versions if v.number == number), None)


def editor_source(item: Item) -> ItemVersion | None:
    """The version the editor shows: the open one, else the published one, else the latest."""
    return open_version(item) or item.published_version or item.latest_version


def edit_base(item: Item) -> str:
    """What an editor page was filled from (version and content), sent back with its save."""
    version = editor_source(item)
    return f"{version.id}:{version.content_hash}" if version is not None else ""


# ---------------------------------------------------------------- predicates


def is_author(version: ItemVersion, user: User) -> bool:
    record = authorship_of(version)
    return record is not None and record.author_id == user.id


def is_ownerless_draft(version: ItemVersion) -> bool:
    """A draft imported without an author (``banks import`` without ``--author``)."""
    return version.status is VersionStatus.DRAFT and authorship_of(version) is None


def contributors(version: ItemVersion) -> set[int]:
    """Everyone who wrote the version's content: its author, its importer, whoever took it over."""
    record = authorship_of(version)
    writers = set(
        db.session.execute(
            select(ReviewEvent.actor_id).where(
                ReviewEvent.version_id == version.id,
                ReviewEvent.kind.in_(CONTENT_EVENTS),
                ReviewEvent.actor_id.is_not(None),
            )
        ).scalars()
    )
    return writers | ({record.author_id} if record else set())


def can_take_over(version: ItemVersion, user: User) -> bool:
    return user.has_role(Role.AUTHOR) and is_ownerless_draft(version)


def can_edit(item: Item, user: User) -> bool:
    """Authors write new versions; an open draft belongs to its author (an ownerless one to
    whoever takes it over); a version in review is locked."""
    if not user.has_role(Role.AUTHOR):
        return False
    current = open_version(item)
    if current is None:
        return True
    return current.status is VersionStatus.DRAFT and (
        is_author(current, user) or is_ownerless_draft(current)
    )


def can_review(version: ItemVersion, user: User) -> bool:
    """Four eyes: a reviewer who neither wrote, imported nor took over the version."""
    return (
        version.status is VersionStatus.IN_REVIEW
        and user.has_role(Role.REVIEWER)
        and user.id not in contributors(version)
    )


def can_publish(version: ItemVersion, user: User) -> bool:
    record = authorship_of(version)
    return (
        version.status is VersionStatus.IN_REVIEW
        and record is not None
        and record.is_approved
        and user.has_any_role((Role.REVIEWER, Role.ADMIN))
    )


def can_retire(version: ItemVersion, user: User) -> bool:
    return version.status is VersionStatus.PUBLISHED and user.has_any_role(
        (Role.REVIEWER, Role.ADMIN)
    )


# ---------------------------------------------------------------- lint


def bank_context(theme: Theme) -> ParsedBank:
    """The theme as the linter sees a bank (its topics; items are linted one at a time)."""
    return ParsedBank(
        path=theme.slug,
        theme=theme.slug,
        title=theme.title,
        competencies=list(theme.competencies),
        form_items=theme.form_items,
        duration_minutes=theme.default_duration_minutes,
        topics=[ParsedTopic(t.slug, t.title, t.default_draw) for t in theme.topics],
    )


def parsed_from_version(version: ItemVersion) -> ParsedItem:
    """A stored version in the parser's shape (for the linter and the exchange formats)."""
    return ParsedItem(
        id=version.item.external_id,
        topic=version.topic.slug,
        competency=version.competency,
        type=version.item_type,
        stem=version.stem,
        options=[ParsedOption(o.key, o.text, o.is_correct) for o in version.options],
        rationale=version.rationale,
        reference=version.reference,
        cognitive_level=version.cognitive_level,
        difficulty=version.difficulty,
        valid_as_of=version.valid_as_of,
        volatility=version.volatility,
    )


def _completeness(parsed: ParsedItem) -> list[Finding]:
    """What an imported draft may lack and a bank item must have before review."""
    missing = [
        ("rationale", "la justification est vide : rédigez-la avant la relecture."),
        ("reference", "la référence juridique est vide : indiquez-la avant la relecture."),
        ("competency", "la compétence est vide."),
    ]
    findings = [
        Finding(parsed.topic, parsed.id, f"missing-{name}", Severity.ERROR, message)
        for name, message in missing
        if not plain(str(getattr(parsed, name) or "")).strip()
    ]
    if not 3 <= len(parsed.options) <= 5:
        findings.append(
            Finding(
                parsed.topic,
                parsed.id,
                "option-count",
                Severity.ERROR,
                f"{len(parsed.options)} options : un item de banque en a de 3 à 5.",
            )
        )
    return findings


def lint(theme: Theme, parsed: ParsedItem, today: date) -> list[Finding]:
    """Item-writing rules on the plain text (markup does not count as words)."""
    as_text = ParsedItem(
        **{
            **parsed.__dict__,
            "stem": plain(parsed.stem),
            "options": [ParsedOption(o.key, plain(o.text), o.correct) for o in parsed.options],
        }
    )
    findings = _completeness(parsed) + lint_item(bank_context(theme), as_text, today)
    return sorted(findings, key=lambda f: f.severity is not Severity.ERROR)


# ---------------------------------------------------------------- actions


def _lock_item(item: Item) -> None:
    """Serialise the life-cycle actions on one item, then read its versions again.

    Two reviewers, or an author and a reviewer, acting on the same item at once each passed
    their check on the state they had read first: a version sent back and published at once
    ended up published without its approval (or back in draft with the old version
    superseded), one approved while its author withdrew it kept an approval the next content
    never had. The row lock waits for the other action's commit; the fresh read lets the
    checks below see what it did. (The item row, not the version: its eagerly joined topic
    would put the lock on an outer join, which PostgreSQL refuses.)
    """
    if item.id is None:
        return
    db.session.execute(select(Item.id).where(Item.id == item.id).with_for_update())
    fresh = (
        select(ItemVersion)
        .where(ItemVersion.item_id == item.id)
        .execution_options(populate_existing=True)
    )
    db.session.execute(fresh).scalars().all()
    db.session.execute(
        select(VersionAuthorship)
        .join(ItemVersion, ItemVersion.id == VersionAuthorship.version_id)
        .where(ItemVersion.item_id == item.id)
        .execution_options(populate_existing=True)
    ).scalars().all()
    db.session.expire(item, ["versions"])


def _event(
    item: Item, version: ItemVersion | None, user: User | None, kind: EventKind, now, text=None
):
    db.session.add(
        ReviewEvent(
            item=item,
            version=version,
            actor_id=user.id if user is not None else None,
            kind=kind,
            comment=(text or "").strip() or None,
            created_at=now,
        )
    )


def _audit(action: str, version: ItemVersion, user: User, now, details: dict | None = None):
    """Publication, approval, retirement and key changes go to the audit log too."""
    audit_record(
        action,
        now,
        actor_id=user.id,
        target=f"item:{version.item.external_id}@{version.number}",
        details=details,
    )


def save_item(
    item: Item | None,
    theme: Theme,
    parsed: ParsedItem,
    user: User,
    now: datetime,
    base: str | None = None,
) -> ItemVersion:
    """Write the author's content: into their open draft, or into a new draft version.

    ``base`` (``edit_base`` when the editor was opened): a save from a page that showed other
    content is refused, or it would silently undo what was saved meanwhile (the same draft
    saved from another tab, a new version published since).
    """
    if item is not None:
        _lock_item(item)
    if item is not None and not can_edit(item, user):
        current = open_version(item)
        if current is not None and current.status is VersionStatus.IN_REVIEW:
            raise NotAllowed(
                f"La version {current.number} de cet item est en relecture : elle ne se modifie "
                "plus (son auteur peut la reprendre en brouillon). Rien n'a été enregistré."
            )
        raise NotAllowed(
            "Cet item a un brouillon d'un autre auteur : lui seul le modifie. Rien n'a été "
            "enregistré."
        )
    if item is not None and base and base != edit_base(item):
        current = editor_source(item)
        raise StaleEdit(
            f"L'item {item.external_id} a changé depuis l'ouverture de cette page : la version "
            f"{current.number} ({current.status.label}) a été enregistrée entre-temps (dans un "
            "autre onglet, ou par un autre auteur). Rien n'a été enregistré ; votre saisie est "
            "conservée ci-dessous. Comparez-la à la version "
            f"{current.number} (« Voir l'item et son historique »), puis enregistrez à nouveau "
            "pour que votre saisie l'emporte."
        )
    if item is None and not user.has_role(Role.AUTHOR):
        raise NotAllowed("Seuls les auteurs créent des items.")
    try:
        current = open_version(item) if item is not None else None
        if current is not None:
            if is_ownerless_draft(current):
                take_over(current, user, now)
            write_content(current, parsed, theme)
            return current
        parsed.id = item.external_id if item is not None else ""
        return create_draft_from_parsed(parsed, theme, user, now)
    except DraftError as exc:
        raise AuthoringError(str(exc)) from exc


def take_over(version: ItemVersion, user: User, now: datetime) -> None:
    """An author becomes the author of an imported draft that has none (recorded in the thread).

    Whoever takes a draft over counts as one of its writers: they cannot approve it.
    """
    _lock_item(version.item)
    if not can_take_over(version, user):
        raise NotAllowed("Seul un auteur peut prendre en charge un brouillon importé sans auteur.")
    db.session.add(VersionAuthorship(version=version, author_id=user.id))
    _event(version.item, version, user, EventKind.TAKEN_OVER, now)
    db.session.flush()


def record_import(version: ItemVersion, user: User | None, source: str, now: datetime) -> None:
    """Note in the item's thread that a file brought this draft (with the importer, if known)."""
    _event(version.item, version, user, EventKind.IMPORTED, now, f"Fichier : {source}")


def submit(version: ItemVersion, user: User, now: datetime) -> None:
    """The author sends a draft without lint errors to review."""
    _lock_item(version.item)
    if is_ownerless_draft(version):
        raise NotAllowed(
            "Ce brouillon importé n'a pas d'auteur : prenez-le en charge avant de le soumettre."
        )
    if not is_author(version, user):
        raise NotAllowed("Seul l'auteur du brouillon peut le soumettre à la relecture.")
    errors = [
        f
        for f in lint(version.item.theme, parsed_from_version(version), paris_day(now))
        if f.severity is Severity.ERROR
    ]
    if errors:
        raise AuthoringError(
            "Le brouillon a des erreurs de rédaction à corriger avant la relecture : "
            + " ; ".join(f.message for f in errors)
        )
    transition(version, VersionStatus.IN_REVIEW)
    _event(version.item, version, user, EventKind.SUBMITTED, now)


def _clear_approval(version: ItemVersion) -> None:
    record = authorship_of(version)
    if record is not None:
        record.approved_by_id, record.approved_at = None, None


def withdraw(version: ItemVersion, user: User, now: datetime) -> None:
    """The author takes a version back from review to change it."""
    _lock_item(version.item)
    if not is_author(version, user):
        raise NotAllowed("Seul l'auteur peut retirer sa version de la relecture.")
    transition(version, VersionStatus.DRAFT)
    _clear_approval(version)
    _event(version.item, version, user, EventKind.WITHDRAWN, now)


def approve(version: ItemVersion, user: User, now: datetime, comment: str = "") -> None:
    """A reviewer other than the author approves the version (it may then be published)."""
    _lock_item(version.item)
    if not can_review(version, user):
        raise NotAllowed(
            "Approbation refusée : il faut être relecteur, et n'avoir ni écrit, ni importé, "
            "ni pris en charge cette version."
        )
    record = authorship_of(version)
    if record is None:
        raise AuthoringError("Version sans auteur enregistré : elle ne peut pas être approuvée.")
    if record.is_approved:  # a page left open, a double click, two reviewers at once
        from questionnaire.web import paris_time

        raise AuthoringError(
            f"Cette version est déjà approuvée (par {record.approved_by.display_name}, le "
            f"{paris_time(record.approved_at)}) : rien n'a été enregistré."
        )
    record.approved_by_id, record.approved_at = user.id, now
    _event(version.item, version, user, EventKind.APPROVED, now, comment)
    _audit("item.approve", version, user, now)


def send_back(version: ItemVersion, user: User, comment: str, now: datetime) -> None:
    """A reviewer other than the author returns the version to draft, saying why."""
    _lock_item(version.item)
    if not can_review(version, user):
        raise NotAllowed("Renvoi refusé : il faut être relecteur, et ne pas être l'auteur.")
    if not comment.strip():
        raise MissingComment("Dites à l'auteur ce qui doit changer (commentaire obligatoire).")
    transition(version, VersionStatus.DRAFT)
    _clear_approval(version)
    _event(version.item, version, user, EventKind.SENT_BACK, now, comment)


def publish(version: ItemVersion, user: User, now: datetime) -> None:
    """Publish an approved version; the version it replaces becomes « remplacée »."""
    _lock_item(version.item)
    if not can_publish(version, user):
        raise NotAllowed("Seule une version approuvée par un relecteur peut être publiée.")
    for other in version.item.versions:
        if other is not version and other.status is VersionStatus.PUBLISHED:
            transition(other, VersionStatus.SUPERSEDED)
            if other.correct_keys != version.correct_keys:
                _audit(
                    "item.key_change",
                    version,
                    user,
                    now,
                    {"before": sorted(other.correct_keys), "after": sorted(version.correct_keys)},
                )
    transition(version, VersionStatus.PUBLISHED)
    _event(version.item, version, user, EventKind.PUBLISHED, now)
    _audit("item.publish", version, user, now)


def retire(version: ItemVersion, user: User, comment: str, now: datetime) -> None:
    """Withdraw a published version from future forms (attempts keep what they showed)."""
    _lock_item(version.item)
    if not can_retire(version, user):
        raise NotAllowed("Seul un relecteur ou un administrateur retire une version publiée.")
    if not comment.strip():
        raise MissingComment("Indiquez pourquoi l'item est retiré.")
    transition(version, VersionStatus.RETIRED)
    _event(version.item, version, user, EventKind.RETIRED, now, comment)
    _audit("item.retire", version, user, now, {"reason": comment.strip()})


def add_comment(item: Item, version: ItemVersion | None, user: User, text: str, now) -> None:
    if not text.strip():
        raise MissingComment("Le commentaire est vide.")
    _event(item, version, user, EventKind.COMMENT, now, text)
