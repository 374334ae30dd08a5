"""How the audit log reads to a French administrator: named objects, French labels and values.

Presentation only: events keep their stored codes (``session:17``, ``passed: false``), and the
personal-data export keeps reading them raw. An unknown target kind or detail key is shown as
stored, so a new kind of event is never hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import url_for
from sqlalchemy import select

from questionnaire.audit.models import ACTION_LABELS, AuditEvent
from questionnaire.extensions import db
from questionnaire.roles import ROLE_LABELS, Role
from questionnaire.web import french_duration, french_percent, paris_time

NONE = "—"


@dataclass(frozen=True)
class Shown:
    """A text for the reader, with the page it names when an administrator can open one."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    target: Shown | None
    details: list[tuple[str, Shown]]


# ---------------------------------------------------------------- values


def french_number(value: int | float) -> str:
    """1234.5 → « 1 234,5 » (narrow non-breaking space between thousands, decimal comma)."""
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    return text.replace(",", "\u202f").replace(".", ",")


def french_value(value: object) -> str:
    """Any stored detail value as a French reader expects it."""
    if value is None or value == "" or value == []:
        return NONE
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, int | float):
        return french_number(value)
    if isinstance(value, list | tuple):
        return ", ".join(french_value(part) for part in value)
    if isinstance(value, dict):
        return " ; ".join(f"{key} : {french_value(part)}" for key, part in value.items())
    return str(value)


def _minutes(value: object) -> str:
    return (
        f"{french_value(value)}\u00a0min" if isinstance(value, int | float) else french_value(value)
    )


def _seconds(value: object) -> str:
    return french_duration(value) if isinstance(value, int) else french_value(value)


def _percent(value: object) -> str:
    return french_percent(value) if isinstance(value, int | float) else french_value(value)


def _basis_points(value: object) -> str:
    return french_percent(value / 100) if isinstance(value, int | float) else french_value(value)


def _moment(value: object) -> str:
    try:
        return paris_time(datetime.fromisoformat(str(value)))
    except ValueError:
        return french_value(value)


def _day(value: object) -> str:
    """A stored ISO day (« 2026-03-02 ») as « 02/03/2026 »."""
    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return french_value(value)


def _roles(value: object) -> str:
    if not isinstance(value, list):
        return french_value(value)
    known = {role.value for role in Role}
    return ", ".join(ROLE_LABELS[Role(v)] if v in known else str(v) for v in value)


def _format(value: object) -> str:
    return str(value).upper() if isinstance(value, str) else french_value(value)


def _session_purpose(value: object) -> str:
    from questionnaire.exams.models import SessionPurpose

    known = {purpose.value: purpose.label for purpose in SessionPurpose}
    return known[value].capitalize() if value in known else french_value(value)


def _release_policy(value: object) -> str:
    from questionnaire.exams.models import ReleasePolicy

    known = {policy.value: policy.label for policy in ReleasePolicy}
    return known[value].capitalize() if value in known else french_value(value)


def _theme(value: object) -> str:
    from questionnaire.certification.models import theme_label

    return theme_label(value) if isinstance(value, str) else french_value(value)


def _modality(value: object) -> str:
    from questionnaire.certification.models import ModalityKind

    known = {kind.value: kind.label for kind in ModalityKind}
    return known[value] if value in known else french_value(value)


# the counter a blocked login ran into (``questionnaire.security.limits`` scopes)
LOCKOUT_KINDS = {
    "login-account-address": "ce compte depuis cette adresse",
    "login-account": "ce compte depuis toutes les adresses (plafond du compte)",
    "login-address": "cette adresse, tous comptes confondus",
}


def _lockout_kind(value: object) -> str:
    return (
        LOCKOUT_KINDS.get(value, french_value(value))
        if isinstance(value, str)
        else french_value(value)
    )


def _action(value: object) -> str:
    return ACTION_LABELS.get(value, french_value(value)) if isinstance(value, str) else str(value)


def _involvement(value: object) -> str:
    from questionnaire.audit.services import INVOLVEMENTS

    return INVOLVEMENTS.get(value, french_value(value)) if isinstance(value, str) else str(value)


# key → (label, how its value reads); every key some ``record``/``record_action`` call writes
DETAILS: dict[str, tuple[str, Callable[[object], str]]] = {
    # attempts
    "score": ("Score", french_value),
    "max_score": ("Score maximal", french_value),
    "passed": ("Réussite", french_value),
    # scoring decisions and grade changes
    "correct_keys": ("Bonnes réponses", french_value),
    "before": ("Avant", french_value),
    "after": ("Après", french_value),
    "reason": ("Motif", french_value),
    # incidents
    "minutes": ("Temps ajouté", _minutes),
    "attempts_moved": ("Copies prolongées", french_value),
    # administration
    "item_count": ("Nombre de questions", french_value),
    "duration_minutes": ("Durée", _minutes),
    "pass_mark_bp": ("Seuil de réussite", _basis_points),
    "opens_at": ("Ouverture", _moment),
    "closes_at": ("Clôture", _moment),
    "purpose": ("Nature", _session_purpose),
    "previous_purpose": ("Nature auparavant", _session_purpose),
    "release_policy": ("Publication de la correction", _release_policy),
    "extra_time_percent": ("Temps supplémentaire", _percent),
    "rows": ("Candidats dans le fichier", french_value),
    "updated": ("Déjà inscrits (aménagement remplacé)", french_value),
    "running_copy_added_seconds": ("Ajouté à la copie en cours", _seconds),
    "running_copies_extended": ("Copies en cours prolongées", french_value),
    "roles": ("Rôles", _roles),
    "active": ("Compte actif", french_value),
    "password_changed": ("Mot de passe changé", french_value),
    "must_change_password": ("Mot de passe à changer à la prochaine connexion", french_value),
    # certification
    "acquired": ("Acquise", french_value),
    "grid_score": ("Note de la grille", french_value),
    "block": ("Bloc", french_value),
    "accommodation_id": ("Aménagement n°", french_value),
    "replaced_theme": ("Questionnaire remplacé", _theme),
    "replacement": ("Remplacé par", _modality),
    "prerequisite": ("Prérequis", french_value),
    # designated evaluators (seed 003): accounts, shown with their current name by ``_accounts``
    "evaluators": ("Évaluateurs désignés", french_value),
    "expert_habilite": ("Expert « habilité »", french_value),
    "expert_interne": ("Expert interne à l'entreprise", french_value),
    "responsable_pedagogique": ("Responsable pédagogique", french_value),
    "replaced_evaluators": ("Évaluateurs remplacés", french_value),
    # the jury's deliberation (member names stay in their table, never in the journal)
    "deliberation": ("Délibération n°", french_value),
    "held_on": ("Délibération tenue le", _day),
    "members": ("Membres du jury présents", french_value),
    "seats": ("Sièges pourvus", french_value),
    "seats_corrected": ("Sièges corrigés", french_value),
    "members_before": ("Membres du jury auparavant", french_value),
    "names_corrected": ("Noms corrigés", french_value),
    "accounts_changed": ("Comptes rattachés modifiés", french_value),
    "capitalised_blocks": ("Blocs capitalisés", french_value),
    # Angoff panels: judges are accounts, shown with their current name by ``_accounts``
    "panel": ("Panel", french_value),
    "judges": ("Juges", french_value),
    "judge": ("Juge", french_value),
    "candidates": ("Candidats concernés", french_value),
    # exports and imports
    "format": ("Format", _format),
    "file": ("Fichier", french_value),
    "imported": ("Items importés", french_value),
    "items": ("Items", french_value),
    # privacy and security
    "pseudonym": ("Pseudonyme", french_value),
    "audit_events_deleted": ("Événements du journal supprimés", french_value),
    "accounts_pseudonymised": ("Comptes pseudonymisés", french_value),
    "enrolments_withdrawn": ("Inscriptions retirées (sessions pas encore closes)", french_value),
    "endpoint": ("Point d'accès", french_value),
    "lockout": ("Blocage", _lockout_kind),
    "locked_until": ("Bloqué jusqu'au", _moment),
    "account_wide": ("Bloqué depuis toutes les adresses", french_value),
    "addresses": ("Bloqué depuis les adresses", french_value),
    "device": ("Appareil reconnu (navigateur déjà connecté au compte)", french_value),
    "blocked_unrecorded": ("Connexions refusées depuis, non journalisées", french_value),
    # journal exports: the filters used (the person filter as a count of accounts, never the
    # text typed, which may be an e-mail address)
    "events": ("Événements exportés", french_value),
    "action": ("Filtre : action", _action),
    "person": ("Filtre : comptes correspondant à la personne cherchée", french_value),
    "involvement": ("Filtre : rôle de la personne", _involvement),
    "start": ("Filtre : du", _day),
    "end": ("Filtre : au", _day),
}


#: Detail keys whose value is an account number or a list of them, named by the viewer.
ACCOUNT_KEYS = frozenset(
    {
        "evaluators",
        "expert_habilite",
        "expert_interne",
        "responsable_pedagogique",
        "replaced_evaluators",
        "judges",
        "judge",
    }
)


#: Detail keys whose value lists a deliberation's jury seats by code, read by their label.
SEAT_KEYS = frozenset({"seats", "seats_corrected"})


# ---------------------------------------------------------------- targets


@dataclass(frozen=True)
class _Lookups:
    """Names and ids that a page of events refers to, fetched once per kind."""

    item_versions: dict[int, tuple[str, int]]
    certifications: dict[str, int]
    competencies: dict[int, tuple[str, int]]
    accounts: dict[int, str] = field(default_factory=dict)
    #: deliberation id → seat code → label (as recorded with its members, else as declared)
    seat_labels: dict[int, dict[str, str]] = field(default_factory=dict)


def _ids(targets: Iterable[str], kind: str) -> set[str]:
    prefix = f"{kind}:"
    return {t[len(prefix) :] for t in targets if t.startswith(prefix)}


def _numbers(values: Iterable[str]) -> set[int]:
    return {int(v) for v in values if v.isascii() and v.isdigit()}


def _account_ids(value: object) -> set[int]:
    values = value if isinstance(value, list) else [value]
    return {v for v in values if isinstance(v, int) and not isinstance(v, bool)}


def _seat_labels(deliberation_ids: set[int]) -> dict[int, dict[str, str]]:
    """Each deliberation's seat labels: those its members were recorded with, else the seats
    its certification declares now (a seat nobody holds any more after a correction)."""
    from questionnaire.certification.models import Deliberation, DeliberationMember, JurySeat

    labels: dict[int, dict[str, str]] = {}
    if not deliberation_ids:
        return labels
    declared = db.session.execute(
        select(Deliberation.id, JurySeat.code, JurySeat.label)
        .join(JurySeat, JurySeat.certification_id == Deliberation.certification_id)
        .where(Deliberation.id.in_(deliberation_ids))
    )
    for row in declared:
        labels.setdefault(row.id, {})[row.code] = row.label
    recorded = db.session.execute(
        select(
            DeliberationMember.deliberation_id,
            DeliberationMember.seat_code,
            DeliberationMember.seat_label,
        ).where(
            DeliberationMember.deliberation_id.in_(deliberation_ids),
            DeliberationMember.seat_code.is_not(None),
            DeliberationMember.seat_label.is_not(None),
        )
    )
    for row in recorded:
        labels.setdefault(row.deliberation_id, {})[row.seat_code] = row.seat_label
    return labels


def _lookups(
    targets: set[str], account_ids: set[int] = frozenset(), deliberation_ids: set[int] = frozenset()
) -> _Lookups:
    from questionnaire.auth.models import User
    from questionnaire.banks.models import Item, ItemVersion
    from questionnaire.certification.models import Block, Certification, Competency

    versions = _numbers(_ids(targets, "item_version"))
    slugs = _ids(targets, "certification")
    competencies = _numbers(_ids(targets, "competency"))
    item_versions = {}
    if versions:
        rows = db.session.execute(
            select(ItemVersion.id, Item.external_id, ItemVersion.number)
            .join(Item, Item.id == ItemVersion.item_id)
            .where(ItemVersion.id.in_(versions))
        )
        item_versions = {row.id: (row.external_id, row.number) for row in rows}
    certifications = {}
    if slugs:
        rows = db.session.execute(
            select(Certification.slug, Certification.id).where(Certification.slug.in_(slugs))
        )
        certifications = {row.slug: row.id for row in rows}
    competency_rows = {}
    if competencies:
        rows = db.session.execute(
            select(Competency.id, Competency.code, Block.certification_id)
            .join(Block, Block.id == Competency.block_id)
            .where(Competency.id.in_(competencies))
        )
        competency_rows = {row.id: (row.code, row.certification_id) for row in rows}
    accounts = {}
    if account_ids:
        rows = db.session.execute(
            select(User.id, User.display_name).where(User.id.in_(account_ids))
        )
        accounts = {row.id: row.display_name for row in rows}
    return _Lookups(
        item_versions, certifications, competency_rows, accounts, _seat_labels(deliberation_ids)
    )


def _numbered(label: str, value: str, endpoint: str | None = None, **args) -> Shown:
    url = url_for(endpoint, **args) if endpoint else None
    return Shown(f"{label} n°\u00a0{value}", url)


def describe_target(target: str | None, lookups: _Lookups) -> Shown | None:
    """``session:17`` → « Session n° 17 » with a link to the session's page."""
    if not target:
        return None
    kind, _, value = target.partition(":")
    number = int(value) if value.isascii() and value.isdigit() else None
    if kind == "attempt" and number is not None:
        return _numbered("Copie", value)  # no administration page shows one copy
    if kind == "session" and number is not None:
        return _numbered("Session", value, "admin.show_session", session_id=number)
    if kind == "questionnaire" and number is not None:
        return _numbered(
            "Questionnaire", value, "admin.edit_questionnaire", questionnaire_id=number
        )
    if kind == "user" and number is not None:
        return _numbered("Compte", value, "admin.edit_user", user_id=number)
    if kind == "item_version" and number is not None:
        found = lookups.item_versions.get(number)
        if found is None:
            return _numbered("Version d'item", value)
        external_id, version = found
        url = url_for("banks.item", external_id=external_id, version=version)
        return Shown(f"Version d'item n°\u00a0{value} ({external_id}, version {version})", url)
    if kind == "item" and "@" in value:
        external_id, _, version = value.rpartition("@")
        if version.isascii() and version.isdigit():
            url = url_for("banks.item", external_id=external_id, version=int(version))
            return Shown(f"Item {external_id}, version {version}", url)
    if kind == "competency" and number is not None:
        found = lookups.competencies.get(number)
        if found is None:
            return _numbered("Compétence", value)
        code, certification_id = found
        url = url_for("certification.referential", certification_id=certification_id)
        return Shown(f"Compétence {code} (n°\u00a0{value})", url)
    if kind == "certification" and value:
        certification_id = lookups.certifications.get(value)
        url = (
            url_for("certification.referential", certification_id=certification_id)
            if certification_id is not None
            else None
        )
        return Shown(f"Certification « {value} »", url)
    if kind == "angoff_panel" and number is not None:
        return _numbered("Panel Angoff", value, "reports.angoff_summary", panel_id=number)
    if kind == "theme" and value:
        return Shown(f"Thème « {value} »", url_for("banks.theme", slug=value))
    return Shown(target)


def _account(account_id: int, lookups: _Lookups) -> str:
    """« Éva Experte (compte n° 12) »: the name it bears now (a pseudonym once erased)."""
    name = lookups.accounts.get(account_id)
    number = f"compte n°\u00a0{account_id}"
    return f"{name} ({number})" if name else number[0].upper() + number[1:]


def describe_details(details: dict, lookups: _Lookups) -> list[tuple[str, Shown]]:
    """Each stored detail as (French label, French value); unknown keys keep their name."""
    shown = []
    for key, value in (details or {}).items():
        if key in ACCOUNT_KEYS and _account_ids(value):
            label = DETAILS[key][0]
            ids = value if isinstance(value, list) else [value]
            text = ", ".join(
                _account(v, lookups) if _account_ids(v) else french_value(v) for v in ids
            )
            shown.append((label, Shown(text)))
            continue
        if key in SEAT_KEYS and isinstance(value, list) and value:
            labels = (lookups.seat_labels if lookups else {}).get(details.get("deliberation"), {})
            text = ", ".join(
                f"« {labels[code]} »" if code in labels else french_value(code) for code in value
            )
            shown.append((DETAILS[key][0], Shown(text)))
            continue
        if key == "session_id":  # a scoring decision for one session, or for all of them
            text = (
                describe_target(f"session:{value}", lookups)
                if value is not None
                else Shown("toutes les sessions")
            )
            shown.append(("Session", text))
            continue
        label, formatter = DETAILS.get(key, (key, french_value))
        shown.append((label, Shown(formatter(value))))
    return shown


def describe_events(events: list[AuditEvent]) -> list[EventRow]:
    """A page of events ready for the viewer (needs a request context for the links)."""
    targets = {event.target for event in events if event.target}
    account_ids, deliberation_ids = set(), set()
    for event in events:
        details = event.details or {}
        for key, value in details.items():
            if key in ACCOUNT_KEYS:
                account_ids |= _account_ids(value)
        if SEAT_KEYS & details.keys():
            deliberation = details.get("deliberation")
            if isinstance(deliberation, int) and not isinstance(deliberation, bool):
                deliberation_ids.add(deliberation)
    lookups = _lookups(targets, account_ids, deliberation_ids)
    return [
        EventRow(
            event, describe_target(event.target, lookups), describe_details(event.details, lookups)
        )
        for event in events
    ]
