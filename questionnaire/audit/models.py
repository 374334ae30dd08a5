"""Audit events: written once, never changed; only the retention purge may delete old ones."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DDL, JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from questionnaire.extensions import db

if TYPE_CHECKING:  # the auth package imports the audit services
    from questionnaire.auth.models import User

ACTION_LABELS = {
    "auth.login": "connexion",
    "auth.login_failed": "échec de connexion",
    "auth.login_blocked": "connexion bloquée (trop d'échecs)",
    "auth.password_change": "changement de son mot de passe par l'utilisateur",
    "auth.password_change_failed": "changement de mot de passe refusé (mot de passe actuel faux)",
    "attempt.start": "début d'une copie",
    "attempt.submit": "remise d'une copie",
    "attempt.expire": "remise automatique (temps écoulé)",
    "grade.change": "changement de note",
    "scoring.rekey": "correction de clé",
    "scoring.neutralise": "neutralisation d'item",
    "session.extra_time": "temps supplémentaire accordé à une session",
    "attempt.extra_time": "temps supplémentaire accordé à la copie en cours d'un candidat",
    "privacy.export": "export des données personnelles",
    "privacy.erase": "effacement (pseudonymisation) d'un compte",
    "privacy.unenrol": "désinscription d'un compte effacé (session pas encore close, sans copie)",
    "privacy.purge": "purge des données échues",
    "audit.export": "export du journal d'audit (CSV)",
    "item.save": "enregistrement d'un item (atelier)",
    "item.approve": "approbation d'une version d'item",
    "item.publish": "publication d'une version d'item",
    "item.retire": "retrait d'une version d'item",
    "item.key_change": "changement de la clé d'un item",
    "bank.import": "import d'items",
    "bank.export": "export d'une banque",
    "report.export": "téléchargement d'un rapport",
    "angoff.panel_created": "création d'un panel Angoff",
    "angoff.judges_named": "juges nommés sur un panel Angoff",
    "angoff.judge_removed": "juge retiré d'un panel Angoff",
    "admin.questionnaire": "modification d'un questionnaire",
    "admin.questionnaire_create": "création d'un questionnaire",
    "admin.session": "modification d'une session",
    "admin.session_create": "création d'une session",
    "admin.session_purpose": "changement de la nature d'une session (certification, entraînement)",
    "admin.user_create": "création d'un compte",
    "admin.session_close": "clôture d'une session",
    "admin.correction_release": "publication de la correction d'une session",
    "admin.enrol": "inscription d'un candidat",
    "admin.enrolment_import": "import d'inscriptions",
    "admin.enrolment_update": "modification d'une inscription (aménagements)",
    "admin.unenrol": "désinscription d'un candidat",
    "admin.user_update": "modification d'un compte (rôles, activation, mot de passe)",
    "admin.user_unlock": "déblocage des connexions d'un compte",
    "certification.evaluation": "évaluation du jury",
    "certification.export": "export de la délibération",
    "certification.capitalise": "capitalisation d'un bloc (délibération)",
    "certification.deliberation": "délibération du jury enregistrée (date, membres présents)",
    "certification.deliberation_composition": (
        "composition d'une délibération du jury corrigée (noms, sièges)"
    ),
    "certification.enrol": "inscription d'un candidat à une certification",
    "certification.accommodation": "aménagement d'épreuve enregistré (certification)",
    "certification.accommodation_delete": "aménagement d'épreuve supprimé (certification)",
    "certification.prerequisite": "attestation d'un prérequis (certification)",
    "certification.evaluators": "désignation des deux évaluateurs d'un candidat (certification)",
    "certification.observation": "entretien observé enregistré (certification)",
    "certification.observation_delete": "entretien observé supprimé (certification)",
}

# The option that lets the retention purge, and nothing else, delete old events.
PURGE_OPTION = "audit_purge"

# PostgreSQL refuses any change to an event, except deletions by the purge, which sets
# ``questionnaire.audit_purge`` for its own transaction. Kept in sync with migration 0005.
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('questionnaire.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only';
END
$$
"""
APPEND_ONLY_TRIGGER = (
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
)


class AuditLogImmutable(RuntimeError):
    """Something tried to change or delete an audit event."""


class AuditEvent(db.Model):
    """Who did what, to whom, when and from where."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    target: Mapped[str | None] = mapped_column(String(80))
    address: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id], lazy="joined")

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


for _statement in (APPEND_ONLY_FUNCTION, APPEND_ONLY_TRIGGER):
    event.listen(
        AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(_mapper, _connection, _target) -> None:
    raise AuditLogImmutable("Le journal d'audit ne peut pas être modifié.")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(_mapper, _connection, _target) -> None:
    raise AuditLogImmutable("Le journal d'audit ne peut pas être modifié.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state) -> None:
    """Bulk UPDATE/DELETE statements bypass the mapper events: refuse them here too."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) != AuditEvent.__tablename__:
        return
    if state.is_delete and state.execution_options.get(PURGE_OPTION):
        return
    raise AuditLogImmutable("Le journal d'audit ne peut pas être modifié.")
