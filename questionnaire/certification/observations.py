"""Observed interviews (seed 003, modality « observation »): recording them block by block, and
each block's rule its grid waits for (block 1, l. 29: « entre 3 et 5 … dans des cadres
différents … une semaine maximum »; block 3, l. 49: « 3 à 5 mises en situation sur poste de
travail … sur une semaine »; block 4, l. 58: « 5 entretiens sur une semaine maximum »)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from questionnaire.auth.models import Role, User
from questionnaire.certification import services
from questionnaire.certification.models import (
    Block,
    CertificationEnrolment,
    Competency,
    JuryEvaluation,
    ObservationChannel,
    ObservationRule,
    ObservedInterview,
)
from questionnaire.clock import paris_day
from questionnaire.extensions import db

DESCRIPTION_MAX = 300
NO_RULE = "Ce référentiel ne prévoit pas d'entretiens observés."
IN_THE_FUTURE = "La date de l'entretien ne peut pas être postérieure à aujourd'hui"
ALREADY_DELETED = "Cet entretien observé a déjà été supprimé."
BAD_CHANNEL = "Choisissez le canal de l'entretien parmi ceux proposés."


@dataclass(frozen=True)
class Summary:
    """What the recorded observations amount to, for the transcript, the grid and the rule."""

    count: int
    first: date | None
    last: date | None
    channels: tuple[ObservationChannel, ...]
    simulated: int

    @property
    def span_days(self) -> int:
        """Calendar days from the first to the last interview, both counted (0: none)."""
        return (self.last - self.first).days + 1 if self.first and self.last else 0


def summarise(observed: list[tuple[date, ObservationChannel, bool]]) -> Summary:
    """The count, period, distinct channels (in their order) and simulated interviews."""
    days = [day for day, _, _ in observed]
    channels = tuple(c for c in ObservationChannel if any(c is o[1] for o in observed))
    return Summary(
        len(observed),
        min(days, default=None),
        max(days, default=None),
        channels,
        sum(1 for o in observed if o[2]),
    )


def _recorded(
    enrolment: CertificationEnrolment, block: Block
) -> list[tuple[date, ObservationChannel, bool]]:
    return [
        (o.observed_on, o.channel, o.simulated_difficult)
        for o in enrolment.observations
        if o.block_id == block.id
    ]


def summary_of(enrolment: CertificationEnrolment, block: Block) -> Summary:
    """What the candidate's observations recorded for ``block`` amount to."""
    return summarise(_recorded(enrolment, block))


def rule_of(competency: Competency) -> ObservationRule | None:
    """The observation rule of the competency's modalities, if one declares it."""
    return next((m.observation_rule for m in competency.modalities if m.observation_rule), None)


def block_rule(block: Block) -> ObservationRule | None:
    """The rule the block's observations are recorded against (its first competency's that
    declares one: the referential repeats the block's modality on each competency)."""
    return next((r for c in block.competencies if (r := rule_of(c)) is not None), None)


@dataclass(frozen=True)
class ObservedBlock:
    """A block evaluated on observations, its rule, and what the candidate's amount to."""

    block: Block
    rule: ObservationRule
    summary: Summary
    #: The observation modality's wording in the referential (what the evaluators observe).
    modality: str
    #: Capitalised by the deliberation: its observations no longer change, nothing is awaited.
    capitalised: bool = False

    @property
    def shortfall(self) -> str | None:
        return None if self.capitalised else shortfall(self.rule, self.summary)


def observed_blocks(enrolment: CertificationEnrolment) -> list[ObservedBlock]:
    """The certification's blocks that are evaluated on observations, in their order."""
    found = []
    for block in enrolment.certification.blocks:
        rule = block_rule(block)
        if rule is None:
            continue
        modality = next(
            m for c in block.competencies for m in c.modalities if m.observation_rule is not None
        )
        found.append(
            ObservedBlock(
                block,
                rule,
                summary_of(enrolment, block),
                modality.display_label,
                enrolment.is_capitalised(block.id),
            )
        )
    return found


def _source(rule: ObservationRule) -> str:
    return f" (référentiel, ligne {rule.source_line})" if rule.source_line else ""


def span_problem(rule: ObservationRule, summary: Summary) -> str | None:
    if summary.span_days <= rule.within_days:
        return None
    return (
        f"Les entretiens observés tiennent sur {rule.within_days} jours au plus{_source(rule)} : "
        f"du {summary.first:%d/%m/%Y} au {summary.last:%d/%m/%Y}, la période couvrirait "
        f"{summary.span_days} jours."
    )


def shortfall(rule: ObservationRule, summary: Summary) -> str | None:
    """Why the recorded observations do not yet allow the grid (None: they do)."""
    if summary.count < rule.min or summary.count > rule.max:
        wanted = str(rule.min) if rule.min == rule.max else f"entre {rule.min} et {rule.max}"
        return (
            f"Le référentiel demande {wanted} entretiens observés avant de remplir la grille"
            f"{_source(rule)} : {summary.count} enregistré(s)."
        )
    span = span_problem(rule, summary)
    if span is not None:
        return span
    if len(summary.channels) < rule.distinct_channels:
        named = ", ".join(c.label for c in summary.channels)
        return (
            f"Les entretiens observés se déroulent dans des cadres différents{_source(rule)} : "
            f"au moins {rule.distinct_channels} canaux, {len(summary.channels)} enregistré(s) "
            f"({named})."
        )
    return None


def barrier(
    enrolment: CertificationEnrolment,
    competency: Competency,
    summaries: Mapping[int, Summary] | None = None,
) -> str | None:
    """Why the competency cannot be evaluated yet for want of observed interviews (None: it can);
    ``summaries``: the enrolment's by block id, when the caller has them already (the grid)."""
    rule = rule_of(competency)
    if rule is None or enrolment.is_capitalised(competency.block_id):
        return None
    summary = summaries.get(competency.block_id) if summaries is not None else None
    return shortfall(rule, summary or summary_of(enrolment, competency.block))


def recording_barrier(enrolment: CertificationEnrolment, user: User) -> str | None:
    """Why ``user`` may not record or delete the candidate's observations (None: they may).

    The evaluators observe: a jury member records only as one of the designated evaluators (as on
    the grid); an administrator may enter them for the evaluators, never on their own candidacy.
    An erased candidate's record takes no observation and loses none."""
    erased = services.erased_record_barrier(enrolment)
    if erased is not None:
        return erased
    if user.id == enrolment.user_id:
        return services.OWN_CANDIDACY
    if user.has_role(Role.ADMIN):
        return None
    return services.evaluation_barrier(enrolment, user)


def record_observation(
    enrolment: CertificationEnrolment,
    block: Block,
    observed_on: date,
    channel: str,
    simulated_difficult: bool,
    description: str,
    recorded_by: User,
    now: datetime,
) -> ObservedInterview:
    """Record one observed interview for ``block``, refused if it breaks the block's rule."""
    services.hold_record(enrolment)  # two at once: the rule's maximum holds
    rule = block_rule(block) if block.certification_id == enrolment.certification_id else None
    if rule is None:
        raise services.CertificationError(NO_RULE)
    if enrolment.is_capitalised(block.id):
        raise services.CertificationError(capitalised(block))
    refused = recording_barrier(enrolment, recorded_by)
    if refused is not None:
        raise services.CertificationError(refused)
    try:
        channel = ObservationChannel(channel)
    except ValueError:
        raise services.CertificationError(BAD_CHANNEL) from None
    if observed_on > paris_day(now):
        raise services.CertificationError(
            f"{IN_THE_FUTURE} ({paris_day(now):%d/%m/%Y}, heure de Paris)."
        )
    if observed_on < services.EARLIEST_DAY:
        raise services.CertificationError(services.DAY_TOO_EARLY)
    recorded = _recorded(enrolment, block)
    if len(recorded) >= rule.max:
        raise services.CertificationError(
            f"Le référentiel prévoit {rule.max} entretiens observés au plus{_source(rule)} : "
            "supprimez-en un avant d'en enregistrer un autre."
        )
    description = " ".join((description or "").split())
    if len(description) > DESCRIPTION_MAX:
        raise services.CertificationError(f"{DESCRIPTION_MAX} caractères au plus.")
    after = summarise([*recorded, (observed_on, channel, simulated_difficult)])
    span = span_problem(rule, after)
    if span is not None:
        raise services.CertificationError(span)
    observation = ObservedInterview(
        block=block,
        observed_on=observed_on,
        channel=channel,
        simulated_difficult=simulated_difficult,
        description=description or None,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    enrolment.observations.append(observation)
    db.session.flush()
    # the description stays in its table: the log keeps the day, channel and id
    services._audit(
        "certification.observation",
        enrolment,
        recorded_by,
        now,
        observation_id=observation.id,
        block=block.code,
        observed_on=observed_on.isoformat(),
        channel=channel.value,
        simulated_difficult=simulated_difficult,
    )
    return observation


def delete_observation(
    enrolment: CertificationEnrolment, observation: ObservedInterview, actor: User, now: datetime
) -> None:
    """Delete a recorded observation (a mistake), unless the block it supports is capitalised,
    or jury evaluations of the block rest on it and the rule would no longer be met without it
    (the grid would have been refused: record the interview that replaces it first)."""
    services.hold_record(enrolment)  # deleted twice at once, or as the jury evaluates on it
    if observation not in enrolment.observations:
        raise services.CertificationError(ALREADY_DELETED)
    refused = recording_barrier(enrolment, actor)
    if refused is not None:
        raise services.CertificationError(refused)
    block = observation.block
    if enrolment.is_capitalised(block.id):
        raise services.CertificationError(capitalised(block))
    rule = block_rule(block)
    if rule is not None and _evaluated_on_observations(enrolment, block):
        remaining = [
            (o.observed_on, o.channel, o.simulated_difficult)
            for o in enrolment.observations
            if o.block_id == block.id and o.id != observation.id
        ]
        missing = shortfall(rule, summarise(remaining))
        if missing is not None:
            raise services.CertificationError(
                f"Des évaluations du bloc {block.code} reposent sur ces entretiens, et sans "
                f"celui-ci la règle ne serait plus remplie : {missing} Enregistrez d'abord "
                "l'entretien qui le remplace."
            )
    details = {
        "observation_id": observation.id,
        "block": block.code,
        "observed_on": observation.observed_on.isoformat(),
    }
    enrolment.observations.remove(observation)
    db.session.flush()
    services._audit("certification.observation_delete", enrolment, actor, now, **details)


def capitalised(block: Block) -> str:
    return (
        f"Le bloc {block.code}, évalué sur ces entretiens, est capitalisé : ils ne changent plus."
    )


def _evaluated_on_observations(enrolment: CertificationEnrolment, block: Block) -> bool:
    """Whether a jury member has evaluated a competency of ``block`` that waits for the
    observations."""
    observed = [c.id for c in block.competencies if rule_of(c) is not None]
    return (
        db.session.execute(
            select(JuryEvaluation.id)
            .where(
                JuryEvaluation.enrolment_id == enrolment.id,
                JuryEvaluation.competency_id.in_(observed),
            )
            .limit(1)
        ).first()
        is not None
    )
