"""Registering candidates, recording jury evaluations, computing transcripts from the rules."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager

from questionnaire.attempts.models import Attempt, AttemptStatus
from questionnaire.audit.services import matching_people, record
from questionnaire.auth.models import Role, User
from questionnaire.auth.services import find_user_by_email
from questionnaire.banks.models import Theme
from questionnaire.certification import observations, rules
from questionnaire.certification.loader import load_referentials
from questionnaire.certification.models import (
    GRID_MAX,
    Accommodation,
    Certification,
    CertificationEnrolment,
    Competency,
    DesignatedEvaluator,
    EvaluatorQuality,
    Grading,
    JuryEvaluation,
    ModalityKind,
    Prerequisite,
    PrerequisiteRecord,
    theme_label,
)
from questionnaire.clock import PARIS, paris_day
from questionnaire.exams.models import Enrolment, ExamSession, Questionnaire, SessionPurpose
from questionnaire.exams.services import is_erased, share_accounts
from questionnaire.extensions import db
from questionnaire.paging import Page, paged

__all__ = ["CertificationError", "load_referentials"]

FINAL_STATUSES = (AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED)


#: Seed 003: « Ils doivent apporter des précisions sur les compétences mises en œuvre … ».
COMMENT_REQUIRED = (
    "Le référentiel demande un commentaire : précisez les compétences mises en œuvre par le "
    "candidat."
)


class CertificationError(ValueError):
    """An action on a certification is refused; the message says why, in French."""


def _audit(
    action: str, enrolment: CertificationEnrolment, actor: User, now: datetime, **details
) -> None:
    """An audit event about a candidate's certification record (details without personal text)."""
    record(
        action,
        now,
        actor_id=actor.id,
        subject_id=enrolment.user_id,
        target=f"certification:{enrolment.certification.slug}",
        details=details or None,
    )


def certifications() -> list[Certification]:
    return list(
        db.session.execute(select(Certification).order_by(Certification.position)).scalars()
    )


def enrolments_of(user: User) -> list[CertificationEnrolment]:
    """The certifications a candidate is registered to."""
    return list(
        db.session.execute(
            select(CertificationEnrolment)
            .where(CertificationEnrolment.user_id == user.id)
            .order_by(CertificationEnrolment.created_at)
        ).scalars()
    )


def enrolments_in(certification: Certification) -> list[CertificationEnrolment]:
    return sorted(
        db.session.execute(
            select(CertificationEnrolment).where(
                CertificationEnrolment.certification_id == certification.id
            )
        ).scalars(),
        key=lambda e: (e.user.sort_name, e.user.email),
    )


CANDIDATES_PAGE_SIZE = 100


def candidates_page(
    certification: Certification, text: str = "", page: int | None = 1
) -> Page[CertificationEnrolment]:
    """One page of the candidates registered to ``certification``, by name: those whose name or
    address contains ``text`` (accents and case ignored, as the accounts list), when given."""
    query = (
        select(CertificationEnrolment)
        .join(User, User.id == CertificationEnrolment.user_id)
        .where(CertificationEnrolment.certification_id == certification.id)
        .order_by(User.sort_name, User.email)
        .options(contains_eager(CertificationEnrolment.user))
    )
    if text.strip():
        # « agent » may match more accounts than PostgreSQL binds (as the accounts list)
        matched = [person.id for person in matching_people(text)]
        query = query.where(User.id.in_(_written("matched", matched)))
    return paged(query, page, CANDIDATES_PAGE_SIZE)


def can_view_transcript(user: User, enrolment: CertificationEnrolment) -> bool:
    """The candidate sees their own transcript; the jury and administrators see all."""
    return enrolment.user_id == user.id or user.has_any_role((Role.JURY, Role.ADMIN))


def _find_enrolment(certification: Certification, user: User) -> CertificationEnrolment | None:
    return db.session.execute(
        select(CertificationEnrolment).where(
            CertificationEnrolment.certification_id == certification.id,
            CertificationEnrolment.user_id == user.id,
        )
    ).scalar_one_or_none()


#: An erased account (RGPD) is pseudonymous and closed for good, as for the exam sessions.
ERASED_ACCOUNT_REGISTRATION = (
    "ce compte a été effacé (RGPD) : il ne peut plus être inscrit à une certification. Si la "
    "personne revient, créez-lui un nouveau compte."
)
#: What the erasure kept of a candidate's record stays as it was, for the statistics.
ERASED_CANDIDATE_RECORD = (
    "Le compte de ce candidat a été effacé (RGPD) : son relevé est conservé tel quel pour les "
    "statistiques, plus rien ne s'y enregistre ni ne s'en retire."
)


def erased_record_barrier(enrolment: CertificationEnrolment) -> str | None:
    """Why nothing may be recorded on, or removed from, the candidate's record (None: it may).

    The erasure removed the free texts about the person and kept the rest for the statistics: a
    new accommodation, evaluation, observation or prerequisite would add facts about someone who
    asked to be forgotten, and a removal would change the results the erasure kept.
    """
    return ERASED_CANDIDATE_RECORD if is_erased(enrolment.user) else None


def hold_record(enrolment: CertificationEnrolment) -> None:
    """Hold the candidate's record until the commit, then read its records again.

    A write checked against what the record already holds (a questionnaire replaced once, the
    rule's maximum of observed interviews) takes it first: on PostgreSQL a second write of the
    same record waits for the first one's commit, then sees what it recorded and is refused as
    it would have been one after the other. The row lock (FOR NO KEY UPDATE) leaves the other
    records' inserts free (their foreign key only shares the row); SQLite writes one at a time.
    The candidate's account is shared too: an erasure waits for the write, or the write for the
    erasure, which it then finds (``_refuse_if_erased``).
    """
    db.session.execute(
        select(CertificationEnrolment.id)
        .where(CertificationEnrolment.id == enrolment.id)
        .with_for_update(key_share=True)
    )
    # an erasure under way (it locks the account) is waited for, then refuses what follows
    share_accounts([enrolment.user_id])
    db.session.refresh(enrolment, RECORDS)


#: The candidate's records ``hold_record`` reads again once it holds them.
RECORDS = (
    "accommodations",
    "observations",
    "block_validations",
    "prerequisite_records",
    "designated_evaluators",
)


def _refuse_if_erased(enrolment: CertificationEnrolment) -> None:
    barrier = erased_record_barrier(enrolment)
    if barrier is not None:
        raise CertificationError(barrier)


def register_candidate(
    certification: Certification, email: str, registered_by: User, now: datetime
) -> CertificationEnrolment:
    """Register an existing candidate account, never an erased one, to a certification."""
    user = find_user_by_email(email)
    if user is not None:  # an erasure under way is waited for, then refuses the registration
        share_accounts([user.id])
    if user is not None and is_erased(user):
        raise CertificationError(f"{email.strip()} : {ERASED_ACCOUNT_REGISTRATION}")
    if user is None or not user.has_role(Role.CANDIDATE):
        raise CertificationError("Aucun compte candidat ne correspond à cette adresse.")
    if not user.active:  # as for a session: a closed account sits nothing
        raise CertificationError(
            f"Le compte de {email.strip()} est désactivé : réactivez-le (Administration, "
            "Comptes) avant de l'inscrire."
        )
    # registered twice at once (PostgreSQL): the second waits for the first, then is refused;
    # the row lock leaves the certification's records free, its foreign keys only share the row
    db.session.execute(
        select(Certification.id)
        .where(Certification.id == certification.id)
        .with_for_update(key_share=True)
    )
    if _find_enrolment(certification, user) is not None:
        raise CertificationError("Ce candidat est déjà inscrit à cette certification.")
    enrolment = CertificationEnrolment(
        certification=certification, user=user, registered_by_id=registered_by.id, created_at=now
    )
    db.session.add(enrolment)
    db.session.flush()
    _audit("certification.enrol", enrolment, registered_by, now)
    return enrolment


def ensure_enrolment(
    slug: str, candidate: User, registered_by: User, now: datetime
) -> CertificationEnrolment:
    """The candidate's enrolment to the certification ``slug``, created if missing (idempotent)."""
    certification = db.session.execute(
        select(Certification).where(Certification.slug == slug)
    ).scalar_one()
    return _find_enrolment(certification, candidate) or register_candidate(
        certification, candidate.email, registered_by, now
    )


#: Nobody adapts the evaluation of their own candidacy (a jury member enrolled as a candidate).
OWN_ACCOMMODATION = "Un membre du jury n'aménage pas l'évaluation de sa propre candidature."


def add_accommodation(
    enrolment: CertificationEnrolment,
    description: str,
    recorded_by: User,
    now: datetime,
    *,
    replaced_theme: str | None = None,
    replacement: ModalityKind | None = None,
) -> Accommodation:
    """Record an adaptation of the evaluation for a disabled candidate (shown to the jury).

    Seed 000: « Les modalités d'évaluation peuvent être adaptées … ». With ``replaced_theme`` and
    ``replacement``, the candidate's questionnaire on that theme is replaced by another modality:
    its competencies no longer wait for the questionnaire, the jury evaluates them instead.
    """
    hold_record(enrolment)  # two replacements of one questionnaire at once: one is refused
    _refuse_if_erased(enrolment)
    if recorded_by.id == enrolment.user_id:
        raise CertificationError(OWN_ACCOMMODATION)
    description = description.strip()
    if not description:
        raise CertificationError("Décrivez l'aménagement.")
    if (replaced_theme is None) != (replacement is None):
        raise CertificationError(
            "Pour remplacer un questionnaire, indiquez le questionnaire et la modalité qui le "
            "remplace."
        )
    if replaced_theme is not None:
        _check_replacement(enrolment, replaced_theme, replacement)
    accommodation = Accommodation(
        enrolment=enrolment,
        description=description,
        replaced_theme=replaced_theme,
        replacement=replacement,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    db.session.add(accommodation)
    db.session.flush()
    # the description (possibly health data) stays in its table, which erasure clears: the
    # append-only log keeps only its id and the modality replaced
    details = {"accommodation_id": accommodation.id}
    if replacement is not None:
        details |= {"replaced_theme": replaced_theme, "replacement": replacement.value}
    _audit("certification.accommodation", enrolment, recorded_by, now, **details)
    return accommodation


ACCOMMODATION_ALREADY_DELETED = "Cet aménagement a déjà été supprimé."


def delete_accommodation(accommodation: Accommodation, actor: User, now: datetime) -> None:
    """Remove an accommodation recorded in error, audited.

    A replaced questionnaire comes back only while nothing rests on its replacement: no block it
    concerns is capitalised, and the jury has not evaluated, through the replacement, a
    competency that the referential evaluates by questionnaire alone.
    """
    enrolment = accommodation.enrolment
    hold_record(enrolment)  # deleted twice at once, or as the jury evaluates through it
    if accommodation not in enrolment.accommodations:
        raise CertificationError(ACCOMMODATION_ALREADY_DELETED)
    _refuse_if_erased(enrolment)
    if actor.id == enrolment.user_id:
        raise CertificationError(OWN_ACCOMMODATION)
    theme = accommodation.replaced_theme
    if theme is not None:
        evaluated = {e.competency_id for e in _evaluations([enrolment.id]).get(enrolment.id, [])}
        for competency in enrolment.certification.competencies:
            if theme not in competency.questionnaire_themes:
                continue
            if enrolment.is_capitalised(competency.block_id):
                raise CertificationError(
                    f"Le bloc {competency.block.code} est capitalisé : le remplacement du "
                    "questionnaire ne se retire plus."
                )
            if not competency.is_jury_evaluated and competency.id in evaluated:
                raise CertificationError(
                    f"Le jury a évalué {competency.code} par la modalité de remplacement : "
                    "cet aménagement ne se retire plus."
                )
    details = {"accommodation_id": accommodation.id}
    if theme is not None:
        details["replaced_theme"] = theme
    enrolment.accommodations.remove(accommodation)
    db.session.delete(accommodation)
    db.session.flush()
    _audit("certification.accommodation_delete", enrolment, actor, now, **details)


def _check_replacement(
    enrolment: CertificationEnrolment, theme: str, replacement: ModalityKind | None
) -> None:
    """Refuse a replacement the candidate's record cannot take (the message says why)."""
    certification = enrolment.certification
    if theme not in certification.questionnaire_themes:
        raise CertificationError("Cette certification n'a pas de questionnaire sur ce thème.")
    if replacement is None or replacement.is_questionnaire:
        raise CertificationError("Choisissez une modalité autre qu'un questionnaire.")
    label = theme_label(theme)
    if theme in enrolment.replacements:
        raise CertificationError(f"Le questionnaire « {label} » est déjà remplacé.")
    if theme in questionnaire_passes([enrolment.user_id]).get(enrolment.user_id, {}):
        raise CertificationError(
            f"Le questionnaire « {label} » est déjà réussi : la compétence l'a acquis, il n'y a "
            "rien à remplacer."
        )
    for competency in certification.competencies:
        if theme in competency.questionnaire_themes and enrolment.is_capitalised(
            competency.block_id
        ):
            raise CertificationError(
                f"Le bloc {competency.block.code} est capitalisé : ses modalités ne changent plus."
            )


#: The earliest day a date of the certification record may be (a prerequisite met, an
#: interview observed, a deliberation held): an earlier one is a typing error (1900, 0202).
EARLIEST_DAY = date(2000, 1, 1)
DAY_TOO_EARLY = f"Indiquez une date à partir du {EARLIEST_DAY:%d/%m/%Y}."


PREREQUISITE_IN_THE_FUTURE = (
    "La date à laquelle le prérequis a été rempli ne peut pas être postérieure à aujourd'hui."
)


def attestation_of(
    enrolment: CertificationEnrolment, prerequisite: Prerequisite
) -> PrerequisiteRecord | None:
    """The record attesting ``prerequisite`` for this candidacy, if any."""
    return next(
        (r for r in enrolment.prerequisite_records if r.prerequisite_id == prerequisite.id), None
    )


def record_prerequisite(
    enrolment: CertificationEnrolment,
    prerequisite: Prerequisite,
    met_on: date,
    recorded_by: User,
    now: datetime,
) -> PrerequisiteRecord:
    """Attest that the candidate meets a prerequisite of the title (e.g. the AMF certification).

    ``met_on`` is the day it was actually met (the AMF certificate's date, say), which dates the
    title when it is the last condition; the attestation itself is dated ``now``.
    """
    if prerequisite.certification_id != enrolment.certification_id:
        raise CertificationError("Ce prérequis n'appartient pas à la certification.")
    hold_record(enrolment)  # attested twice at once: one is refused
    _refuse_if_erased(enrolment)
    if recorded_by.id == enrolment.user_id:
        raise CertificationError(
            "Vous êtes le candidat de ce relevé : un autre membre du jury ou un administrateur "
            "atteste vos prérequis."
        )
    if attestation_of(enrolment, prerequisite) is not None:
        raise CertificationError("Ce prérequis est déjà attesté.")
    if met_on > paris_day(now):
        raise CertificationError(PREREQUISITE_IN_THE_FUTURE)
    if met_on < EARLIEST_DAY:
        raise CertificationError(DAY_TOO_EARLY)
    attestation = PrerequisiteRecord(
        prerequisite=prerequisite, recorded_by=recorded_by, recorded_at=now, met_on=met_on
    )
    enrolment.prerequisite_records.append(attestation)
    db.session.flush()
    _audit(
        "certification.prerequisite", enrolment, recorded_by, now, prerequisite=prerequisite.code
    )
    return attestation


#: Seed 003: « 1 expert « habilité » … + 1 expert interne … OU 1 responsable pédagogique … ».
SECOND_EVALUATOR_QUALITIES = (
    EvaluatorQuality.EXPERT_INTERNE,
    EvaluatorQuality.RESPONSABLE_PEDAGOGIQUE,
)
NOT_DESIGNATED = (
    "Le référentiel demande deux évaluateurs désignés pour ce candidat, et vous n'en faites pas "
    "partie : seuls les évaluateurs désignés au relevé du candidat l'évaluent."
)


def designated_evaluator_ids(enrolment: CertificationEnrolment) -> set[int] | None:
    """Who may evaluate the candidate: the designated pair, or None when anyone of the jury may."""
    if not enrolment.certification.two_evaluators:
        return None
    return {d.evaluator_id for d in enrolment.designated_evaluators}


SELF_DESIGNATION = (
    "Vous êtes le candidat de ce relevé : un autre membre du jury ou un administrateur désigne "
    "vos évaluateurs."
)


def designate_evaluators(
    enrolment: CertificationEnrolment,
    expert: User,
    second: User,
    second_quality: EvaluatorQuality,
    recorded_by: User,
    now: datetime,
) -> list[DesignatedEvaluator]:
    """Designate (or replace) the candidate's two evaluators, who alone evaluate and must agree.

    A replaced evaluator's evaluations stay stored but no longer count: a disagreement with an
    evaluator who leaves the jury is settled by the one who replaces them.
    """
    if not enrolment.certification.two_evaluators:
        raise CertificationError("Ce référentiel ne prévoit pas deux évaluateurs désignés.")
    hold_record(enrolment)  # two designations at once: the second replaces the first
    _refuse_if_erased(enrolment)
    if second_quality not in SECOND_EVALUATOR_QUALITIES:
        raise CertificationError(
            "Le second évaluateur est un expert interne à l'entreprise ou un responsable "
            "pédagogique de l'organisme de formation."
        )
    if recorded_by.id == enrolment.user_id:
        raise CertificationError(SELF_DESIGNATION)
    if expert.id == second.id:
        raise CertificationError("Les deux évaluateurs sont deux personnes différentes.")
    for evaluator in (expert, second):
        if not evaluator.has_role(Role.JURY):
            raise CertificationError(
                f"{evaluator.display_name} n'a pas de compte membre du jury : il ne peut pas "
                "évaluer."
            )
        if not evaluator.active:
            raise CertificationError(
                f"Le compte de {evaluator.display_name} est désactivé : il ne peut pas évaluer."
            )
        if evaluator.id == enrolment.user_id:
            raise CertificationError("Un candidat n'évalue pas sa propre candidature.")
    replaced = sorted(
        {d.evaluator_id for d in enrolment.designated_evaluators} - {expert.id, second.id}
    )
    enrolment.designated_evaluators.clear()
    db.session.flush()  # the unique (enrolment, quality) rows go before the new ones come
    designated = [
        DesignatedEvaluator(
            evaluator=expert,
            quality=EvaluatorQuality.EXPERT_HABILITE,
            recorded_by=recorded_by,
            recorded_at=now,
        ),
        DesignatedEvaluator(
            evaluator=second, quality=second_quality, recorded_by=recorded_by, recorded_at=now
        ),
    ]
    enrolment.designated_evaluators.extend(designated)
    db.session.flush()
    # each account under its quality, so the journal names who holds which seat
    details = {EvaluatorQuality.EXPERT_HABILITE.value: expert.id, second_quality.value: second.id}
    if replaced:
        details["replaced_evaluators"] = replaced
    _audit("certification.evaluators", enrolment, recorded_by, now, **details)
    return designated


OWN_CANDIDACY = "Un membre du jury n'évalue pas sa propre candidature."
OWN_GRID = (
    "Un membre du jury n'évalue pas sa propre candidature, ni ne lit les évaluations qui la "
    "concernent : votre relevé de compétences montre où elle en est."
)
NONE_DESIGNATED = (
    "Le référentiel demande deux évaluateurs désignés pour ce candidat, et aucun ne l'est "
    "encore : désignez-les au relevé du candidat avant d'évaluer."
)


def evaluation_barrier(enrolment: CertificationEnrolment, evaluator: User) -> str | None:
    """Why ``evaluator`` may evaluate none of the candidate's competencies (None: they may).

    The grid says it before anything is typed, and the recording refuses with the same words."""
    erased = erased_record_barrier(enrolment)
    if erased is not None:
        return erased
    if evaluator.id == enrolment.user_id:
        return OWN_CANDIDACY
    designated = designated_evaluator_ids(enrolment)
    if designated is None or evaluator.id in designated:
        return None
    return NOT_DESIGNATED if designated else NONE_DESIGNATED


def exam_accommodations(user_id: int) -> list[Enrolment]:
    """The candidate's certification-session enrolments that carry extra time or a note."""
    return list(
        db.session.execute(
            select(Enrolment)
            .join(ExamSession, Enrolment.session_id == ExamSession.id)
            .where(
                Enrolment.user_id == user_id,
                ExamSession.purpose == SessionPurpose.CERTIFICATION,
                (Enrolment.extra_time_percent > 0) | (Enrolment.accommodation_note.is_not(None)),
            )
            .order_by(Enrolment.created_at)
        ).scalars()
    )


def record_evaluation(
    enrolment: CertificationEnrolment,
    competency: Competency,
    evaluator: User,
    now: datetime,
    *,
    acquired: bool | None = None,
    grid_score: int | None = None,
    comment: str = "",
) -> JuryEvaluation:
    """Record (or revise) one jury member's evaluation of one candidate's competency."""
    certification = enrolment.certification
    if competency.block.certification_id != certification.id:
        raise CertificationError("Cette compétence n'appartient pas à la certification.")
    # sent twice at once: the second revises the first; and the observations or the replacement
    # it rests on are not deleted meanwhile
    hold_record(enrolment)
    if not enrolment.jury_evaluates(competency):
        raise CertificationError("Cette compétence n'est évaluée que par questionnaire.")
    barrier = evaluation_barrier(enrolment, evaluator)
    if barrier is not None:
        raise CertificationError(barrier)
    if enrolment.is_capitalised(competency.block_id):
        raise CertificationError("Ce bloc est capitalisé : ses évaluations ne changent plus.")
    waiting = observations.barrier(enrolment, competency)
    if waiting is not None:
        raise CertificationError(waiting)
    if certification.grading is Grading.GRID:
        if grid_score is None or not 0 <= grid_score <= GRID_MAX:
            raise CertificationError(f"Choisissez une note de 0 à {GRID_MAX}.")
        acquired = None
    else:
        if acquired is None:
            raise CertificationError("Indiquez si la compétence est acquise.")
        grid_score = None
    if competency.block.comments_required and not comment.strip():
        raise CertificationError(COMMENT_REQUIRED)
    evaluation = db.session.execute(
        select(JuryEvaluation).where(
            JuryEvaluation.enrolment_id == enrolment.id,
            JuryEvaluation.competency_id == competency.id,
            JuryEvaluation.evaluator_id == evaluator.id,
        )
    ).scalar_one_or_none()
    if evaluation is None:
        evaluation = JuryEvaluation(
            enrolment_id=enrolment.id, competency_id=competency.id, evaluator_id=evaluator.id
        )
        db.session.add(evaluation)
    # the date is the decision's: correcting a comment must not move a block's validation date
    if evaluation.recorded_at is None or (evaluation.acquired, evaluation.grid_score) != (
        acquired,
        grid_score,
    ):
        evaluation.recorded_at = now
    evaluation.acquired = acquired
    evaluation.grid_score = grid_score
    evaluation.comment = comment.strip()
    db.session.flush()
    record(
        "certification.evaluation",
        now,
        actor_id=evaluator.id,
        subject_id=enrolment.user_id,
        target=f"competency:{competency.id}",
        details={"acquired": acquired, "grid_score": grid_score},
    )
    return evaluation


def referential_spec(certification: Certification) -> rules.ReferentialSpec:
    """The certification's rows as the plain data the rules take."""
    blocks = []
    for block in certification.blocks:
        competencies = []
        for competency in block.competencies:
            weighted = next((m for m in competency.modalities if m.weight_percent), None)
            competencies.append(
                rules.CompetencySpec(
                    code=competency.code,
                    themes=tuple(competency.questionnaire_themes),
                    jury_evaluated=competency.is_jury_evaluated,
                    weighted_modality=weighted.kind.value if weighted else None,
                    weight=weighted.weight_percent if weighted else None,
                )
            )
        blocks.append(
            rules.BlockSpec(
                block.code,
                block.title,
                tuple(competencies),
                incomplete=block.incomplete,
            )
        )
    return rules.ReferentialSpec(
        tuple(blocks),
        certification.grid_threshold if certification.grading is Grading.GRID else None,
        certification.required_evaluators,
        tuple(p.code for p in certification.prerequisites),
        incomplete=certification.incomplete_reason,
    )


def _written(name: str, ids: list[int]):
    """Ids written into the statement, not bound one by one: every candidate of a certification
    (the deliberation, its exports) may pass the 65,535 values PostgreSQL binds in one."""
    return bindparam(name, list(ids), expanding=True, literal_execute=True)


def questionnaire_sittings(user_ids: list[int]) -> dict[int, list[rules.Sitting]]:
    """Per candidate, every final graded questionnaire attempt, dated when their time ended.

    Training sessions are left out: their copies never count toward a certification.
    """
    rows = db.session.execute(
        select(Attempt, Theme.slug)
        .join(ExamSession, Attempt.session_id == ExamSession.id)
        .join(Questionnaire, ExamSession.questionnaire_id == Questionnaire.id)
        .join(Theme, Questionnaire.theme_id == Theme.id)
        .where(
            Attempt.user_id.in_(_written("user_ids", user_ids)),
            ExamSession.purpose == SessionPurpose.CERTIFICATION,
            Attempt.status.in_(FINAL_STATUSES),
            Attempt.score.is_not(None),
            Attempt.max_score.is_not(None),
        )
    )
    sittings: dict[int, list[rules.Sitting]] = defaultdict(list)
    for attempt, theme in rows:
        # an expired copy ended at its deadline, not when the cron closed it
        when = attempt.ended_at or attempt.graded_at
        if when is None:
            continue
        sittings[attempt.user_id].append(
            rules.Sitting(theme, when, attempt.score, attempt.max_score)
        )
    return sittings


def questionnaire_evidence(enrolment: CertificationEnrolment) -> dict[str, rules.Sitting]:
    """Per theme passed, the sitting that passed it first (its day and score, shown as the
    evidence of the questionnaire modality)."""
    sittings = questionnaire_sittings([enrolment.user_id]).get(enrolment.user_id, [])
    return rules.outcome_sittings(sittings)[0]


def questionnaire_passes(user_ids: list[int]) -> dict[int, dict[str, datetime]]:
    """Per candidate, per theme: the date of the first pass at the referential's 60 %.

    The questionnaire's own pass mark (``Attempt.passed``) does not count: an administrator may
    set it lower than the referential's rule.
    """
    return {
        user_id: rules.questionnaire_outcomes(sittings)[0]
        for user_id, sittings in questionnaire_sittings(user_ids).items()
    }


def _evaluations(enrolment_ids: list[int]) -> dict[int, list[JuryEvaluation]]:
    rows = db.session.execute(
        select(JuryEvaluation).where(
            JuryEvaluation.enrolment_id.in_(_written("enrolment_ids", enrolment_ids))
        )
    ).scalars()
    by_enrolment: dict[int, list[JuryEvaluation]] = defaultdict(list)
    for evaluation in rows:
        by_enrolment[evaluation.enrolment_id].append(evaluation)
    return by_enrolment


def _plain(evaluation: JuryEvaluation) -> rules.Evaluation:
    return rules.Evaluation(
        competency=evaluation.competency.code,
        evaluator=evaluation.evaluator_id,
        recorded_at=evaluation.recorded_at,
        acquired=evaluation.acquired,
        score=evaluation.grid_score,
    )


def met_at(record: PrerequisiteRecord) -> datetime:
    """The day a prerequisite was met, as the start of that day in Paris (the rules' datetimes)."""
    return datetime.combine(record.met_on, time(), PARIS)


def results_for(
    certification: Certification, enrolments: list[CertificationEnrolment]
) -> list[tuple[CertificationEnrolment, rules.TitleResult]]:
    """Each candidate's title, block and competency status, computed by the rules."""
    referential = referential_spec(certification)
    evaluations = _evaluations([e.id for e in enrolments])
    sittings = questionnaire_sittings([e.user_id for e in enrolments])
    results = []
    for enrolment in enrolments:
        passes, failures = rules.questionnaire_outcomes(sittings.get(enrolment.user_id, []))
        designated = designated_evaluator_ids(enrolment)
        results.append(
            (
                enrolment,
                rules.title_status(
                    rules.adapted(referential, enrolment.replacements),
                    [
                        _plain(e)
                        for e in evaluations.get(enrolment.id, [])
                        if designated is None or e.evaluator_id in designated
                    ],
                    passes,
                    {r.prerequisite.code: met_at(r) for r in enrolment.prerequisite_records},
                    {v.block.code: v.validated_at for v in enrolment.block_validations},
                    failures,
                ),
            )
        )
    return results


def transcript(enrolment: CertificationEnrolment) -> rules.TitleResult:
    return results_for(enrolment.certification, [enrolment])[0][1]


def reads_as_staff(viewer: User, enrolment: CertificationEnrolment) -> bool:
    """Whether ``viewer`` reads the candidate's results as the jury does (disagreements shown):
    jury and administrators, except on their own candidacy, read as any candidate does."""
    return viewer.id != enrolment.user_id and viewer.has_any_role((Role.JURY, Role.ADMIN))


def transcript_for(enrolment: CertificationEnrolment, viewer: User) -> rules.TitleResult:
    """The transcript as ``viewer`` may read it: jury and administrators see disagreements,
    the candidate (a jury member on their own candidacy too) sees them as decisions pending."""
    result = transcript(enrolment)
    if reads_as_staff(viewer, enrolment):
        return result
    return rules.as_seen_by_candidate(result)


def results_seen_by(
    certification: Certification, viewer: User
) -> list[tuple[CertificationEnrolment, rules.TitleResult]]:
    """Every candidate's results as ``viewer`` reads them on the deliberation and its exports:
    as the jury does, except a jury member's own candidacy, read as any candidate does (a
    disagreement on it is a decision still pending)."""
    return [
        (
            enrolment,
            result if reads_as_staff(viewer, enrolment) else rules.as_seen_by_candidate(result),
        )
        for enrolment, result in results_for(certification, enrolments_in(certification))
    ]


def evaluations_by_competency(enrolment: CertificationEnrolment) -> dict[int, list[JuryEvaluation]]:
    """Every jury member's evaluation of the candidate, grouped by competency id."""
    grouped: dict[int, list[JuryEvaluation]] = defaultdict(list)
    for evaluation in _evaluations([enrolment.id]).get(enrolment.id, []):
        grouped[evaluation.competency_id].append(evaluation)
    for evaluations in grouped.values():
        evaluations.sort(key=lambda e: e.recorded_at)
    return grouped


def blocks_to_capitalise(
    certification: Certification,
) -> list[tuple[CertificationEnrolment, rules.BlockResult]]:
    """What the deliberation would capitalise: each validated block not capitalised yet."""
    return [
        (enrolment, block)
        for enrolment, result in results_for(certification, enrolments_in(certification))
        for block in result.validated_blocks
        if not block.capitalised
    ]
