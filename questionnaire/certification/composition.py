"""Correcting the composition of a recorded deliberation: a misspelt name, a seat misattributed.

The day and the blocks the deliberation capitalised stay as recorded; only its members change,
under the rules of the recording (``deliberation.member_problems``), and the correction is
audited as its own action, without names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from questionnaire.audit.services import record
from questionnaire.auth.models import User
from questionnaire.certification.deliberation import (
    UNDECLARED_ROWS,
    CompositionProblem,
    DeliberationRefused,
    MemberEntry,
    member_problems,
)
from questionnaire.certification.models import (
    BlockValidation,
    CertificationEnrolment,
    Deliberation,
    DeliberationMember,
)
from questionnaire.extensions import db

SELF_CORRECTION = (
    "Vous êtes candidat : un autre membre du jury ou un administrateur corrige la composition de "
    "la délibération qui a capitalisé vos blocs."
)
NOTHING_CHANGED = "La composition saisie est celle déjà enregistrée : il n'y a rien à corriger."


@dataclass(frozen=True)
class RecordedSeat:
    """A seat as the deliberation recorded it (the referential's wording on that day)."""

    code: str
    label: str
    source_line: int | None = None


def recorded_seats(deliberation: Deliberation) -> list[RecordedSeat | None]:
    """One row per seat the deliberation recorded, by position; without a declared composition,
    ``UNDECLARED_ROWS`` rows (more if it named more members), each member at its position."""
    members = deliberation.members
    if any(m.seat_code for m in members):
        return [RecordedSeat(m.seat_code, m.seat_label or m.seat_code) for m in members]
    rows = max([UNDECLARED_ROWS - 1, *(m.position for m in members)]) + 1
    return [None] * rows


def recorded_entries(deliberation: Deliberation, rows: int) -> list[MemberEntry]:
    """The members as recorded, one entry per row (an empty entry where nobody sat)."""
    by_position = {m.position: m for m in deliberation.members}
    return [
        MemberEntry(by_position[row].name, by_position[row].user)
        if row in by_position
        else MemberEntry("")
        for row in range(rows)
    ]


def judged_candidates(deliberation: Deliberation) -> set[int]:
    """The accounts whose blocks the deliberation capitalised (they do not sit on it)."""
    return set(
        db.session.execute(
            select(CertificationEnrolment.user_id)
            .join(BlockValidation, BlockValidation.enrolment_id == CertificationEnrolment.id)
            .where(BlockValidation.deliberation_id == deliberation.id)
        ).scalars()
    )


def may_correct(deliberation: Deliberation, user: User) -> bool:
    """Whether ``user`` may correct the composition: not a candidate whose blocks it capitalised."""
    return user.id not in judged_candidates(deliberation)


def _snapshot(deliberation: Deliberation) -> dict[int, tuple[str, int | None]]:
    return {m.position: (m.name, m.user_id) for m in deliberation.members}


def composition_problems(
    deliberation: Deliberation, entries: list[MemberEntry], corrected_by: User | None
) -> list[CompositionProblem]:
    """Every reason to refuse the corrected composition (the recording's rules), row by row."""
    seats = recorded_seats(deliberation)
    before = _snapshot(deliberation)
    problems = member_problems(
        [seat for seat in seats if seat is not None],
        entries,
        judged_candidates(deliberation),
        corrected_by,
        kept_accounts=frozenset(user_id for _name, user_id in before.values() if user_id),
        self_recording=SELF_CORRECTION,
    )
    if not problems and _entered(entries) == before:
        problems.append(CompositionProblem(None, "name", NOTHING_CHANGED))
    return problems


def _entered(entries: list[MemberEntry]) -> dict[int, tuple[str, int | None]]:
    return {
        row: (" ".join(entry.name.split()), entry.account.id if entry.account else None)
        for row, entry in enumerate(entries)
        if entry.name.strip()
    }


def correct_composition(
    deliberation: Deliberation, entries: list[MemberEntry], corrected_by: User, now: datetime
) -> Deliberation:
    """Replace the deliberation's members by ``entries`` (one per recorded row), seats kept.

    Refused (``DeliberationRefused``) as a recording is: an empty seat, a person named twice, an
    account that is not a jury member's or is a candidate's whose blocks it capitalised; an
    account already linked to the deliberation may stay linked. The caller commits.
    """
    # sent twice at once (PostgreSQL): the second waits, then finds the first's names and is
    # refused as a correction that changes nothing
    db.session.execute(
        select(Deliberation.id)
        .where(Deliberation.id == deliberation.id)
        .with_for_update(key_share=True)
    )
    db.session.refresh(deliberation, ["members"])
    problems = composition_problems(deliberation, entries, corrected_by)
    if problems:
        raise DeliberationRefused(problems)
    seats = recorded_seats(deliberation)
    before, after = _snapshot(deliberation), _entered(entries)
    changed = sorted(
        row for row in before.keys() | after.keys() if before.get(row) != after.get(row)
    )
    existing = {m.position: m for m in deliberation.members}
    for row, seat in enumerate(seats):
        member = existing.pop(row, None)
        if row not in after:
            if member is not None:
                deliberation.members.remove(member)
            continue
        if member is None:
            member = DeliberationMember(
                position=row,
                seat_code=seat.code if seat else None,
                seat_label=seat.label if seat else None,
            )
            deliberation.members.append(member)
        member.name, member.user_id = after[row]
    for member in existing.values():
        deliberation.members.remove(member)
    db.session.flush()
    # the names stay in their table (docs/rgpd-register.md): the log keeps seats and counts
    record(
        "certification.deliberation_composition",
        now,
        actor_id=corrected_by.id,
        target=f"certification:{deliberation.certification.slug}",
        details={
            "deliberation": deliberation.id,
            "held_on": deliberation.held_on.isoformat(),
            "members_before": len(before),
            "members": len(after),
            # which seats changed hands or spelling (a declared composition), never to whom
            "seats_corrected": [seats[row].code for row in changed if seats[row] is not None],
            "names_corrected": sum(
                1 for row in changed if before.get(row, ("",))[0] != after.get(row, ("",))[0]
            ),
            "accounts_changed": sum(
                1
                for row in changed
                if before.get(row, ("", None))[1] != after.get(row, ("", None))[1]
            ),
        },
    )
    return deliberation
