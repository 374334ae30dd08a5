"""Administrators' operations: questionnaire edits, session schedule and release, CSV enrolment, accounts."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select

from questionnaire.admin.enrolment_headers import (
    EMAIL,
    EXTRA_TIME,
    GROUP,
    NOTE,
    POSITIONAL,
    HeaderError,
    is_header_line,
    locate_columns,
)
from questionnaire.attempts.models import Attempt
from questionnaire.attempts.services import RunningCopyChange, follow_extra_time
from questionnaire.audit.services import record_action
from questionnaire.auth.models import Role, User
from questionnaire.auth.services import (
    AccountError,
    find_user_by_email,
    hash_password,
    password_policy_error,
)
from questionnaire.banks.fields import one_line
from questionnaire.csvfiles import UndecodableFile, decode_spreadsheet_text, records_with_lines
from questionnaire.exams.models import (
    Enrolment,
    ExamSession,
    Questionnaire,
    ReleasePolicy,
    SessionPurpose,
)
from questionnaire.exams.services import (
    CLOSED_SESSION_ENROLMENT,
    ERASED_ACCOUNT_ENROLMENT,
    PURPOSE_LOCKED,
    WRITING_ROLES,
    ExamConfigError,
    PurposeLocked,
    ReleasePolicyRefused,
    attempts_still_answering,
    check_blueprint,
    check_form_settings,
    check_release_policy,
    correction_may_be_public,
    enrol,
    is_erased,
    pending_candidacy,
    place_enrolment,
    share_accounts,
    writing_roles_phrase,
)
from questionnaire.extensions import db
from questionnaire.itemstats.services import statistics_on_close
from questionnaire.paging import Page, paged
from questionnaire.privacy.models import Erasure
from questionnaire.web import paris_time

MAX_CSV_LINES = 5000
NUL_IN_CSV = (
    "caractère nul (U+0000) : ce n'est pas un fichier CSV en texte (un fichier UTF-16 sans "
    "marque d'ordre des octets en est plein) ; enregistrez-le en « CSV UTF-8 »."
)


class AdminError(ValueError):
    """An administration action refused, with a message for the administrator."""


# ---------------------------------------------------------------- questionnaires


def has_attempts(questionnaire: Questionnaire) -> bool:
    """Whether a candidate has started a form of this questionnaire (it is then fixed)."""
    return (
        db.session.execute(
            select(func.count(Attempt.id))
            .join(ExamSession, ExamSession.id == Attempt.session_id)
            .where(ExamSession.questionnaire_id == questionnaire.id)
        ).scalar_one()
        > 0
    )


def update_questionnaire(
    questionnaire: Questionnaire,
    *,
    title: str,
    item_count: int,
    duration_minutes: int,
    pass_mark_bp: int,
    blueprint: dict[str, int],
    shuffle_items: bool,
    shuffle_options: bool,
) -> None:
    """Change a questionnaire nobody has sat yet; the bank must be able to fill the blueprint."""
    if has_attempts(questionnaire):
        raise ExamConfigError(
            "Des candidats ont déjà composé sur ce questionnaire : créez-en un nouveau."
        )
    check_form_settings(item_count, duration_minutes, pass_mark_bp)
    blueprint = {slug: n for slug, n in blueprint.items() if n}
    check_blueprint(questionnaire.theme, item_count, blueprint)
    questionnaire.title = title
    questionnaire.item_count = item_count
    questionnaire.duration_minutes = duration_minutes
    questionnaire.pass_mark_bp = pass_mark_bp
    questionnaire.blueprint = blueprint
    questionnaire.shuffle_items = shuffle_items
    questionnaire.shuffle_options = shuffle_options
    record_action(
        "admin.questionnaire",
        target=f"questionnaire:{questionnaire.id}",
        details={
            "item_count": item_count,
            "duration_minutes": duration_minutes,
            "pass_mark_bp": pass_mark_bp,
        },
    )


# ---------------------------------------------------------------- sessions


class ImmediateReleaseRefused(ReleasePolicyRefused):
    """The correction would become public to some while others compose: the policy stays."""


def reschedule(
    session: ExamSession,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    release_policy: ReleasePolicy,
    now: datetime,
    purpose: SessionPurpose | None = None,
) -> None:
    """Change a session's calendar, correction policy and purpose (kept when ``None``)."""
    purpose = purpose or session.purpose
    if closes_at <= opens_at:
        raise ExamConfigError("La clôture doit suivre l'ouverture.")
    if session.is_closed(now) and closes_at > now:
        # its statistics are computed and its correction may be public: candidates still
        # enrolled would compose knowing the answers
        raise ExamConfigError(
            "Une session close ne peut pas être rouverte (sa correction a pu être publiée) : "
            "créez une nouvelle session pour les candidats qui n'ont pas composé."
        )
    if session.is_closed(now) and (opens_at, closes_at) != (session.opens_at, session.closes_at):
        # moved to other past dates, its copies would fall outside its window and the period
        # reports (which take a session by its dates) would count it elsewhere
        raise ExamConfigError(
            "Les dates d'une session close ne changent plus : elles font partie de son bilan "
            "(copies, absents, rapports de la période). Son titre et la publication de sa "
            "correction se corrigent encore."
        )
    started = bool(
        db.session.scalar(select(func.count(Attempt.id)).where(Attempt.session_id == session.id))
    )
    if purpose is not session.purpose and started:
        raise PurposeLocked(PURPOSE_LOCKED)
    check_release_policy(purpose, release_policy)
    if (
        release_policy is ReleasePolicy.IMMEDIATE
        and session.release_policy is not ReleasePolicy.IMMEDIATE
        and started
    ):
        raise ImmediateReleaseRefused(
            "« Dès la remise » ne peut plus être choisi : des copies sont déjà commencées, et "
            "celles qui sont remises montreraient les réponses à des candidats qui composent encore."
        )
    previous_purpose = session.purpose
    session.title = title
    session.opens_at, session.closes_at = opens_at, closes_at
    session.release_policy = release_policy
    session.purpose = purpose
    record_action(
        "admin.session",
        target=f"session:{session.id}",
        details={
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
            "purpose": purpose.value,
            "release_policy": release_policy.value,
        },
    )
    if purpose is not previous_purpose:  # whether its copies count: its own event, to be found
        record_action(
            "admin.session_purpose",
            target=f"session:{session.id}",
            details={"previous_purpose": previous_purpose.value, "purpose": purpose.value},
        )


class UndrawableQuestionnaire(ExamConfigError):
    """The published bank can no longer fill the questionnaire's blueprint."""


def draw_blocker(questionnaire: Questionnaire) -> str | None:
    """Why no copy of the questionnaire can be drawn now (items retired since it was made), or
    None: every candidate's start would fail with « copie impossible à tirer »."""
    try:
        check_blueprint(questionnaire.theme, questionnaire.item_count, questionnaire.blueprint)
    except ExamConfigError as exc:
        return str(exc)
    return None


def check_drawable(questionnaire: Questionnaire) -> None:
    """Refuse a new session on a questionnaire the bank can no longer fill."""
    if (blocker := draw_blocker(questionnaire)) is not None:
        raise UndrawableQuestionnaire(
            f"Ce questionnaire ne peut plus être tiré : {blocker} Des items ont été retirés "
            "depuis sa création : choisissez-en un autre, ou créez-en un que la banque peut remplir."
        )


def check_new_session_closing(closes_at: datetime, now: datetime) -> None:
    """Refuse a new session closed at birth (a year mistyped): it would take no enrolment, and
    its dates could not be corrected, a closed session being never reopened (``reschedule``)."""
    if closes_at <= now:
        raise ExamConfigError(
            f"La clôture ({paris_time(closes_at)}) est déjà passée : la session serait close dès "
            "sa création, sans inscription possible, et ne pourrait plus être rouverte. "
            "Vérifiez la date (l'année notamment)."
        )


def lock_session(session: ExamSession) -> None:
    """Lock the session's row (PostgreSQL, FOR NO KEY UPDATE) and read it again.

    A second administrator closing, releasing or importing into the same session waits for the
    first to commit, then decides on what it did; candidates starting (FOR KEY SHARE) never wait.
    """
    db.session.execute(
        select(ExamSession.id).where(ExamSession.id == session.id).with_for_update(key_share=True)
    )
    db.session.refresh(session)


def close_session(session: ExamSession, now: datetime) -> None:
    """Close an open session now (attempts already started keep their own deadline)."""
    lock_session(session)  # two administrators closing at once: the second is told it is closed
    if session.is_closed(now):
        raise AdminError("La session est déjà close.")
    if not session.is_open(now):
        raise AdminError("La session n'est pas encore ouverte : modifiez plutôt ses dates.")
    session.closes_at = now
    statistics_on_close(session, now)
    record_action("admin.session_close", target=f"session:{session.id}", now=now)


CORRECTION_BEFORE_CLOSE = (
    "La session n'est pas close : la correction, qui révèle les bonnes réponses, ne peut être "
    "publiée qu'après la clôture, quand aucun inscrit ne peut plus composer."
)


def correction_release_blocker(
    session: ExamSession, now: datetime, grace_seconds: int
) -> str | None:
    """Why a closed session's correction cannot be published yet: copies still being answered."""
    if not session.is_closed(now):
        return CORRECTION_BEFORE_CLOSE
    running = attempts_still_answering(session, now, grace_seconds)
    if running.count == 0:
        return None
    copies = "1 copie en cours" if running.count == 1 else f"{running.count} copies en cours"
    return (
        f"{copies} jusqu'au {paris_time(running.until)} (temps supplémentaire ou incident) : "
        "la correction, qui révèle les bonnes réponses, ne pourra être publiée qu'ensuite."
    )


def awaits_manual_release(session: ExamSession) -> bool:
    """A manual release not done yet (whether it may be done now is the blocker's question)."""
    return session.release_policy is ReleasePolicy.MANUAL and session.released_at is None


def can_release_correction(session: ExamSession, now: datetime, grace_seconds: int) -> bool:
    """Whether « Publier la correction » applies: a manual release, not done, nobody composing."""
    return awaits_manual_release(session) and correction_may_be_public(session, now, grace_seconds)


def release_correction(session: ExamSession, now: datetime, grace_seconds: int) -> None:
    """Publish the correction of a closed session whose release is manual, once nobody composes."""
    lock_session(session)  # two administrators releasing at once: the second is told it is done
    if session.release_policy is not ReleasePolicy.MANUAL:
        raise AdminError("La correction de cette session est publiée automatiquement.")
    if session.released_at is not None:
        raise AdminError("La correction est déjà publiée.")
    blocker = correction_release_blocker(session, now, grace_seconds)
    if blocker is not None:  # a candidate could still answer knowing the keys
        raise AdminError(blocker)
    session.released_at = now
    record_action("admin.correction_release", target=f"session:{session.id}", now=now)


#: « Camille Martin <camille@example.org> », as a mail client copies a recipient
_MAILBOX = re.compile(r"<\s*([^<>\s]+)\s*>\s*$")


def mailbox_address(text: str) -> str:
    """The address of a recipient pasted from a mail client (« Nom <adresse> »,
    « mailto:adresse »); the text itself, stripped, otherwise."""
    text = text.strip()
    if match := _MAILBOX.search(text):
        text = match.group(1)
    if text[:7].lower() == "mailto:":
        text = text[7:]
    return text.strip()


class AlreadyEnrolled(AdminError):
    """The candidate is already enrolled: their enrolment is left as it is."""


def find_enrolment(session: ExamSession, user: User) -> Enrolment | None:
    return db.session.execute(
        select(Enrolment).where(Enrolment.session_id == session.id, Enrolment.user_id == user.id)
    ).scalar_one_or_none()


def enrol_candidate(
    session: ExamSession, email: str, extra_time_percent: int, note: str, now: datetime
) -> Enrolment:
    """Enrol one candidate; one already enrolled is refused and their accommodation kept."""
    lock_session(session)  # a close under way is waited for, then seen
    email = mailbox_address(email)
    user = find_user_by_email(email)
    if user is not None:
        share_accounts([user.id])  # an erasure under way is waited for (see share_accounts)
    if user is not None and is_erased(user):
        raise AdminError(f"{email.strip()} : {ERASED_ACCOUNT_ENROLMENT}")
    if user is None or not user.active or not user.has_role(Role.CANDIDATE):
        raise AdminError(f"Aucun compte candidat actif pour {email.strip()}.")
    if find_enrolment(session, user) is not None:
        raise AlreadyEnrolled(
            f"{user.display_name} est déjà inscrit(e) à cette session : rien n'a été modifié. "
            "Son aménagement se change dans la liste des candidats inscrits."
        )
    enrolment = enrol(session, user, now, extra_time_percent, one_line(note) or None)
    record_action(
        "admin.enrol",
        target=f"session:{session.id}",
        subject_id=user.id,
        details={"extra_time_percent": extra_time_percent},
        now=now,
    )
    return enrolment


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


class EnrolmentImportError(AdminError):
    """The CSV file was refused; nothing was enrolled."""

    def __init__(self, errors: list[LineError]):
        super().__init__(f"{len(errors)} erreur(s) : aucune inscription enregistrée.")
        self.errors = errors


@dataclass(frozen=True)
class EnrolmentRow:
    """A line of an enrolment file; None where its cell is empty or its column absent (a new
    enrolment gets no extra time, note nor group, an existing one keeps its own)."""

    line: int
    user: User
    extra_time_percent: int | None
    note: str | None
    group: str | None = None


_INVALID = -1


def _parse_extra(value: str) -> int | None:
    """The extra time of a cell (« 33 », « 33 % »), None for an empty cell, _INVALID else."""
    value = value.strip().rstrip("%").strip()
    if not value:
        return None
    # « ² » is a digit to str.isdigit, not to int; nor are 5,000 digits (beyond 300 anyway)
    if not (value.isascii() and value.isdigit()) or len(value) > 6:
        return _INVALID
    number = int(value)
    return number if 0 <= number <= 300 else _INVALID


def _cell(cells: list[str], positions: dict[str, int], key: str) -> str:
    """The line's cell of that column, empty where the line is short or the column absent."""
    index = positions.get(key)
    return cells[index] if index is not None and index < len(cells) else ""


def candidate_accounts(emails: Iterable[str]) -> tuple[dict[str, User], set[int]]:
    """The accounts of these addresses (lower case), by address, and the ids of those erased:
    two queries for a whole file, not two per line (at most MAX_CSV_LINES addresses, well within
    the parameters a query may bind)."""
    emails = sorted(set(emails))
    accounts = {
        user.email.lower(): user
        for user in db.session.execute(
            select(User).where(func.lower(User.email).in_(emails))
        ).scalars()
    }
    ids = [user.id for user in accounts.values()]
    share_accounts(ids)  # an erasure under way is waited for, then seen (see share_accounts)
    erased = set(
        db.session.execute(select(Erasure.user_id).where(Erasure.user_id.in_(ids))).scalars()
    )
    return accounts, erased


DELIMITERS = (";", "\t", ",")  # in this order when lines split as well with either


def _delimiter(text: str) -> str:
    """The separator that splits the most lines of the file (quoted cells read as such).

    Not merely the first one present: a comma-separated file whose note reads « Salle calme;
    pause » would otherwise be read with semicolons, every line then one unreadable cell.
    """

    def lines_split(delimiter: str) -> int:
        try:
            return sum(len(row) > 1 for row in csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error:  # reported by the reading itself
            return -1

    counts = {delimiter: lines_split(delimiter) for delimiter in DELIMITERS}
    return max(DELIMITERS, key=lambda delimiter: counts[delimiter])


_SEPARATOR_LINE = re.compile(r"sep=(.)[ \t]*(?:\r\n|\r|\n|$)", re.IGNORECASE)


def _excel_separator_line(text: str) -> tuple[str, str | None]:
    """A first line « sep=; », which some exports write for Excel, names the separator: it is
    followed, and blanked (not removed: the other lines keep their numbers)."""
    match = _SEPARATOR_LINE.match(text.lstrip("\ufeff"))
    if match is None:
        return text, None
    newline = text.index(match.group(0)) + len(match.group(0))
    return "\n" + text[newline:], match.group(1)


def parse_enrolment_csv(text: str) -> list[EnrolmentRow]:
    """Check every line (email ; temps supplémentaire % ; aménagement ; groupe d'analyse).

    A first line without any address is a header: its columns, named in French or English, may
    then come in any order (``enrolment_headers``).
    """
    if "\x00" in text:  # no address holds one, and PostgreSQL refuses it in any query
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise EnrolmentImportError([LineError(line, NUL_IN_CSV)])
    text, delimiter = _excel_separator_line(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter or _delimiter(text))
    try:
        rows = list(records_with_lines(reader))
    except csv.Error as exc:
        raise EnrolmentImportError([LineError(0, f"fichier CSV illisible : {exc}.")]) from exc
    errors: list[LineError] = []
    parsed: list[EnrolmentRow] = []
    seen: dict[str, int] = {}
    if len(rows) > MAX_CSV_LINES:
        raise EnrolmentImportError([LineError(0, f"plus de {MAX_CSV_LINES} lignes.")])
    rows = [(number, [cell.strip() for cell in row]) for number, row in rows]
    rows = [(number, cells) for number, cells in rows if any(cells)]
    positions = POSITIONAL
    if rows and is_header_line(rows[0][1]):
        number, cells = rows.pop(0)
        try:
            positions = locate_columns(cells)
        except HeaderError as exc:  # the other lines cannot be read without their columns
            raise EnrolmentImportError([LineError(number, str(exc))]) from exc
    accounts, erased = candidate_accounts(
        mailbox_address(_cell(cells, positions, EMAIL)).lower() for _, cells in rows
    )
    for number, cells in rows:

        def cell(key: str, cells: list[str] = cells) -> str:
            return _cell(cells, positions, key)

        email = mailbox_address(cell(EMAIL)).lower()
        if "@" not in email:
            errors.append(LineError(number, f"adresse électronique invalide « {cell(EMAIL)} »."))
            continue
        extra = _parse_extra(cell(EXTRA_TIME))
        if extra == _INVALID:
            errors.append(
                LineError(
                    number,
                    f"temps supplémentaire « {cell(EXTRA_TIME)} » : entier de 0 à 300 attendu.",
                )
            )
            continue
        if email in seen:
            errors.append(LineError(number, f"{email} figure déjà ligne {seen[email]}."))
            continue
        seen[email] = number
        user = accounts.get(email)
        if user is not None and user.id in erased:
            errors.append(LineError(number, f"{email} : {ERASED_ACCOUNT_ENROLMENT}"))
            continue
        if user is None or not user.active or not user.has_role(Role.CANDIDATE):
            errors.append(LineError(number, f"aucun compte candidat actif pour {email}."))
            continue
        note = one_line(cell(NOTE)) or None
        if note and len(note) > 500:
            errors.append(LineError(number, "aménagement trop long (500 caractères au plus)."))
            continue
        group = one_line(cell(GROUP)) or None
        if group and len(group) > 60:
            errors.append(LineError(number, "groupe d'analyse trop long (60 caractères au plus)."))
            continue
        parsed.append(EnrolmentRow(number, user, extra, note, group))
    if not errors and not parsed:
        errors.append(LineError(0, "le fichier ne contient aucune inscription."))
    if errors:
        raise EnrolmentImportError(errors)
    return parsed


@dataclass(frozen=True)
class EnrolmentImport:
    created: int
    updated: int  # already enrolled: the file's non-empty cells replace theirs
    already_enrolled: tuple[str, ...] = ()  # their names, in the file's order
    warning: str | None = None  # how the file was read, when it was not UTF-8
    extended: tuple[str, ...] = ()  # whose copy being written got the extra time added


def import_enrolments(
    session: ExamSession, data: bytes, now: datetime, grace_seconds: int = 0
) -> EnrolmentImport:
    """Enrol every candidate of the CSV file, or none of them.

    A candidate already enrolled gets the file's extra time, note and group where its cells
    are filled in, and keeps their own where they are empty (a list of addresses alone, sent to
    add a few candidates, must not take anyone's extra time away); « 0 » removes extra time.
    More extra time lengthens the copy a candidate is writing, as `update_enrolment` does.
    A handful of queries for the whole file, whatever its length.
    """
    # two files sent at once into this session: the second waits, then finds the first's
    # enrolments (updated, not created twice, a running copy extended once); a close meanwhile
    # is seen
    lock_session(session)
    if session.is_closed(now):  # the whole file is refused at once, not line by line
        raise EnrolmentImportError([LineError(0, CLOSED_SESSION_ENROLMENT)])
    try:
        text, warning = decode_spreadsheet_text(data)
    except UndecodableFile as exc:
        raise EnrolmentImportError([LineError(0, str(exc))]) from exc
    rows = parse_enrolment_csv(text)
    already = {
        enrolment.user_id: enrolment
        for enrolment in db.session.execute(
            select(Enrolment).where(Enrolment.session_id == session.id)
        ).scalars()
    }
    judged = {}
    if not session.is_training:  # a training session has no barrier
        from questionnaire.reports.angoff_judges import panels_judged_by

        newcomers = [row.user.id for row in rows if row.user.id not in already]
        judged = panels_judged_by(newcomers, session.questionnaire.theme)
    refused = []
    extended = []
    for row in rows:
        current = already.get(row.user.id)
        previous = current.extra_time_percent if current is not None else None
        extra, note, group = row.extra_time_percent, row.note, row.group
        if current is not None:  # an empty cell changes nothing
            extra = current.extra_time_percent if extra is None else extra
            note = current.accommodation_note if note is None else note
            group = current.analysis_group if group is None else group
        try:
            enrolment = place_enrolment(
                session, row.user, now, current, extra or 0, note, judged.get(row.user.id, [])
            )
        except ExamConfigError as exc:  # e.g. they read, or may read, items this session draws
            refused.append(LineError(row.line, str(exc)))
        else:
            enrolment.analysis_group = group
            if previous is not None and enrolment.extra_time_percent > previous:
                change = follow_extra_time(enrolment, now, grace_seconds)
                if change is not None and change.added:
                    extended.append(row.user.display_name)
    if refused:  # the whole file waits (the caller rolls back the lines already enrolled)
        raise EnrolmentImportError(refused)
    already_enrolled = tuple(row.user.display_name for row in rows if row.user.id in already)
    updated = len(already_enrolled)
    record_action(
        "admin.enrolment_import",
        target=f"session:{session.id}",
        details={"rows": len(rows), "updated": updated, "running_copies_extended": len(extended)},
        now=now,
    )
    return EnrolmentImport(len(rows) - updated, updated, already_enrolled, warning, tuple(extended))


class EnrolmentGone(AdminError):
    """The enrolment was removed (by another administrator) while it was being edited."""


ENROLMENT_GONE = (
    "Cette inscription vient d'être supprimée (par un autre administrateur) : l'aménagement n'a "
    "pas été enregistré."
)

ERASED_ENROLMENT = (
    "Le compte de ce candidat a été effacé (RGPD) : son inscription est conservée telle quelle, "
    "sous pseudonyme, pour le bilan de la session et les statistiques ; elle ne reçoit plus "
    "d'aménagement, de temps supplémentaire ni de groupe d'analyse."
)


def update_enrolment(
    enrolment: Enrolment,
    extra_time_percent: int,
    note: str,
    group: str | None = None,
    *,
    now: datetime,
    grace_seconds: int,
) -> RunningCopyChange | None:
    """Accommodation and (when given) the analysis group used by the DIF of the reports.

    More extra time also lengthens the copy the candidate is writing (`follow_extra_time`):
    what that did, or None when they have no copy being written. An erased account's
    enrolment is refused: the erasure removed its note, none comes back on the pseudonym.
    """
    if not 0 <= extra_time_percent <= 300:
        raise AdminError("Le temps supplémentaire doit être compris entre 0 et 300 %.")
    # two edits (or an edit and a file) at once each read the old extra time and extended the
    # running copy twice: the session's row serialises them, then the enrolment is read again,
    # its row locked: a removal under way is waited for, then seen (its UPDATE would else match
    # no row, a server error)
    lock_session(enrolment.session)
    if (
        db.session.execute(
            select(Enrolment.id).where(Enrolment.id == enrolment.id).with_for_update()
        ).first()
        is None
    ):
        raise EnrolmentGone(ENROLMENT_GONE)
    db.session.refresh(enrolment)
    if is_erased(enrolment.user):
        raise AdminError(ERASED_ENROLMENT)
    enrolment.extra_time_percent = extra_time_percent
    enrolment.accommodation_note = one_line(note) or None
    if group is not None:
        enrolment.analysis_group = one_line(group)[:60] or None
    change = follow_extra_time(enrolment, now, grace_seconds)
    details = {"extra_time_percent": extra_time_percent}
    if change is not None and change.added:
        details["running_copy_added_seconds"] = int(change.added.total_seconds())
    record_action(
        "admin.enrolment_update",
        target=f"session:{enrolment.session_id}",
        subject_id=enrolment.user_id,
        details=details,
        now=now,
    )
    return change


def erased_in_session(session: ExamSession) -> set[int]:
    """The accounts enrolled in the session that were erased (RGPD): their rows are kept as
    they are (``ERASED_ENROLMENT``)."""
    return set(
        db.session.execute(
            select(Erasure.user_id)
            .join(Enrolment, Enrolment.user_id == Erasure.user_id)
            .where(Enrolment.session_id == session.id)
        ).scalars()
    )


def has_started(enrolment: Enrolment) -> bool:
    """Whether the candidate has an attempt (its deadline was fixed when it started)."""
    return (
        db.session.execute(select(Attempt.id).where(Attempt.enrolment_id == enrolment.id)).first()
        is not None
    )


CLOSED_SESSION_UNENROLMENT = (
    "La session est close : ses inscriptions font partie de son bilan (inscrits, présents, "
    "absents, dans les rapports de la session et de la période) et ne se suppriment plus."
)


def unenrol(enrolment: Enrolment, now: datetime) -> None:
    """Remove an enrolment nobody has used yet, while its session is not closed."""
    # the session's row first, as an edit, a file or a close take it: a file under way is
    # waited for, and one sent meanwhile waits and finds the enrolment gone (it updated a row
    # deleted under it, a server error); a close under way is seen
    lock_session(enrolment.session)
    if enrolment.session.is_closed(now):  # an absent candidate is part of the session's record
        raise AdminError(CLOSED_SESSION_UNENROLMENT)
    # the enrolment's row locked (PostgreSQL) before the check: a start under way holds it
    # shared through its copy's foreign key, so the removal waits for it, then finds the copy
    # (instead of deleting a row the copy references, a server error)
    if (
        db.session.execute(
            select(Enrolment.id).where(Enrolment.id == enrolment.id).with_for_update()
        ).first()
        is None
    ):
        raise EnrolmentGone("Cette inscription a déjà été supprimée (par un autre administrateur).")
    if has_started(enrolment):
        raise AdminError("Le candidat a déjà commencé : son inscription est conservée.")
    record_action(
        "admin.unenrol", target=f"session:{enrolment.session_id}", subject_id=enrolment.user_id
    )
    db.session.delete(enrolment)


# ---------------------------------------------------------------- users


class SelfDeactivation(AccountError):
    """An administrator tried to deactivate their own account."""


class PasswordRefused(AccountError):
    """The new password of the account form is refused (the rule, or one's own)."""


#: One's own password is changed where the current one is asked (and wrong ones are limited).
OWN_PASSWORD = (
    "Votre propre mot de passe se change sur la page « Changer de mot de passe » (menu du "
    "compte), qui demande l'actuel : rien n'a été modifié."
)


class ErasedAccount(AccountError):
    """An erased account cannot get back a name, a password or the right to log in."""


ERASED_ACCOUNT = (
    "Ce compte a été effacé (RGPD) : il reste sous son pseudonyme, désactivé et sans mot de "
    "passe ; il ne peut être ni renommé, ni réactivé, ni recevoir un mot de passe. Si la "
    "personne revient, créez-lui un nouveau compte."
)


def writing_role_refusal(user: User, granted: Iterable[Role], pending: ExamSession) -> str:
    """Why an author's or reviewer's role may not be given to a candidate yet."""
    granted = set(granted)
    one = len(granted.intersection(WRITING_ROLES)) == 1
    roles = f"{writing_roles_phrase(granted)} {'ouvre' if one else 'ouvrent'}"
    return (
        f"{user.display_name} est inscrit(e) comme candidat(e) à la session de certification "
        f"« {pending.title} » (ouverture le {paris_time(pending.opens_at)}) : {roles} "
        "l'atelier et les échanges, donc les items et les corrigés de toutes les banques. "
        f"Attribuez-{'le' if one else 'les'} après son épreuve, ou désinscrivez d'abord cette "
        "personne de la session."
    )


LAST_ADMINISTRATOR = (
    "Il doit rester au moins un administrateur actif : ce compte est désormais le dernier. "
    "Donnez d'abord le rôle d'administrateur à un autre compte actif."
)


def keep_an_administrator(user: User) -> None:
    """Refuse to withdraw the last active administrator (role taken away or account closed).

    The active administrators' rows are locked first (PostgreSQL): two administrators
    withdrawing each other at once both saw the other one remain; the second now waits for the
    first, then counts again.
    """
    from questionnaire.auth.models import UserRole

    administrators = select(UserRole.user_id).where(UserRole.role == Role.ADMIN)
    db.session.execute(
        select(User.id).where(User.active, User.id.in_(administrators)).with_for_update()
    )
    others = db.session.execute(
        select(func.count(User.id)).where(
            User.active, User.id.in_(administrators), User.id != user.id
        )
    ).scalar_one()
    if not others:
        raise AccountError(LAST_ADMINISTRATOR)


def session_still_to_sit(user: User, now: datetime) -> ExamSession | None:
    """The soonest session where the user is enrolled and still has to compose: not closed and
    not started, or with a copy in progress (which may run past the close)."""
    from questionnaire.attempts.models import AttemptStatus

    rows = db.session.execute(
        select(ExamSession, Attempt.status)
        .join(Enrolment, Enrolment.session_id == ExamSession.id)
        .outerjoin(Attempt, Attempt.enrolment_id == Enrolment.id)
        .where(Enrolment.user_id == user.id)
        .order_by(ExamSession.opens_at, ExamSession.id)
    ).all()
    for session, status in rows:
        if status is AttemptStatus.IN_PROGRESS or (status is None and not session.is_closed(now)):
            return session
    return None


def candidate_role_refusal(user: User, session: ExamSession) -> str:
    """Why the candidate's role may not be taken away yet: the candidate pages need it."""
    return (
        f"{user.display_name} est inscrit(e) à la session « {session.title} » (clôture le "
        f"{paris_time(session.closes_at)}) et n'y a pas encore remis de copie : sans le rôle de "
        "candidat, cette personne ne pourrait plus y composer, ni finir une copie commencée. "
        "Désinscrivez-la d'abord, ou retirez ce rôle après son épreuve."
    )


def erasure_date(user: User) -> datetime | None:
    """When the account was erased (RGPD), or None."""
    return db.session.execute(
        select(Erasure.erased_at).where(Erasure.user_id == user.id)
    ).scalar_one_or_none()


def update_user(
    user: User,
    acting: User,
    *,
    display_name: str,
    roles: Iterable[Role],
    active: bool,
    now: datetime,
    new_password: str = "",
) -> None:
    """Edit an account; an administrator cannot lock themselves out, an erased account stays
    anonymous and closed (the erasure is final), and a candidate still to sit a certification
    session gets no role that opens the banks' items and keys."""
    roles = set(roles)
    if erasure_date(user) is not None and (
        active or new_password or display_name.strip() != user.display_name
    ):
        raise ErasedAccount(ERASED_ACCOUNT)
    if not roles:
        raise AccountError("Un compte doit avoir au moins un rôle.")
    if user.id == acting.id and Role.ADMIN not in roles:
        raise AccountError("Vous ne pouvez pas retirer votre propre rôle d'administrateur.")
    if user.id == acting.id and not active:
        raise SelfDeactivation("Vous ne pouvez pas désactiver votre propre compte.")
    if user.active and Role.ADMIN in user.roles and not (active and Role.ADMIN in roles):
        keep_an_administrator(user)
    if (
        Role.CANDIDATE in user.roles
        and Role.CANDIDATE not in roles
        and (still_to_sit := session_still_to_sit(user, now)) is not None
    ):
        raise AccountError(candidate_role_refusal(user, still_to_sit))
    if (granted := roles.intersection(WRITING_ROLES) - set(user.roles)) and (
        pending := pending_candidacy(user, None, now)
    ) is not None:
        raise AccountError(writing_role_refusal(user, granted, pending))
    if new_password:
        if user.id == acting.id:
            raise PasswordRefused(OWN_PASSWORD)
        if (refused := password_policy_error(new_password, user.email)) is not None:
            raise PasswordRefused(refused)
        user.password_hash = hash_password(new_password)
        # a password chosen for somebody else is known to the administrator: its holder
        # replaces it at the next login
        user.must_change_password = True
        user.end_sessions()  # whoever held the old password is signed out
    deactivated = user.active and not active
    # a reactivated account must not find its old cookies valid again, nor a cookie issued
    # under other roles survive them; the acting administrator keeps the session in use
    roles_changed = roles != set(user.roles) and user.id != acting.id
    if deactivated or roles_changed:
        user.end_sessions()
    user.display_name = display_name.strip()
    user.set_roles(roles)
    user.active = active
    record_account_update(user, password_changed=bool(new_password))


def record_account_update(user: User, *, password_changed: bool) -> None:
    """Journal an account's roles and state as they now are (the form, ``users grant-admin``)."""
    record_action(
        "admin.user_update",
        target=f"user:{user.id}",
        subject_id=user.id,
        details={
            "roles": sorted(role.value for role in user.roles),
            "active": user.active,
            "password_changed": password_changed,
            "must_change_password": user.must_change_password,
        },
    )


USERS_PAGE_SIZE = 100


def list_users(role: Role | None = None, text: str = "", page: int | None = 1) -> Page[User]:
    """One page of the accounts, by name: those holding ``role`` and whose name or address
    contains ``text`` (accents and case ignored, as the audit journal's search), when given."""
    from questionnaire.audit.services import matching_people
    from questionnaire.auth.models import UserRole

    query = select(User).order_by(User.sort_name, User.email)
    if role is not None:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if text.strip():
        matched = [person.id for person in matching_people(text)]
        # written into the statement, not bound one by one: a search matching most of a large
        # register (« agent », tens of thousands of candidates over the years) passed the
        # 65,535 values PostgreSQL takes in one statement, a server error
        query = query.where(
            User.id.in_(bindparam("matched", matched, expanding=True, literal_execute=True))
        )
    return paged(query, page, USERS_PAGE_SIZE)
