"""Certification referentials (blocks, competencies, modalities) and the jury's evaluations."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from questionnaire.auth.models import User
from questionnaire.db import value_enum
from questionnaire.extensions import db
from questionnaire.roles import Role

GRID_MAX = 4


def _owner(table: str) -> Mapped[int]:
    """The foreign key to the row this one belongs to: indexed, deleted with its owner."""
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True)


def _parts(order_by: str, **kwargs):
    """The ordered rows that belong to this one, written and deleted with it."""
    return relationship(order_by=order_by, cascade="all, delete-orphan", lazy="selectin", **kwargs)


class _EnrolmentRecord:
    """A statement about a candidate's enrolment: who recorded it, and when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = _owner("certification_enrolment")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime]

    @declared_attr
    def recorded_by(cls) -> Mapped[User]:
        return relationship(User)


class Grading(enum.StrEnum):
    """How the jury records a competency: acquired / not acquired, or a 0–4 grid score."""

    BINARY = "binary"
    GRID = "grid"


class ModalityKind(enum.StrEnum):
    """Evaluation modalities named by the referentials."""

    MISE_EN_SITUATION = "mise_en_situation"
    LIVRABLES = "livrables"
    SOUTENANCE = "soutenance"
    EPREUVE_ORALE = "epreuve_orale"
    EPREUVE_ECRITE = "epreuve_ecrite"
    QUESTIONNAIRE = "questionnaire"
    ETUDE_DE_CAS = "etude_de_cas"
    RAPPORT = "rapport"
    OBSERVATION = "observation"
    ENTRETIEN = "entretien"
    DOSSIER = "dossier"
    JEU_DE_ROLE = "jeu_de_role"
    CO_VALIDATION = "co_validation"

    @property
    def label(self) -> str:
        return MODALITY_LABELS[self]

    @property
    def is_questionnaire(self) -> bool:
        return self is ModalityKind.QUESTIONNAIRE


MODALITY_LABELS = {
    ModalityKind.MISE_EN_SITUATION: "Mise en situation professionnelle",
    ModalityKind.LIVRABLES: "Rendu de livrables professionnels",
    ModalityKind.SOUTENANCE: "Soutenance orale devant jury",
    ModalityKind.EPREUVE_ORALE: "Épreuve orale",
    ModalityKind.EPREUVE_ECRITE: "Épreuve écrite",
    ModalityKind.QUESTIONNAIRE: "Questionnaire thématique",
    ModalityKind.ETUDE_DE_CAS: "Étude de cas",
    ModalityKind.RAPPORT: "Rapport ou document de synthèse",
    ModalityKind.OBSERVATION: "Observation en situation réelle",
    ModalityKind.ENTRETIEN: "Entretien avec les évaluateurs",
    ModalityKind.DOSSIER: "Dossier normé",
    ModalityKind.JEU_DE_ROLE: "Jeu de rôle",
    ModalityKind.CO_VALIDATION: "Co-validation par l'entreprise",
}


THEME_LABELS = {
    "fiscalite": "Fiscalité",
    "risques": "Analyse et traitement des risques",
    "reglementation": "Réglementation AMF, Code des assurances, Directive crédit",
    "rgpd": "RGPD",
}


def theme_label(slug: str) -> str:
    """The French name of a questionnaire theme, for the screens."""
    return THEME_LABELS.get(slug, slug)


class Certification(db.Model):
    """A title or CQP and the rules its referential sets (grading, two evaluators)."""

    __tablename__ = "certification"
    __table_args__ = (
        CheckConstraint(
            "grid_threshold IS NULL OR (grid_threshold >= 0 AND grid_threshold <= 4)",
            name="grid_threshold_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    level: Mapped[str | None] = mapped_column(String(40))
    rncp_code: Mapped[str | None] = mapped_column(String(40))
    certifier: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str | None] = mapped_column(String(200))
    grading: Mapped[Grading] = mapped_column(value_enum(Grading, length=30), default=Grading.BINARY)
    grid_threshold: Mapped[int | None]
    two_evaluators: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Why the referential's text is known to be incomplete (no title can be awarded), or None.
    incomplete_reason: Mapped[str | None] = mapped_column(Text)
    #: The referential's words on its jury (seed 002: « conforme à la délibération de la CPNE
    #: du 23 novembre 2016 ») and the line of the source document that says so.
    jury_basis: Mapped[str | None] = mapped_column(Text)
    jury_source_line: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    blocks: Mapped[list[Block]] = _parts("Block.position", back_populates="certification")
    prerequisites: Mapped[list[Prerequisite]] = _parts("Prerequisite.position")
    #: The seats the referential declares for its jury; none: the deliberation names its members.
    jury_seats: Mapped[list[JurySeat]] = _parts("JurySeat.position")

    @property
    def required_evaluators(self) -> int:
        """How many different jury members must concur before a decision is final."""
        return 2 if self.two_evaluators else 1

    @property
    def competencies(self) -> list[Competency]:
        return [competency for block in self.blocks for competency in block.competencies]

    @property
    def questionnaire_themes(self) -> list[str]:
        """The themes of its thematic questionnaires, in the referential's order, once each."""
        themes = (theme for c in self.competencies for theme in c.questionnaire_themes)
        return list(dict.fromkeys(themes))


class Block(db.Model):
    """A block of competencies, validated only as a whole."""

    __tablename__ = "certification_block"
    __table_args__ = (UniqueConstraint("certification_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = _owner("certification")
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int]
    #: Every jury evaluation of the block's competencies carries a comment.
    comments_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The referential's text of this block is known to be incomplete: never validated.
    incomplete: Mapped[bool] = mapped_column(default=False, server_default=false())

    certification: Mapped[Certification] = relationship(back_populates="blocks")
    competencies: Mapped[list[Competency]] = _parts("Competency.position", back_populates="block")


class Competency(db.Model):
    """A competency with the modalities that evaluate it and its criteria."""

    __tablename__ = "certification_competency"
    __table_args__ = (UniqueConstraint("block_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = _owner("certification_block")
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int]

    block: Mapped[Block] = relationship(back_populates="competencies")
    modalities: Mapped[list[Modality]] = _parts("Modality.position", back_populates="competency")
    criteria: Mapped[list[Criterion]] = _parts("Criterion.position")

    @property
    def questionnaire_themes(self) -> list[str]:
        return [m.theme_slug for m in self.modalities if m.kind.is_questionnaire and m.theme_slug]

    @property
    def is_jury_evaluated(self) -> bool:
        """Whether some modality needs the jury's evaluation: any but a questionnaire on a theme
        of the platform (seed 002: a questionnaire tied to no theme « est enregistré par le
        jury »; else a competency evaluated by it alone would wait for nothing)."""
        return any(not (m.kind.is_questionnaire and m.theme_slug) for m in self.modalities)


class Modality(db.Model):
    """One way a competency is evaluated, with its weight and questionnaire theme if any."""

    __tablename__ = "certification_modality"
    __table_args__ = (
        CheckConstraint(
            "weight_percent IS NULL OR (weight_percent > 0 AND weight_percent <= 100)",
            name="weight_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competency_id: Mapped[int] = _owner("certification_competency")
    kind: Mapped[ModalityKind] = mapped_column(value_enum(ModalityKind, length=30))
    label: Mapped[str | None] = mapped_column(Text)
    weight_percent: Mapped[int | None]
    theme_slug: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int]
    #: Seed 003 (observation): how many observed interviews (min, max), over how many days at
    #: most, on how many different channels, and the source document's line; None: no rule.
    observations_min: Mapped[int | None]
    observations_max: Mapped[int | None]
    observations_within_days: Mapped[int | None]
    observations_distinct_channels: Mapped[int | None]
    observations_source_line: Mapped[int | None]

    competency: Mapped[Competency] = relationship(back_populates="modalities")

    @property
    def observation_rule(self) -> ObservationRule | None:
        """The observed interviews this modality asks for before the grid, or None."""
        if self.observations_min is None:
            return None
        return ObservationRule(
            self.observations_min,
            self.observations_max,
            self.observations_within_days,
            self.observations_distinct_channels,
            self.observations_source_line,
        )

    @property
    def display_label(self) -> str:
        return self.label or self.kind.label


@dataclass(frozen=True)
class ObservationRule:
    """Seed 003: « plusieurs entretiens (entre 3 et 5) dans des cadres différents … sur une
    période donnée (une semaine maximum) »."""

    min: int
    max: int
    within_days: int
    distinct_channels: int
    source_line: int | None = None


class ObservationChannel(enum.StrEnum):
    """The channel of an observed reception interview (« téléphonique / tchat / face-à-face,
    mail, etc. »)."""

    TELEPHONE = "telephone"
    TCHAT = "tchat"
    FACE_A_FACE = "face_a_face"
    MAIL = "mail"
    AUTRE = "autre"

    @property
    def label(self) -> str:
        return {
            "telephone": "Téléphone",
            "tchat": "Tchat",
            "face_a_face": "Face-à-face",
            "mail": "Mail",
            "autre": "Autre",
        }[self.value]


class Criterion(db.Model):
    """An evaluation criterion of a competency, as the referential words it."""

    __tablename__ = "certification_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    competency_id: Mapped[int] = _owner("certification_competency")
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int]


class Prerequisite(db.Model):
    """A condition of the title outside the blocks (seed 002: the AMF certification)."""

    __tablename__ = "certification_prerequisite"
    __table_args__ = (UniqueConstraint("certification_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = _owner("certification")
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(Text)
    position: Mapped[int]


class JurySeat(db.Model):
    """A seat of the jury as the referential declares it (seed 002: the CPNE's two colleges and
    a permanent of the Confédération Nationale du Crédit Mutuel)."""

    __tablename__ = "certification_jury_seat"
    __table_args__ = (UniqueConstraint("certification_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = _owner("certification")
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(Text)
    #: The line of the certification's source document that declares the seat.
    source_line: Mapped[int | None]
    position: Mapped[int]


class Deliberation(db.Model):
    """A jury's deliberation as held: its day, the members present, who recorded it and when."""

    __tablename__ = "certification_deliberation"

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = mapped_column(ForeignKey("certification.id"), index=True)
    #: The day the jury met (Paris), entered by whoever records it; never in the future.
    held_on: Mapped[date]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime]

    certification: Mapped[Certification] = relationship()
    recorded_by: Mapped[User] = relationship(lazy="joined")
    members: Mapped[list[DeliberationMember]] = _parts(
        "DeliberationMember.position", back_populates="deliberation"
    )
    #: The blocks it capitalised.
    validations: Mapped[list[BlockValidation]] = relationship(
        back_populates="deliberation", order_by="BlockValidation.id"
    )


class DeliberationMember(db.Model):
    """A member present at a deliberation, with the seat they held (copied from the referential
    at the time, so a later change of the file does not rewrite the record)."""

    __tablename__ = "certification_deliberation_member"
    __table_args__ = (UniqueConstraint("deliberation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deliberation_id: Mapped[int] = _owner("certification_deliberation")
    position: Mapped[int]
    #: The declared seat's code and label; None when the referential declares no composition.
    seat_code: Mapped[str | None] = mapped_column(String(40))
    seat_label: Mapped[str | None] = mapped_column(Text)
    #: The name as entered: members of the CPNE need no account on the platform.
    name: Mapped[str] = mapped_column(String(200))
    #: The member's jury account, when they have one.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    deliberation: Mapped[Deliberation] = relationship(back_populates="members")
    user: Mapped[User | None] = relationship(lazy="joined")


class PrerequisiteRecord(_EnrolmentRecord, db.Model):
    """A jury member's or administrator's statement that a candidate meets a prerequisite."""

    __tablename__ = "certification_prerequisite_record"
    __table_args__ = (UniqueConstraint("enrolment_id", "prerequisite_id"),)

    prerequisite_id: Mapped[int] = mapped_column(
        ForeignKey("certification_prerequisite.id"), index=True
    )
    #: The day the candidate actually met the prerequisite (``recorded_at`` is the attestation).
    met_on: Mapped[date]

    prerequisite: Mapped[Prerequisite] = relationship(lazy="joined")


class EvaluatorQuality(enum.StrEnum):
    """Who may evaluate a seed-003 candidate (« Évaluateurs : 1 expert « habilité » … + 1 expert
    interne à l'entreprise (issu d'un autre service) OU 1 responsable pédagogique … »)."""

    EXPERT_HABILITE = "expert_habilite"
    EXPERT_INTERNE = "expert_interne"
    RESPONSABLE_PEDAGOGIQUE = "responsable_pedagogique"

    @property
    def label(self) -> str:
        return {
            "expert_habilite": "expert « habilité » ayant suivi l'action de formation de la branche",
            "expert_interne": "expert interne à l'entreprise (issu d'un autre service)",
            "responsable_pedagogique": "responsable pédagogique de l'organisme de formation "
            "habilité par la branche",
        }[self.value]


class DesignatedEvaluator(_EnrolmentRecord, db.Model):
    """One of the two evaluators designated for a candidate of a two-evaluator referential."""

    __tablename__ = "certification_designated_evaluator"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "evaluator_id"),
        UniqueConstraint("enrolment_id", "quality"),
    )

    evaluator_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    quality: Mapped[EvaluatorQuality] = mapped_column(value_enum(EvaluatorQuality, length=30))

    evaluator: Mapped[User] = relationship(foreign_keys=[evaluator_id], lazy="joined")
    recorded_by: Mapped[User] = relationship(foreign_keys="DesignatedEvaluator.recorded_by_id")

    @property
    def must_be_replaced(self) -> bool:
        """The account was deactivated or left the jury since: it can no longer evaluate."""
        return not self.evaluator.active or not self.evaluator.has_role(Role.JURY)


class BlockValidation(_EnrolmentRecord, db.Model):
    """A block capitalised by the CPNE's deliberation: acquired for good, with its date."""

    __tablename__ = "certification_block_validation"
    __table_args__ = (UniqueConstraint("enrolment_id", "block_id"),)

    block_id: Mapped[int] = mapped_column(ForeignKey("certification_block.id"), index=True)
    validated_at: Mapped[datetime]
    #: The deliberation that capitalised the block (None: recorded before deliberations were).
    deliberation_id: Mapped[int | None] = mapped_column(
        ForeignKey("certification_deliberation.id"), index=True
    )

    block: Mapped[Block] = relationship(lazy="joined")
    deliberation: Mapped[Deliberation | None] = relationship(
        back_populates="validations", lazy="joined"
    )


class CertificationEnrolment(db.Model):
    """A candidate registered to a certification."""

    __tablename__ = "certification_enrolment"
    __table_args__ = (UniqueConstraint("certification_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = mapped_column(ForeignKey("certification.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime]

    certification: Mapped[Certification] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    accommodations: Mapped[list[Accommodation]] = relationship(
        back_populates="enrolment", order_by="Accommodation.recorded_at", lazy="selectin"
    )
    prerequisite_records: Mapped[list[PrerequisiteRecord]] = relationship(
        order_by="PrerequisiteRecord.recorded_at", lazy="selectin"
    )
    block_validations: Mapped[list[BlockValidation]] = relationship(
        order_by="BlockValidation.validated_at", lazy="selectin"
    )
    designated_evaluators: Mapped[list[DesignatedEvaluator]] = relationship(
        order_by="DesignatedEvaluator.quality",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    observations: Mapped[list[ObservedInterview]] = relationship(
        order_by="[ObservedInterview.observed_on, ObservedInterview.id]",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    def is_capitalised(self, block_id: int) -> bool:
        return any(v.block_id == block_id for v in self.block_validations)

    @property
    def replacements(self) -> dict[str, Accommodation]:
        """The questionnaire themes an accommodation replaced for the candidate, by theme."""
        return {a.replaced_theme: a for a in self.accommodations if a.replaced_theme}

    def jury_evaluates(self, competency: Competency) -> bool:
        """Whether the jury evaluates ``competency`` for this candidate: by the referential, or
        because an accommodation replaced one of its questionnaires."""
        return competency.is_jury_evaluated or any(
            theme in self.replacements for theme in competency.questionnaire_themes
        )


class ObservedInterview(_EnrolmentRecord, db.Model):
    """An interview or a workstation exercise the evaluators observed for one block (seed 003,
    modality « observation »: block 1's reception interviews, block 3's « mises en situation sur
    poste de travail », block 4's prospection interviews)."""

    __tablename__ = "certification_observed_interview"

    #: The block whose observation modality the interview counts for (each block has its rule).
    block_id: Mapped[int] = mapped_column(ForeignKey("certification_block.id"), index=True)
    #: The Paris calendar day of the interview; never in the future.
    observed_on: Mapped[date]
    channel: Mapped[ObservationChannel] = mapped_column(value_enum(ObservationChannel, length=20))
    #: Simulated rather than real: block 1's « dont 1 simulée en situation difficile s'il y a
    #: lieu », block 3's « à défaut mise en situation reconstituée »; shown, never required.
    simulated_difficult: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str | None] = mapped_column(String(300))

    recorded_by: Mapped[User] = relationship(lazy="joined")
    block: Mapped[Block] = relationship(lazy="joined")


class Accommodation(_EnrolmentRecord, db.Model):
    """An adaptation of the certification's evaluation for a disabled candidate.

    Seed 000: « Les modalités d'évaluation peuvent être adaptées en fonction des situations des
    personnes handicapées ». Besides its description, an accommodation may replace one of the
    certification's questionnaires by another modality, which the jury then evaluates.
    """

    __tablename__ = "certification_accommodation"
    __table_args__ = (
        CheckConstraint(
            "(replaced_theme IS NULL) = (replacement IS NULL)", name="replacement_pair"
        ),
        CheckConstraint("replacement IS NULL OR replacement <> 'questionnaire'", name="not_quiz"),
        # a questionnaire is replaced once per candidate (descriptions alone: NULL, distinct)
        UniqueConstraint("enrolment_id", "replaced_theme"),
    )

    description: Mapped[str] = mapped_column(Text)
    #: The questionnaire theme (slug) this accommodation replaces for the candidate, if any.
    replaced_theme: Mapped[str | None] = mapped_column(String(40))
    #: The modality the jury evaluates instead of that questionnaire.
    replacement: Mapped[ModalityKind | None] = mapped_column(value_enum(ModalityKind, length=30))

    enrolment: Mapped[CertificationEnrolment] = relationship(back_populates="accommodations")


class JuryEvaluation(db.Model):
    """One jury member's evaluation of one candidate's competency (their latest word)."""

    __tablename__ = "jury_evaluation"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "competency_id", "evaluator_id"),
        CheckConstraint(
            "grid_score IS NULL OR (grid_score >= 0 AND grid_score <= 4)", name="grid_score_range"
        ),
        CheckConstraint("(acquired IS NULL) <> (grid_score IS NULL)", name="one_outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = _owner("certification_enrolment")
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("certification_competency.id"), index=True
    )
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    acquired: Mapped[bool | None]
    grid_score: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime]

    competency: Mapped[Competency] = relationship()
    evaluator: Mapped[User] = relationship(lazy="joined")
