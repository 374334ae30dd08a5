"""The jury's deliberation: the day it was held, its members, the blocks it capitalises.

Seed 002 declares its jury (« un représentant du collège salarié de la CPNE ; un représentant
du collège employeur de la CPNE ; un permanent de la Confédération Nationale du Crédit
Mutuel »): a deliberation names one member per declared seat. A referential that declares no
composition names at least one member. Members of the CPNE need no account on the platform:
their name is entered, their jury account linked when they have one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import BigInteger, cast, func, select

from questionnaire.audit.services import record
from questionnaire.auth.models import Role, User
from questionnaire.certification import rules, services
from questionnaire.certification.loader import REFERENTIALS_LOCK
from questionnaire.certification.models import (
    BlockValidation,
    Certification,
    CertificationEnrolment,
    Deliberation,
    DeliberationMember,
    JurySeat,
)
from questionnaire.clock import paris_day
from questionnaire.extensions import db

#: Member rows offered when the referential declares no composition (the page works without
#: JavaScript, so it cannot add rows): at least one is filled in.
UNDECLARED_ROWS = 6
NAME_MAX = 200

DATE_REQUIRED = "Indiquez la date à laquelle le jury a délibéré."
DATE_IN_THE_FUTURE = (
    "La date de la délibération ne peut pas être postérieure à aujourd'hui "
    "({today:%d/%m/%Y}, heure de Paris)."
)
DATE_TOO_EARLY = services.DAY_TOO_EARLY
SEAT_EMPTY = "Indiquez le nom du membre qui occupe ce siège."
SELF_RECORDING = (
    "Vous êtes candidat : un autre membre du jury ou un administrateur enregistre la délibération "
    "qui capitalise vos blocs."
)
NAMELESS = (
    "Indiquez le nom de ce membre (le compte seul ne suffit pas) ; pour retirer ce membre, "
    "choisissez aussi « — sans compte sur la plateforme — »."
)
NO_MEMBER = "Indiquez au moins un membre du jury (nom et prénom)."
NAME_TOO_LONG = f"{NAME_MAX} caractères au plus."
NOTHING_PENDING = "Aucun bloc validé n'attend d'être capitalisé : il n'y a rien à enregistrer."
#: First half of the advisory lock key of a certification's deliberations (PostgreSQL), the
#: certification's id being the second: a number no other lock of the application uses.
DELIBERATION_LOCK = 0xDE1_0000


@dataclass(frozen=True)
class MemberEntry:
    """A member as entered on the deliberation page: their name and, if any, their jury account."""

    name: str
    account: User | None = None


@dataclass(frozen=True)
class CompositionProblem:
    """Why a deliberation is refused: the member row concerned (None: the date or the whole),
    the field (``held_on``, ``name`` or ``account``) and the message, in French."""

    row: int | None
    field: str
    message: str


class DeliberationRefused(services.CertificationError):
    """The deliberation was not recorded; ``problems`` says why, row by row."""

    def __init__(self, problems: list[CompositionProblem]):
        super().__init__(" ".join(p.message for p in problems))
        self.problems = problems


def seat_rows(certification: Certification) -> list[JurySeat | None]:
    """One row per declared seat, or ``UNDECLARED_ROWS`` rows without a seat."""
    return list(certification.jury_seats) or [None] * UNDECLARED_ROWS


def person_key(name: str) -> str:
    """A name as compared for duplicates: without case, accents, punctuation or word order
    (« MARTIN Jean-Pierre » and « Jean Pierre Martin » are one person)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(sorted(re.sub(r"[\W_]+", " ", text).split()))


def pending_blocks(
    certification: Certification, held_on: date | None = None
) -> list[tuple[CertificationEnrolment, rules.BlockResult]]:
    """What a deliberation held on ``held_on`` capitalises: each block validated by that day
    (Paris) and not capitalised yet; every such block when no day is given."""
    return [
        (enrolment, block)
        for enrolment, block in services.blocks_to_capitalise(certification)
        if held_on is None or paris_day(block.validated_at) <= held_on
    ]


def _date_problems(
    certification: Certification, held_on: date | None, today: date
) -> list[CompositionProblem]:
    def problem(message: str) -> list[CompositionProblem]:
        return [CompositionProblem(None, "held_on", message)]

    if held_on is None:
        return problem(DATE_REQUIRED)
    if held_on > today:
        return problem(DATE_IN_THE_FUTURE.format(today=today))
    if held_on < services.EARLIEST_DAY:
        return problem(DATE_TOO_EARLY)
    if not pending_blocks(certification, held_on):
        if not pending_blocks(certification):
            return problem(NOTHING_PENDING)
        return problem(
            f"Aucun bloc n'était validé le {held_on:%d/%m/%Y} : une délibération tenue ce "
            "jour-là ne capitalise rien. Vérifiez la date."
        )
    return []


def composition_problems(
    certification: Certification,
    held_on: date | None,
    entries: list[MemberEntry],
    today: date,
    recorded_by: User | None = None,
) -> list[CompositionProblem]:
    """Every reason to refuse the deliberation, each tied to its member row and field.

    A declared seat left empty, one person named twice (by name or account), an account that is
    not a jury member's, or a candidate sitting on a deliberation that capitalises their blocks
    are refused; so is a date in the future or one by which no block was validated.
    """
    candidates = {enrolment.user_id for enrolment, _block in pending_blocks(certification)}
    return _date_problems(certification, held_on, today) + member_problems(
        list(certification.jury_seats), entries, candidates, recorded_by
    )


def member_problems(
    seats: list,
    entries: list[MemberEntry],
    candidates: set[int],
    recorded_by: User | None = None,
    kept_accounts: frozenset[int] = frozenset(),
    self_recording: str = SELF_RECORDING,
) -> list[CompositionProblem]:
    """The composition's refusals (recording or correcting it), each tied to its row and field.

    ``seats``: the seats to fill (each with a ``label``), empty without a declaration;
    ``candidates``: the accounts whose blocks the deliberation capitalises; ``kept_accounts``:
    accounts already linked to the deliberation, kept even if they have left the jury since."""
    problems = []
    if seats and len(entries) != len(seats):
        problems.append(
            CompositionProblem(
                None,
                "name",
                f"Le référentiel déclare {len(seats)} sièges : nommez un membre par siège.",
            )
        )
        return problems
    if recorded_by is not None and recorded_by.id in candidates:
        problems.append(CompositionProblem(None, "name", self_recording))
    names: dict[str, int] = {}
    accounts: dict[int, int] = {}
    for row, entry in enumerate(entries):
        name, account = " ".join(entry.name.split()), entry.account
        if not name:
            if seats or account is not None:
                problems.append(CompositionProblem(row, "name", SEAT_EMPTY if seats else NAMELESS))
            continue
        if len(name) > NAME_MAX:
            problems.append(CompositionProblem(row, "name", NAME_TOO_LONG))
        elif person_key(name) in names:
            problems.append(
                CompositionProblem(
                    row,
                    "name",
                    f"« {name} » est déjà nommé {_where(seats, names[person_key(name)])} : une "
                    "même personne ne siège qu'une fois.",
                )
            )
        else:
            names[person_key(name)] = row
        if account is not None:
            problems += _account_problems(row, account, accounts, candidates, seats, kept_accounts)
    if not seats and not names and not any(p.row is not None for p in problems):
        problems.append(CompositionProblem(0, "name", NO_MEMBER))
    return problems


def _account_problems(
    row: int,
    account: User,
    accounts: dict[int, int],
    candidates: set[int],
    seats: list,
    kept_accounts: frozenset[int] = frozenset(),
) -> list[CompositionProblem]:
    """A linked account is an active jury member's, linked once, and not a candidate's."""
    if not (account.active and account.has_role(Role.JURY)) and account.id not in kept_accounts:
        return [
            CompositionProblem(row, "account", "Ce compte n'est pas celui d'un membre du jury.")
        ]
    if account.id in accounts:
        return [
            CompositionProblem(
                row,
                "account",
                f"Ce compte est déjà choisi {_where(seats, accounts[account.id])} : une même "
                "personne ne siège qu'une fois.",
            )
        ]
    accounts[account.id] = row
    if account.id in candidates:
        return [
            CompositionProblem(
                row,
                "account",
                "Ce membre est candidat : il ne siège pas à une délibération qui capitalise ses "
                "propres blocs.",
            )
        ]
    return []


def _where(seats: list, row: int) -> str:
    """« au siège « … » » or « en membre 2 »: where the same person already sits."""
    return f"au siège « {seats[row].label} »" if seats else f"comme membre {row + 1}"


def _lock_deliberations(certification: Certification) -> None:
    """Hold the certification's deliberations until the commit, then read its records afresh
    (PostgreSQL; SQLite lets one writer at a time).

    Two members recording at once both capitalised the same blocks: the second ended in an
    integrity error. It now waits, then finds them capitalised (« Aucun bloc validé n'attend
    … »). An evaluation revised meanwhile is waited for too, so no block is capitalised on a
    word the record no longer holds. A referentials load, which locks the blocks, is waited for first (shared lock), so
    neither waits for the other while holding what the other needs.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(
        select(func.pg_advisory_xact_lock_shared(cast(REFERENTIALS_LOCK, BigInteger)))
    )
    key = (DELIBERATION_LOCK << 32) | certification.id
    db.session.execute(select(func.pg_advisory_xact_lock(cast(key, BigInteger))))
    # an evaluation, an observation or an accommodation being written holds its candidate's
    # record (services.hold_record): the deliberation waits for it, then reads what it wrote
    # (in id order; each of those writers holds one record only, nothing here)
    db.session.execute(
        select(CertificationEnrolment.id)
        .where(CertificationEnrolment.certification_id == certification.id)
        .order_by(CertificationEnrolment.id)
        .with_for_update(key_share=True)
    )
    # the form's checks read the capitalised blocks before the wait: read them again
    db.session.flush()
    db.session.expire_all()


def record_deliberation(
    certification: Certification,
    held_on: date | None,
    entries: list[MemberEntry],
    recorded_by: User,
    now: datetime,
) -> Deliberation:
    """Record the deliberation held on ``held_on`` and capitalise the blocks validated by then.

    Each capitalised block (``BlockValidation``) points to the deliberation, which keeps its
    members with their seat as declared that day. The caller commits.
    """
    _lock_deliberations(certification)
    problems = composition_problems(certification, held_on, entries, paris_day(now), recorded_by)
    if problems:
        raise DeliberationRefused(problems)
    seats = list(certification.jury_seats) or [None] * len(entries)
    deliberation = Deliberation(
        certification_id=certification.id,
        held_on=held_on,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    for row, (seat, entry) in enumerate(zip(seats, entries, strict=True)):
        name = " ".join(entry.name.split())
        if not name:
            continue  # an unused row of an undeclared composition
        deliberation.members.append(
            DeliberationMember(
                position=row,
                seat_code=seat.code if seat else None,
                seat_label=seat.label if seat else None,
                name=name,
                user_id=entry.account.id if entry.account else None,
            )
        )
    db.session.add(deliberation)
    db.session.flush()
    blocks = {block.code: block for block in certification.blocks}
    pending = pending_blocks(certification, held_on)
    for enrolment, block in pending:
        enrolment.block_validations.append(
            BlockValidation(
                block=blocks[block.code],
                validated_at=block.validated_at,
                recorded_by_id=recorded_by.id,
                recorded_at=now,
                deliberation=deliberation,
            )
        )
        record(
            "certification.capitalise",
            now,
            actor_id=recorded_by.id,
            subject_id=enrolment.user_id,
            target=f"certification:{certification.slug}",
            details={"block": block.code, "deliberation": deliberation.id},
        )
    db.session.flush()
    # the names stay in their table (docs/rgpd-register.md): the log keeps seats and counts
    record(
        "certification.deliberation",
        now,
        actor_id=recorded_by.id,
        target=f"certification:{certification.slug}",
        details={
            "deliberation": deliberation.id,
            "held_on": held_on.isoformat(),
            "members": len(deliberation.members),
            "seats": [m.seat_code for m in deliberation.members if m.seat_code],
            "capitalised_blocks": len(pending),
            "candidates": len({enrolment.id for enrolment, _block in pending}),
        },
    )
    return deliberation


def deliberations_of(certification: Certification) -> list[tuple[Deliberation, int, int]]:
    """The certification's deliberations, latest first, each with the blocks it capitalised and
    the candidates they belong to."""
    deliberations = db.session.execute(
        select(Deliberation)
        .where(Deliberation.certification_id == certification.id)
        .order_by(Deliberation.held_on.desc(), Deliberation.id.desc())
    ).scalars()
    counts = {
        row.deliberation_id: (row.blocks, row.candidates)
        for row in db.session.execute(
            select(
                BlockValidation.deliberation_id,
                func.count(BlockValidation.id).label("blocks"),
                func.count(func.distinct(BlockValidation.enrolment_id)).label("candidates"),
            )
            .join(Deliberation, Deliberation.id == BlockValidation.deliberation_id)
            .where(Deliberation.certification_id == certification.id)
            .group_by(BlockValidation.deliberation_id)
        )
    }
    return [(d, *counts.get(d.id, (0, 0))) for d in deliberations]


def deliberations_by_block(enrolment: CertificationEnrolment) -> dict[str, Deliberation | None]:
    """Block code → the deliberation that capitalised it (None for a block capitalised before
    deliberations were recorded); a block not capitalised is absent."""
    return {v.block.code: v.deliberation for v in enrolment.block_validations}


def title_awarded_on(enrolment: CertificationEnrolment, result: rules.TitleResult) -> date | None:
    """The day the title was obtained (None until it is): that of the deliberation that
    capitalised the last of its blocks, or the day its last block or prerequisite was met if
    later (a block capitalised before deliberations were recorded has only its own day).

    The blocks keep the days they were validated; the title is the jury's decision and is never
    obtained before the jury deliberated."""
    if not result.is_awarded or result.validated_at is None:
        return None
    held = [d.held_on for d in deliberations_by_block(enrolment).values() if d is not None]
    return max([paris_day(result.validated_at), *held])


def juries_of(enrolment: CertificationEnrolment) -> list[tuple[Deliberation | None, list[str]]]:
    """Each deliberation that capitalised some of the candidate's blocks, by day, with the codes
    of those blocks; None first gathers the blocks capitalised before deliberations were kept."""
    codes: dict[int | None, list[str]] = {}
    held: dict[int | None, Deliberation | None] = {}
    for validation in enrolment.block_validations:
        key = validation.deliberation_id
        held[key] = validation.deliberation
        codes.setdefault(key, []).append(validation.block.code)
    order = sorted(held, key=lambda k: (k is not None, held[k].held_on if k else None, k or 0))
    return [(held[key], codes[key]) for key in order]


def member_text(member: DeliberationMember) -> str:
    """« Jeanne Martin (Représentant du collège employeur de la CPNE) », or the name alone."""
    return f"{member.name} ({member.seat_label})" if member.seat_label else member.name


def composition_text(deliberation: Deliberation) -> str:
    """The deliberation in one line, for exports: its day and its members with their seats."""
    members = " ; ".join(member_text(m) for m in deliberation.members)
    return f"délibération du {deliberation.held_on:%d/%m/%Y} : {members}"
