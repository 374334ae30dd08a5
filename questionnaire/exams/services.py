"""Creating questionnaires and sessions, enrolling candidates, listing what a candidate may take."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select

from questionnaire.auth.models import Role, User
from questionnaire.banks.models import (
    DURATION_MINUTES_MAX,
    FORM_ITEMS_MAX,
    Item,
    ItemVersion,
    Theme,
    Topic,
    VersionStatus,
)
from questionnaire.exams.models import (
    Enrolment,
    ExamSession,
    Questionnaire,
    ReleasePolicy,
    SessionPurpose,
)
from questionnaire.extensions import db

CLOSED_SESSION_ENROLMENT = "La session est close : on ne peut plus y inscrire de candidat."
ERASED_ACCOUNT_ENROLMENT = (
    "ce compte a été effacé (RGPD) : il ne peut plus être inscrit à une session. Si la "
    "personne revient, créez-lui un nouveau compte."
)


IMMEDIATE_FOR_TRAINING_ONLY = (
    "« Dès la remise » est réservé aux sessions d'entraînement : chaque copie remise montrerait "
    "les bonnes réponses alors que d'autres candidats composent encore, ce qu'une session de "
    "certification ne peut pas permettre. Choisissez une autre publication ou l'entraînement."
)
PURPOSE_LOCKED = (
    "La nature de la session (certification ou entraînement) ne peut plus changer : des copies "
    "sont déjà commencées, et elles compteraient ou non pour la certification après coup."
)


class ExamConfigError(ValueError):
    """A questionnaire or session cannot be set up as asked."""


class ReleasePolicyRefused(ExamConfigError):
    """The correction policy does not fit the session (its purpose, its started copies)."""


class PurposeLocked(ExamConfigError):
    """Copies are started: whether they count toward the certification is settled."""


def check_release_policy(purpose: SessionPurpose, release_policy: ReleasePolicy) -> None:
    """Refuse a correction shown at submission outside training: it exposes the answer keys."""
    if release_policy is ReleasePolicy.IMMEDIATE and purpose is not SessionPurpose.TRAINING:
        raise ReleasePolicyRefused(IMMEDIATE_FOR_TRAINING_ONLY)


def published_counts_by_topic(theme: Theme) -> Counter[str]:
    """How many published items back each topic of a theme."""
    rows = db.session.execute(
        select(Topic.slug, func.count(ItemVersion.id))
        .join(ItemVersion, ItemVersion.topic_id == Topic.id)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(Item.theme_id == theme.id, ItemVersion.status == VersionStatus.PUBLISHED)
        .group_by(Topic.slug)
    ).all()
    return Counter(dict(rows))


def check_blueprint(theme: Theme, item_count: int, blueprint: dict[str, int]) -> None:
    """Refuse a blueprint that does not add up or that the published bank cannot fill."""
    known = {topic.slug for topic in theme.topics}
    unknown = set(blueprint) - known
    if unknown:
        raise ExamConfigError(f"Sujets inconnus dans le plan : {', '.join(sorted(unknown))}.")
    if any(count < 0 for count in blueprint.values()):
        raise ExamConfigError("Le nombre d'items par sujet ne peut pas être négatif.")
    counts = published_counts_by_topic(theme)
    if blueprint:
        if sum(blueprint.values()) != item_count:
            raise ExamConfigError(
                f"Le plan tire {sum(blueprint.values())} items pour un questionnaire de {item_count}."
            )
        titles = {topic.slug: topic.title for topic in theme.topics}  # what the editor shows
        short = [
            f"{titles[slug]} ({counts.get(slug, 0)} publié(s) pour {n} demandé(s))"
            for slug, n in blueprint.items()
            if counts.get(slug, 0) < n
        ]
        if short:
            raise ExamConfigError(
                "La banque ne peut pas remplir le plan : " + ", ".join(short) + "."
            )
    elif sum(counts.values()) < item_count:
        raise ExamConfigError(
            f"La banque ne contient que {sum(counts.values())} items publiés pour {item_count} demandés."
        )


def check_form_settings(item_count: int, duration_minutes: int, pass_mark_bp: int) -> None:
    """Refuse a questionnaire's length, duration or pass mark out of bounds."""
    if not 0 < item_count <= FORM_ITEMS_MAX:
        raise ExamConfigError(f"Le nombre d'items doit être compris entre 1 et {FORM_ITEMS_MAX}.")
    if not 0 < duration_minutes <= DURATION_MINUTES_MAX:
        raise ExamConfigError(
            f"La durée doit être comprise entre 1 et {DURATION_MINUTES_MAX} minutes."
        )
    if not 0 < pass_mark_bp <= 10_000:
        raise ExamConfigError("Le seuil de réussite doit être compris entre 0 et 100 %.")


def create_questionnaire(
    theme: Theme,
    title: str,
    item_count: int,
    duration_minutes: int,
    now: datetime,
    *,
    pass_mark_bp: int = 6000,
    blueprint: dict[str, int] | None = None,
    shuffle_items: bool = True,
    shuffle_options: bool = True,
) -> Questionnaire:
    """Create a questionnaire after checking that its blueprint can be drawn."""
    check_form_settings(item_count, duration_minutes, pass_mark_bp)
    blueprint = {slug: n for slug, n in (blueprint or {}).items() if n}
    check_blueprint(theme, item_count, blueprint)
    questionnaire = Questionnaire(
        theme=theme,
        title=title,
        item_count=item_count,
        duration_minutes=duration_minutes,
        pass_mark_bp=pass_mark_bp,
        blueprint=blueprint,
        shuffle_items=shuffle_items,
        shuffle_options=shuffle_options,
        created_at=now,
    )
    db.session.add(questionnaire)
    return questionnaire


def default_blueprint(theme: Theme) -> dict[str, int]:
    """The bank's own plan (each topic's ``draw``)."""
    return {topic.slug: topic.default_draw for topic in theme.topics if topic.default_draw}


def create_session(
    questionnaire: Questionnaire,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    now: datetime,
    release_policy: ReleasePolicy = ReleasePolicy.AFTER_CLOSE,
    purpose: SessionPurpose = SessionPurpose.CERTIFICATION,
) -> ExamSession:
    if closes_at <= opens_at:
        raise ExamConfigError("La clôture doit suivre l'ouverture.")
    check_release_policy(purpose, release_policy)
    session = ExamSession(
        questionnaire=questionnaire,
        title=title,
        opens_at=opens_at,
        closes_at=closes_at,
        release_policy=release_policy,
        purpose=purpose,
        created_at=now,
    )
    db.session.add(session)
    return session


@dataclass(frozen=True)
class AttemptsStillAnswering:
    """Copies of a session that can still take answers, and until when the last one can."""

    count: int
    until: datetime | None


def attempts_still_answering(
    session: ExamSession, now: datetime, grace_seconds: int
) -> AttemptsStillAnswering:
    """In-progress copies whose deadline and grace are still ahead (extra time, incidents).

    An overdue copy the cron has not finalised yet takes no answer any more: it does not count.
    """
    from questionnaire.attempts.models import Attempt, AttemptStatus

    count, last_deadline = db.session.execute(
        select(func.count(Attempt.id), func.max(Attempt.deadline)).where(
            Attempt.session_id == session.id,
            Attempt.status == AttemptStatus.IN_PROGRESS,
            Attempt.deadline >= now - timedelta(seconds=grace_seconds),
        )
    ).one()
    if not count:
        return AttemptsStillAnswering(0, None)
    return AttemptsStillAnswering(count, last_deadline + timedelta(seconds=grace_seconds))


def correction_may_be_public(session: ExamSession, now: datetime, grace_seconds: int) -> bool:
    """Whether the session is over for everyone: closed, and no copy can still take answers.

    The answer keys must not reach a candidate while another one (extra time, incident
    extension) is still composing on the same items.
    """
    if not session.is_closed(now):
        return False
    return attempts_still_answering(session, now, grace_seconds).count == 0


def correction_released(session: ExamSession, now: datetime, grace_seconds: int) -> bool:
    """Whether the session's policy now lets its candidates see the correct answers.

    A candidate's own copy also waits for their certification sittings still ahead on the same
    theme (``certification_sittings_ahead``): ``attempts.results`` asks both.
    """
    if session.effective_release_policy is ReleasePolicy.IMMEDIATE:
        return True
    if not correction_released_but_for_copies(session, now):
        return False
    return correction_may_be_public(session, now, grace_seconds)


def correction_released_but_for_copies(session: ExamSession, now: datetime) -> bool:
    """Whether the policy alone would show the correction now (after the close: always; by
    hand: once published), whatever copies may still take answers."""
    policy = session.effective_release_policy
    if policy is ReleasePolicy.MANUAL:
        return session.released_at is not None and session.released_at <= now
    return True


def certification_sittings_ahead(
    session: ExamSession, user_id: int, now: datetime, grace_seconds: int
) -> list[ExamSession]:
    """Other certification sessions of the same theme that the candidate has still to sit.

    Every questionnaire of a theme draws on the theme's one bank: a correction seen now (a
    training one at submission, or a failed sitting's before its retake) would show the keys of
    items that session may set. Ahead: enrolled in a session not closed yet without having
    finished a copy there, or answering a copy there now (extra time, incident extension).
    """
    from questionnaire.attempts.models import Attempt

    rows = db.session.execute(
        select(ExamSession, Attempt)
        .join(Enrolment, Enrolment.session_id == ExamSession.id)
        .join(Questionnaire, Questionnaire.id == ExamSession.questionnaire_id)
        .outerjoin(Attempt, Attempt.enrolment_id == Enrolment.id)
        .where(
            Enrolment.user_id == user_id,
            ExamSession.id != session.id,
            ExamSession.purpose == SessionPurpose.CERTIFICATION,
            Questionnaire.theme_id == session.questionnaire.theme_id,
        )
        .order_by(ExamSession.opens_at, ExamSession.id)
    ).all()
    ahead = []
    for other, attempt in rows:
        if attempt is None:
            if not other.is_closed(now):
                ahead.append(other)
        elif attempt.accepts_answers(now, grace_seconds):
            ahead.append(other)
    return ahead


def certification_sessions_sharing_bank(
    session: ExamSession, now: datetime
) -> list[tuple[ExamSession, int]]:
    """Certification sessions of the same theme not closed yet, each with the candidates they share.

    For a training session's page: those shared candidates see their training correction only
    once they have sat that certification session (``certification_sittings_ahead``).
    """
    shared = (
        select(func.count())
        .select_from(Enrolment)
        .where(
            Enrolment.session_id == ExamSession.id,
            Enrolment.user_id.in_(
                select(Enrolment.user_id).where(Enrolment.session_id == session.id)
            ),
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(ExamSession, shared)
        .join(Questionnaire, Questionnaire.id == ExamSession.questionnaire_id)
        .where(
            ExamSession.id != session.id,
            ExamSession.purpose == SessionPurpose.CERTIFICATION,
            Questionnaire.theme_id == session.questionnaire.theme_id,
            ExamSession.closes_at > now,
        )
        .order_by(ExamSession.opens_at, ExamSession.id)
    ).all()
    return [(other, count) for other, count in rows]


def pending_candidacy(user: User, theme: Theme | None, now: datetime) -> ExamSession | None:
    """The certification session of the theme (of any theme: None) the user still has to sit,
    if any (the soonest).

    Pending: enrolled in a session not closed yet (not open yet included) without a finished
    copy there, or with a copy still in progress (extra time or an incident extension may take
    it past the close; an overdue copy counts until it is finalised). Every questionnaire of a
    theme draws on its one bank: such a user must not read its item texts on a staff page, nor
    judge them. Training sessions do not count: their copies never count toward a certification.
    """
    from questionnaire.attempts.models import Attempt, AttemptStatus

    query = (
        select(ExamSession, Attempt.status)
        .join(Enrolment, Enrolment.session_id == ExamSession.id)
        .outerjoin(Attempt, Attempt.enrolment_id == Enrolment.id)
        .where(
            Enrolment.user_id == user.id,
            ExamSession.purpose == SessionPurpose.CERTIFICATION,
        )
        .order_by(ExamSession.opens_at, ExamSession.id)
    )
    if theme is not None:
        query = query.join(Questionnaire, Questionnaire.id == ExamSession.questionnaire_id).where(
            Questionnaire.theme_id == theme.id
        )
    rows = db.session.execute(query).all()
    for session, status in rows:
        if status is None and not session.is_closed(now):
            return session
        if status is AttemptStatus.IN_PROGRESS:
            return session
    return None


def pending_candidacy_barrier(user: User, theme: Theme, now: datetime) -> str | None:
    """Why the user may not read the theme's item texts on a staff page (None: they may)."""
    session = pending_candidacy(user, theme, now)
    if session is None:
        return None
    return (
        f"Vous êtes inscrit comme candidat à la session « {session.title} » du thème "
        f"« {theme.title} » : vous ne pouvez pas lire le texte de ses items (énoncés, options) "
        "avant de l'avoir passée. Cette page vous sera de nouveau ouverte après votre "
        "épreuve."
    )


WRITING_ROLES = (Role.AUTHOR, Role.REVIEWER)


def writing_roles_phrase(roles: Iterable[Role]) -> str:
    """« le rôle « Auteur » » or « les rôles « Auteur » et « Relecteur » », of `roles`."""
    held = [f"« {role.label} »" for role in WRITING_ROLES if role in set(roles)]
    return f"le rôle {held[0]}" if len(held) == 1 else f"les rôles {' et '.join(held)}"


def item_writer_barrier(user: User, session: ExamSession) -> str | None:
    """Why the user may not be enrolled in the certification session: as an author or a
    reviewer they read every bank's items and answer keys (workspace, exchange exports)."""
    if session.is_training or not user.has_any_role(WRITING_ROLES):
        return None
    return (
        f"{user.display_name} a {writing_roles_phrase(user.roles)} : l'atelier et les échanges lui montrent les items et "
        "les corrigés de toutes les banques ; cette personne ne peut donc pas être inscrite "
        "comme candidate à une session de certification (une session d'entraînement reste "
        "possible). Si elle ne rédige ni ne relit plus d'items, retirez-lui d'abord ce rôle "
        "dans la fiche de son compte, puis inscrivez-la : le retrait ferme l'accès pour la "
        "suite mais n'efface pas ce qu'elle a déjà pu lire, à vous d'en juger."
    )


def workspace_barrier(user: User, now: datetime) -> str | None:
    """Why the user may not open the authoring workspace or the item exchange (None: they may):
    both show items and answer keys of every bank, and they still have a certification to sit."""
    session = pending_candidacy(user, None, now)
    if session is None:
        return None
    return (
        f"Vous êtes inscrit comme candidat à la session de certification « {session.title} » : "
        "l'atelier et les échanges montrent les items et les corrigés de toutes les banques, ils "
        "vous sont donc fermés jusqu'à votre épreuve. Ils vous seront de nouveau ouverts dès "
        "que vous l'aurez passée."
    )


def enrolment_barrier(user: User, session: ExamSession, judged: list | None = None) -> str | None:
    """Why the user may not be newly enrolled in the session as a candidate (None: they may).

    `judged`: the Angoff panels of the theme they judge, when already looked up (an enrolment
    file looks them up for all its candidates at once)."""
    return item_writer_barrier(user, session) or judged_panels_barrier(user, session, judged)


def judged_panels_barrier(
    user: User, session: ExamSession, judged: list | None = None
) -> str | None:
    """Why the user may not be enrolled in the session as a candidate: they judge an Angoff
    panel of its theme whose items the bank can still draw (they have read their texts)."""
    if session.is_training:
        return None
    from questionnaire.reports.angoff_judges import panels_judged_on

    panels = panels_judged_on(user, session.questionnaire.theme) if judged is None else judged
    if not panels:
        return None
    names = ", ".join(f"« {panel.title} » (session « {panel.session.title} »)" for panel in panels)
    return (
        f"{user.display_name} est juge du panel Angoff {names} de ce thème : ayant lu ses items, "
        "que la banque peut encore tirer, cette personne ne peut pas être inscrite comme "
        "candidate à une session de certification de ce thème."
    )


def is_erased(user: User) -> bool:
    """Whether the account was erased (RGPD): it is then pseudonymous and closed for good."""
    from questionnaire.privacy.models import Erasure

    return db.session.scalar(select(Erasure.id).where(Erasure.user_id == user.id)) is not None


def share_accounts(user_ids: Iterable[int]) -> None:
    """Share the accounts' rows (PostgreSQL, FOR KEY SHARE) before asking whether they are erased.

    An erasure locks its account for update (`erase_user`): an enrolment then waits for it and
    finds the account erased, or the erasure waits for the enrolment and withdraws it. Without
    it each saw the other's work uncommitted and an erased account stayed enrolled.
    """
    db.session.execute(
        select(User.id)
        .where(User.id.in_(sorted(set(user_ids))))
        .with_for_update(read=True, key_share=True)
    )


def enrol(
    session: ExamSession,
    user: User,
    now: datetime,
    extra_time_percent: int = 0,
    note: str | None = None,
) -> Enrolment:
    """Enrol a candidate (idempotent: an existing enrolment gets the new accommodation)."""
    if session.is_closed(now):  # enrolled after the close, the candidate could never compose
        raise ExamConfigError(CLOSED_SESSION_ENROLMENT)
    share_accounts([user.id])
    if is_erased(user):  # the erasure withdrew them from the sessions ahead: for good
        raise ExamConfigError(f"{user.display_name} : {ERASED_ACCOUNT_ENROLMENT}")
    if not 0 <= extra_time_percent <= 300:
        raise ExamConfigError("Le temps supplémentaire doit être compris entre 0 et 300 %.")
    enrolment = db.session.execute(
        select(Enrolment).where(Enrolment.session_id == session.id, Enrolment.user_id == user.id)
    ).scalar_one_or_none()
    return place_enrolment(session, user, now, enrolment, extra_time_percent, note)


def place_enrolment(
    session: ExamSession,
    user: User,
    now: datetime,
    enrolment: Enrolment | None,
    extra_time_percent: int,
    note: str | None,
    judged: list | None = None,
) -> Enrolment:
    """The end of `enrol`, given the enrolment the user already has (None: a new one, whose
    barrier is checked; `judged` as in `enrolment_barrier`).

    The caller has checked the session, the account and the extra time: `enrol` for one
    candidate, an enrolment file for all its lines at once."""
    if enrolment is None:
        barrier = enrolment_barrier(user, session, judged)
        if barrier is not None:  # they read, or may read, the items this session may draw
            raise ExamConfigError(barrier)
        enrolment = Enrolment(session=session, user=user, created_at=now)
        db.session.add(enrolment)
    enrolment.extra_time_percent = extra_time_percent
    enrolment.accommodation_note = note
    return enrolment


def enrolments_for(user: User) -> list[Enrolment]:
    """The user's enrolments, soonest session first."""
    return list(
        db.session.execute(
            select(Enrolment)
            .join(ExamSession)
            .where(Enrolment.user_id == user.id)
            .order_by(ExamSession.opens_at, ExamSession.id)
        ).scalars()
    )


def enrolments_to_sit(user: User, now: datetime, grace_seconds: int) -> list[Enrolment]:
    """Enrolments whose session is open now, or whose copy still takes answers after the close.

    A copy started just before the close (or lengthened by extra time) runs past it: the
    candidate back from another browser must find it to resume it.
    """
    from questionnaire.attempts.models import Attempt, AttemptStatus

    running = set(
        db.session.execute(
            select(Attempt.enrolment_id).where(
                Attempt.user_id == user.id,
                Attempt.status == AttemptStatus.IN_PROGRESS,
                Attempt.deadline >= now - timedelta(seconds=grace_seconds),
            )
        ).scalars()
    )
    return [e for e in enrolments_for(user) if e.session.is_open(now) or e.id in running]


def session_overview(
    now: datetime, grace_seconds: int
) -> list[tuple[ExamSession, int, dict[str, int]]]:
    """Each session with its enrolment count and attempts per status.

    A copy past its deadline and grace that the cron has not finalised yet takes no answer any
    more: it counts as expired, which it becomes (``finalise_expired``), not as in progress.
    """
    from questionnaire.attempts.models import Attempt, AttemptStatus

    enrolled = dict(
        db.session.execute(
            select(Enrolment.session_id, func.count()).group_by(Enrolment.session_id)
        ).all()
    )
    overdue = and_(
        Attempt.status == AttemptStatus.IN_PROGRESS,
        Attempt.deadline < now - timedelta(seconds=grace_seconds),
    )
    counted = case((overdue, AttemptStatus.EXPIRED.value), else_=Attempt.status)
    by_status: dict[int, dict[str, int]] = {}
    for session_id, status, count in db.session.execute(
        select(Attempt.session_id, counted, func.count()).group_by(Attempt.session_id, counted)
    ):
        counts = by_status.setdefault(session_id, {})
        key = AttemptStatus(status).value
        counts[key] = counts.get(key, 0) + count
    sessions = db.session.execute(
        select(ExamSession).order_by(ExamSession.opens_at.desc())
    ).scalars()
    return [(s, enrolled.get(s.id, 0), by_status.get(s.id, {})) for s in sessions]
