"""Export of a person's data, erasure by pseudonymisation, and the retention purge."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, text

from questionnaire.accessibility.services import preferences_for
from questionnaire.attempts.models import Attempt, AttemptStatus, GradeChange
from questionnaire.attempts.results import attempt_result
from questionnaire.attempts.services import close_if_time_up
from questionnaire.audit.models import PURGE_OPTION, AuditEvent
from questionnaire.audit.services import events_about, record
from questionnaire.auth.models import User, UserRole
from questionnaire.certification.models import (
    Accommodation,
    BlockValidation,
    Certification,
    CertificationEnrolment,
    Deliberation,
    DeliberationMember,
    DesignatedEvaluator,
    JuryEvaluation,
    ObservedInterview,
    PrerequisiteRecord,
)
from questionnaire.certification.services import enrolments_of
from questionnaire.exams.models import BASIS_POINTS, Enrolment, ExamSession
from questionnaire.extensions import db
from questionnaire.folding import folded
from questionnaire.incidents.models import CopyTimeExtension, SessionTimeExtension
from questionnaire.privacy.models import Erasure
from questionnaire.privacy.staff_export import item_work
from questionnaire.reports.models import AngoffJudge
from questionnaire.roles import ROLE_LABELS, Role
from questionnaire.web import paris_time

ERASED_DOMAIN = "efface.invalid"
ERASED_ACCOMMODATION = "Description supprimée (effacement des données personnelles)."
ERASED_GRANT_REASON = "Motif supprimé (effacement des données personnelles)."
# Not an argon2 hash: no password can ever match it.
UNUSABLE_PASSWORD = "!erased"


class ErasureError(ValueError):
    """The account cannot be erased as asked; ``field`` is the form field the message is about."""

    def __init__(self, message: str, field: str = "email") -> None:
        super().__init__(message)
        self.field = field


#: Words of a name shorter than this (« Le », « Da ») are too common to be refused in a reason.
NAME_WORD_MIN = 3
#: Particles of names that are also everyday words of a reason (« demande des ayants droit »).
NAME_PARTICLES = frozenset({"des", "les", "del", "della", "van", "von", "der", "den", "dos", "das"})


def identity_named_in(text: str, user: User) -> str | None:
    """The part of the account's identity that ``text`` names (its e-mail address, or a word of
    its name or of its address's local part), accents and case ignored; None if none."""
    said = folded(text)
    if folded(user.email) in said:
        return user.email
    words = set(re.findall(r"\w+", said))
    local_part = user.email.partition("@")[0]
    for part in re.findall(r"\w+", f"{user.display_name} {local_part}"):
        word = folded(part)
        if len(word) >= NAME_WORD_MIN and word not in NAME_PARTICLES and word in words:
            return part
    return None


@dataclass(frozen=True)
class PurgeReport:
    audit_events_deleted: int
    accounts_pseudonymised: int
    enrolments_withdrawn: int = 0


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure did: the record kept, and the sessions the person was withdrawn from."""

    erasure: Erasure
    withdrawn_from: tuple[ExamSession, ...] = ()

    @property
    def pseudonym(self) -> str:
        return self.erasure.pseudonym


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_user_data(user: User, now: datetime) -> dict:
    """Everything the platform holds about a person, as a JSON-ready document (audited).

    A copy whose time is up is finalised first (the cron job may not have run yet), so the
    document gives its status and score, not « in progress ». A grade change's reason is
    withheld while the copy's correction is (``reason_withheld``). The caller commits.
    """
    enrolments = db.session.execute(
        select(Enrolment).where(Enrolment.user_id == user.id).order_by(Enrolment.id)
    ).scalars()
    attempts = list(
        db.session.execute(
            select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.id)
        ).scalars()
    )
    for attempt in attempts:  # a copy whose time is up is shown as its own pages show it
        close_if_time_up(attempt, now)
    grade_changes = list(
        db.session.execute(
            select(GradeChange)
            .join(Attempt, Attempt.id == GradeChange.attempt_id)
            .where(Attempt.user_id == user.id)
            .order_by(GradeChange.id)
        ).scalars()
    )
    # a scoring decision's reason may quote the right answer (« la bonne réponse est C »): it
    # waits, as the correction on the results page, for the copy's correction to be released
    changed = {change.attempt_id for change in grade_changes}
    released = _corrections_released([a for a in attempts if a.id in changed], now)
    copy_grants = db.session.execute(
        select(CopyTimeExtension)
        .join(Attempt, Attempt.id == CopyTimeExtension.attempt_id)
        .where(Attempt.user_id == user.id)
        .order_by(CopyTimeExtension.granted_at, CopyTimeExtension.id)
    ).scalars()
    document = {
        "exported_at": _iso(now),
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "roles": sorted(role.value for role in user.roles),
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "enrolments": [
            {
                "session": e.session.title,
                "extra_time_percent": e.extra_time_percent,
                "accommodation_note": e.accommodation_note,
                "analysis_group": e.analysis_group,
                "created_at": _iso(e.created_at),
            }
            for e in enrolments
        ],
        "attempts": [_attempt_data(a) for a in attempts],
        "grade_changes": [
            {
                "attempt_id": c.attempt_id,
                "old_score": c.old_score,
                "new_score": c.new_score,
                "old_max": c.old_max,
                "new_max": c.new_max,
                "old_passed": c.old_passed,
                "new_passed": c.new_passed,
                "reason": c.reason if released.get(c.attempt_id) else None,
                "reason_withheld": not released.get(c.attempt_id),
                "changed_by": c.changed_by.display_name,
                "changed_at": _iso(c.changed_at),
            }
            for c in grade_changes
        ],
        # extra time granted to one of the person's copies after an incident, with its reason
        "copy_extra_time": [
            {
                "attempt_id": g.attempt_id,
                "session": g.attempt.session.title,
                "minutes": g.minutes,
                "reason": g.reason,
                "new_deadline": _iso(g.deadline),
                "granted_by": g.granted_by.display_name,
                "granted_at": _iso(g.granted_at),
            }
            for g in copy_grants
        ],
        "certifications": [_certification_data(e) for e in enrolments_of(user)],
        "designated_as_evaluator": _designations_as_evaluator(user),
        "deliberations_sat": _deliberations_sat(user),
        "angoff_panels_judged": _angoff_panels_judged(user),
        "item_work": item_work(user, now),
        "display_preferences": _preference_data(user),
        "audit_events": [
            {
                "action": event.action,
                "occurred_at": _iso(event.occurred_at),
                # the address a staff member acted from is theirs, not the person's to export
                "address": event.address if event.actor_id in (None, user.id) else None,
                "target": event.target,
            }
            for event in events_about(user.id)
        ],
    }
    record("privacy.export", now, actor_id=user.id, subject_id=user.id)
    return document


def _corrections_released(attempts: list[Attempt], now: datetime) -> dict[int, bool]:
    """Per graded copy, whether the candidate may now see its correction (``attempt_result``:
    the session's policy, copies still answering, a certification sitting of the theme ahead)."""
    grace_seconds = current_app.config["GRACE_SECONDS"]
    released = {}
    for attempt in attempts:
        result = attempt_result(attempt, now, grace_seconds)
        released[attempt.id] = result is not None and result.correction_released
    return released


def _attempt_data(attempt: Attempt) -> dict:
    return {
        "attempt_id": attempt.id,
        "session": attempt.session.title,
        "status": attempt.status.value,
        "started_at": _iso(attempt.started_at),
        "deadline": _iso(attempt.deadline),
        "submitted_at": _iso(attempt.submitted_at),
        "score": attempt.score,
        "max_score": attempt.max_score,
        "passed": attempt.passed,
        "answers": [
            {
                "position": item.position,
                "item_id": item.external_id,
                "version": item.version.number,
                # the order the options were shown in (the register, row 3); nothing of the key
                "option_order": list(item.option_order),
                "selected": item.selected,
                "flagged": item.flagged,
                "saved_at": _iso(item.response.saved_at) if item.response else None,
            }
            for item in attempt.items
        ],
    }


def _certification_data(enrolment: CertificationEnrolment) -> dict:
    """The title, the jury's evaluations, the accommodations, prerequisites and validated blocks,
    each with who recorded it (as the candidate's transcript names them)."""
    evaluations = db.session.execute(
        select(JuryEvaluation)
        .where(JuryEvaluation.enrolment_id == enrolment.id)
        .order_by(JuryEvaluation.id)
    ).scalars()
    return {
        "certification": enrolment.certification.title,
        "registered_at": _iso(enrolment.created_at),
        "accommodations": [
            {
                "description": a.description,
                "replaced_questionnaire": a.replaced_theme,
                "replaced_by": a.replacement.value if a.replacement else None,
                "recorded_by": a.recorded_by.display_name,
                "recorded_at": _iso(a.recorded_at),
            }
            for a in enrolment.accommodations
        ],
        "prerequisites": [
            {
                "prerequisite": r.prerequisite.label,
                "met_on": r.met_on.isoformat(),
                "recorded_by": r.recorded_by.display_name,
                "recorded_at": _iso(r.recorded_at),
            }
            for r in enrolment.prerequisite_records
        ],
        # who evaluates the candidate (seed 003): their names are part of the candidate's file
        "designated_evaluators": [
            {
                "evaluator": d.evaluator.display_name,
                "quality": d.quality.value,
                "quality_label": d.quality.label,
                "designated_at": _iso(d.recorded_at),
            }
            for d in enrolment.designated_evaluators
        ],
        # the interviews the evaluators observed (seed 003), with what was noted of them
        "observed_interviews": [
            {
                "block": o.block.code,
                "observed_on": o.observed_on.isoformat(),
                "channel": o.channel.value,
                "channel_label": o.channel.label,
                "simulated_difficult": o.simulated_difficult,
                "description": o.description,
                "recorded_by": o.recorded_by.display_name,
                "recorded_at": _iso(o.recorded_at),
            }
            for o in enrolment.observations
        ],
        "jury_evaluations": [
            {
                "competency": e.competency.code,
                # two evaluators grade each competency of some referentials: whose grade it is
                "evaluator": e.evaluator.display_name,
                "acquired": e.acquired,
                "grid_score": e.grid_score,
                "comment": e.comment,
                "recorded_at": _iso(e.recorded_at),
            }
            for e in evaluations
        ],
        "validated_blocks": [
            {
                "block": v.block.code,
                "validated_at": _iso(v.validated_at),
                "deliberation_held_on": v.deliberation.held_on.isoformat()
                if v.deliberation
                else None,
            }
            for v in enrolment.block_validations
        ],
    }


def _designations_as_evaluator(user: User) -> list[dict]:
    """Where the person is designated to evaluate; the candidates are not theirs to export."""
    designations = db.session.execute(
        select(DesignatedEvaluator, Certification.title)
        .join(CertificationEnrolment, CertificationEnrolment.id == DesignatedEvaluator.enrolment_id)
        .join(Certification, Certification.id == CertificationEnrolment.certification_id)
        .where(DesignatedEvaluator.evaluator_id == user.id)
        .order_by(DesignatedEvaluator.id)
    ).all()
    return [
        {
            "certification": title,
            "quality": d.quality.value,
            "quality_label": d.quality.label,
            "designated_at": _iso(d.recorded_at),
        }
        for d, title in designations
    ]


def _angoff_panels_judged(user: User) -> list[dict]:
    """The Angoff panels the person was named to judge, with their own estimates (item version
    and probability); the other judges' are not theirs to export."""
    named = db.session.execute(
        select(AngoffJudge).where(AngoffJudge.judge_id == user.id).order_by(AngoffJudge.id)
    ).scalars()
    return [
        {
            "panel": link.panel.title,
            "session": link.panel.session.title,
            "named_at": _iso(link.added_at),
            "estimates": [
                {
                    "item_version_id": r.item_version_id,
                    "probability": r.value_bp / BASIS_POINTS,
                    "rated_at": _iso(r.rated_at),
                }
                for r in sorted(link.panel.ratings, key=lambda r: r.id)
                if r.judge_id == user.id
            ],
        }
        for link in named
    ]


def _deliberations_sat(user: User) -> list[dict]:
    """The deliberations where the person sat under their jury account: day, seat, name as
    entered; the candidates whose blocks were capitalised are not theirs to export."""
    sittings = db.session.execute(
        select(DeliberationMember, Deliberation, Certification.title)
        .join(Deliberation, Deliberation.id == DeliberationMember.deliberation_id)
        .join(Certification, Certification.id == Deliberation.certification_id)
        .where(DeliberationMember.user_id == user.id)
        .order_by(Deliberation.held_on, DeliberationMember.id)
    ).all()
    return [
        {
            "certification": title,
            "held_on": deliberation.held_on.isoformat(),
            "seat": member.seat_label,
            "name_entered": member.name,
            "recorded_at": _iso(deliberation.recorded_at),
        }
        for member, deliberation, title in sittings
    ]


def _preference_data(user: User) -> dict | None:
    preference = preferences_for(user.id)
    if preference is None:
        return None
    return {
        "large_text": preference.large_text,
        "high_contrast": preference.high_contrast,
        "reduced_motion": preference.reduced_motion,
        "hide_countdown": preference.hide_countdown,
        "updated_at": _iso(preference.updated_at),
    }


def erasure_of(user: User) -> Erasure | None:
    return db.session.execute(
        select(Erasure).where(Erasure.user_id == user.id)
    ).scalar_one_or_none()


def _enrolments_ahead(user: User, now: datetime) -> list[Enrolment]:
    """The account's enrolments in sessions not closed yet where it has no copy."""
    has_copy = select(Attempt.id).where(Attempt.enrolment_id == Enrolment.id).exists()
    return list(
        db.session.execute(
            select(Enrolment)
            .join(ExamSession, ExamSession.id == Enrolment.session_id)
            .where(Enrolment.user_id == user.id, ExamSession.closes_at > now, ~has_copy)
            .order_by(ExamSession.opens_at, ExamSession.id)
        ).scalars()
    )


def withdraw_from_sessions_ahead(
    user: User, actor: User | None, now: datetime
) -> tuple[ExamSession, ...]:
    """Remove the enrolments of sessions not closed yet where the person has no copy (audited).

    An erased account can never log in: left enrolled, it would stay on the session's list and
    count among its absentees. Enrolments with a copy, and those of closed sessions, stay: they
    carry the pseudonymised psychometric data.
    """
    withdrawn = []
    for enrolment in _enrolments_ahead(user, now):
        withdrawn.append(enrolment.session)
        record(
            "privacy.unenrol",
            now,
            actor_id=actor.id if actor else None,
            subject_id=user.id,
            target=f"session:{enrolment.session_id}",
        )
        db.session.delete(enrolment)
    return tuple(withdrawn)


def _refuse_while_composing(user: User, now: datetime) -> None:
    """Refuse to erase a person while one of their copies takes answers.

    Erasing ends their sessions at once: a candidate composing (or another person than meant,
    the address mistyped) would be thrown out mid-exam, the copy left to expire. A copy whose
    time is up is finalised here, as the cron job would (``close_if_time_up``).
    """
    running = db.session.execute(
        select(Attempt)
        .where(Attempt.user_id == user.id, Attempt.status == AttemptStatus.IN_PROGRESS)
        .order_by(Attempt.deadline)
    ).scalars()
    composing = [attempt for attempt in running if not close_if_time_up(attempt, now)]
    if composing:
        attempt = composing[-1]
        raise ErasureError(
            f"Ce compte a une copie en cours (« {attempt.session.title} », jusqu'au "
            f"{paris_time(attempt.deadline)}) : effacez-le après sa remise ou son échéance ; "
            "l'effacer maintenant fermerait la session de la personne en pleine épreuve."
        )


def check_erasure(
    user: User, actor: User | None, reason: str, now: datetime, *, lock: bool = False
) -> None:
    """Refuse (``ErasureError``) an erasure that must not happen: no reason, a reason naming the
    person, one's own account, an account already erased, a copy in progress.

    ``lock``: take the account's row first (PostgreSQL), as the erasure itself does.
    """
    if not reason.strip():
        raise ErasureError("Indiquez le motif de l'effacement (demande, date).", "reason")
    # an administrator's reason is kept with the pseudonym for good (erasure table, journal):
    # naming the person there would undo the erasure (the purge writes its own reason)
    if actor is not None and (named := identity_named_in(reason, user)) is not None:
        raise ErasureError(
            f"Le motif ne doit pas nommer la personne (« {named} ») : il est conservé avec le "
            "pseudonyme et le relierait à son identité. Indiquez la nature et la date de la "
            "demande, par exemple « Demande écrite du 3 mars ».",
            "reason",
        )
    if actor is not None and actor.id == user.id:
        raise ErasureError("Un administrateur ne peut pas effacer son propre compte.")
    if lock:
        db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    if erasure_of(user) is not None:
        raise ErasureError("Ce compte a déjà été effacé.")
    _refuse_while_composing(user, now)


@dataclass(frozen=True)
class ErasurePreview:
    """What an administrator checks before erasing: whose account, and what will change."""

    user: User
    #: its roles, in French
    roles: tuple[str, ...]
    copies: int
    #: the sessions not closed yet the account will be withdrawn from
    sessions_ahead: tuple[ExamSession, ...]


def preview_erasure(user: User, actor: User | None, reason: str, now: datetime) -> ErasurePreview:
    """The account an erasure would apply to, once ``check_erasure`` accepts it (nothing written
    but the finalisation of a copy whose time is up)."""
    check_erasure(user, actor, reason, now)
    copies = db.session.execute(
        select(func.count(Attempt.id)).where(Attempt.user_id == user.id)
    ).scalar_one()
    ahead = tuple(enrolment.session for enrolment in _enrolments_ahead(user, now))
    roles = tuple(sorted(ROLE_LABELS[role] for role in user.roles))
    return ErasurePreview(user, roles, copies, ahead)


def erase_user(user: User, actor: User | None, reason: str, now: datetime) -> ErasureReport:
    """Replace identity and credentials by a stable pseudonym and disable the login.

    Attempts, responses and grades stay, attached to the pseudonymous account, so the item and
    test statistics remain valid; enrolments in sessions not closed yet without a copy are
    withdrawn (``withdraw_from_sessions_ahead``). Accommodation notes and descriptions
    (possibly health data) are removed, and so are the reasons of the extra time granted to one
    of the person's copies after an incident (their minutes and deadline stay: the copy's
    timing rests on them; so are other candidates' grant reasons and the session grants'
    reasons that name the person, a reason being typed once for several copies), and the descriptions of observed interviews
    (their day and channel stay: the grid's evaluations rest on them) and the display
    preferences (they may hint at an accessibility need and serve an account that can no
    longer log in). Designations of
    evaluators stay, whether the person is the candidate or the evaluator: they decide which
    jury evaluations count, so removing one would change a certification's result; they hold no
    more than account numbers, now pseudonymous. Refused while a copy of the person takes
    answers (``_refuse_while_composing``).
    """
    # the account's row locked (PostgreSQL): an enrolment under way, which shares it
    # (`share_accounts`), commits first and is withdrawn below; one starting later waits for
    # this erasure and is refused. The UPDATE of the (unique) email takes this lock too, but
    # only at the flush: taken first, it does not hang on the order of the statements below
    check_erasure(user, actor, reason, now, lock=True)
    naming_grants = _others_grants_naming(user)  # read while the identity is still there
    pseudonym = f"ANON-{secrets.token_hex(5).upper()}"
    user.email = f"{pseudonym.lower()}@{ERASED_DOMAIN}"
    user.display_name = pseudonym
    user.password_hash = UNUSABLE_PASSWORD
    user.end_sessions()
    user.active = False
    user.last_login_at = None
    withdrawn = withdraw_from_sessions_ahead(user, actor, now)
    for enrolment in db.session.execute(
        select(Enrolment).where(Enrolment.user_id == user.id)
    ).scalars():
        enrolment.accommodation_note = None
    for accommodation in db.session.execute(
        select(Accommodation)
        .join(CertificationEnrolment)
        .where(CertificationEnrolment.user_id == user.id)
    ).scalars():
        accommodation.description = ERASED_ACCOMMODATION
    for observation in db.session.execute(
        select(ObservedInterview)
        .join(CertificationEnrolment)
        .where(CertificationEnrolment.user_id == user.id)
    ).scalars():
        observation.description = None  # free text about the candidate; day and channel stay
    for grant in db.session.execute(
        select(CopyTimeExtension)
        .join(Attempt, Attempt.id == CopyTimeExtension.attempt_id)
        .where(Attempt.user_id == user.id)
    ).scalars():
        # typed about this candidate alone (« malaise », a name); minutes and deadline stay
        grant.reason = ERASED_GRANT_REASON
    for grant in naming_grants:
        grant.reason = ERASED_GRANT_REASON
    preference = preferences_for(user.id)
    if preference is not None:  # may hint at an accessibility need; no one displays them now
        db.session.delete(preference)
    erasure = Erasure(
        user_id=user.id,
        pseudonym=pseudonym,
        reason=reason.strip(),
        erased_by_id=actor.id if actor else None,
        erased_at=now,
    )
    db.session.add(erasure)
    record(
        "privacy.erase",
        now,
        actor_id=actor.id if actor else None,
        subject_id=user.id,
        details={
            "pseudonym": pseudonym,
            "reason": reason.strip(),
            "enrolments_withdrawn": len(withdrawn),
        },
    )
    return ErasureReport(erasure, withdrawn)


def _others_grants_naming(user: User) -> list[CopyTimeExtension | SessionTimeExtension]:
    """Other candidates' copy grants and the session grants, in the person's sessions, whose
    reason names the person: a reason is typed once for all the copies chosen (« Poste de … figé,
    ses voisins dérangés ») or for the whole session (« Poste de … figé, toute la salle
    relancée »), and would keep the erased name on the incident page and in the exports."""
    sessions = select(Attempt.session_id).where(Attempt.user_id == user.id)
    copy_grants = db.session.execute(
        select(CopyTimeExtension)
        .join(Attempt, Attempt.id == CopyTimeExtension.attempt_id)
        .where(Attempt.session_id.in_(sessions), Attempt.user_id != user.id)
        .order_by(CopyTimeExtension.id)
    ).scalars()
    session_grants = db.session.execute(
        select(SessionTimeExtension)
        .where(SessionTimeExtension.session_id.in_(sessions))
        .order_by(SessionTimeExtension.id)
    ).scalars()
    return [
        grant
        for grant in [*copy_grants, *session_grants]
        if identity_named_in(grant.reason, user) is not None
    ]


def _certification_work_since(limit: datetime) -> list:
    """For each kind of record the jury or an administrator adds to a certification file, the
    records of the account's files dated since ``limit`` (correlated on ``User``)."""
    dated = [
        (model, model.recorded_at)
        for model in (Accommodation, PrerequisiteRecord, DesignatedEvaluator, ObservedInterview)
    ]
    dated += [(JuryEvaluation, JuryEvaluation.recorded_at)]
    dated += [(BlockValidation, BlockValidation.validated_at)]
    return [
        select(model.id)
        .join(CertificationEnrolment, CertificationEnrolment.id == model.enrolment_id)
        .where(CertificationEnrolment.user_id == User.id, moment >= limit)
        for model, moment in dated
    ]


def _stale_candidates(limit: datetime) -> list[User]:
    """Candidate-only accounts, not yet erased, without activity since ``limit``.

    An enrolment (in a session or a certification) is activity: an account found again by an
    administrator and enrolled for next week's session is not dormant, whatever its last login.
    So is the jury's work on the person's certification file (an evaluation, an accommodation,
    an attestation…): an erased file takes no more of it, and the certification would stop there.
    """
    last_attempt = (
        select(Attempt.user_id, func.max(Attempt.started_at).label("last_start"))
        .group_by(Attempt.user_id)
        .subquery()
    )
    staff = select(UserRole.user_id).where(UserRole.role != Role.CANDIDATE)
    erased = select(Erasure.user_id)
    query = (
        select(User)
        .outerjoin(last_attempt, last_attempt.c.user_id == User.id)
        .where(
            User.id.not_in(staff),
            User.id.not_in(erased),
            User.created_at < limit,
            (User.last_login_at.is_(None)) | (User.last_login_at < limit),
            (last_attempt.c.last_start.is_(None)) | (last_attempt.c.last_start < limit),
            ~select(Enrolment.id)
            .where(Enrolment.user_id == User.id, Enrolment.created_at >= limit)
            .exists(),
            ~select(CertificationEnrolment.id)
            .where(
                CertificationEnrolment.user_id == User.id,
                CertificationEnrolment.created_at >= limit,
            )
            .exists(),
            *(~recorded.exists() for recorded in _certification_work_since(limit)),
        )
        .order_by(User.id)
    )
    return list(db.session.execute(query).scalars())


def purge(now: datetime, audit_days: int, account_days: int) -> PurgeReport:
    """Apply the retention durations: drop old audit events, pseudonymise dormant candidates."""
    if db.session.get_bind().dialect.name == "postgresql":
        # lets the database's append-only guard accept these deletions, in this transaction only
        db.session.execute(text("SELECT set_config('questionnaire.audit_purge', 'on', true)"))
    deleted = db.session.execute(
        delete(AuditEvent)
        .where(AuditEvent.occurred_at < now - timedelta(days=audit_days))
        .execution_options(synchronize_session=False, **{PURGE_OPTION: True})
    ).rowcount
    stale = _stale_candidates(now - timedelta(days=account_days))
    withdrawn = 0
    for user in stale:
        erased = erase_user(
            user, None, f"Durée de conservation écoulée ({account_days} jours).", now
        )
        withdrawn += len(erased.withdrawn_from)
    report = PurgeReport(
        audit_events_deleted=deleted,
        accounts_pseudonymised=len(stale),
        enrolments_withdrawn=withdrawn,
    )
    record(
        "privacy.purge",
        now,
        details={
            "audit_events_deleted": deleted,
            "accounts_pseudonymised": len(stale),
            "enrolments_withdrawn": withdrawn,
        },
    )
    return report
