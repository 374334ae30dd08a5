"""The session dossier: participation, results, reliability, items, speededness, decisions."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from sqlalchemy import or_, select

from analytics import ResponseData, prepare
from questionnaire.attempts.models import Attempt, AttemptStatus, GradeChange, ScoringDecision
from questionnaire.auth.models import User
from questionnaire.exams.models import ExamSession
from questionnaire.extensions import db
from questionnaire.incidents.services import copy_extensions_for, extensions_for
from questionnaire.reports import dif
from questionnaire.reports import psychometrics as psy
from questionnaire.reports.angoff import standard_setting_section
from questionnaire.reports.loader import (
    SessionData,
    fingerprint,
    item_label,
    load_session,
    pseudonym,
)
from questionnaire.reports.review import (
    INDICATIVE_COPIES,
    flagged_items,
    review_table,
    severity_counts,
)
from questionnaire.reports.synthesis import no_figures_sentence, session_synthesis
from questionnaire.reports.tables import Column, Kind, Report, Section, Table
from questionnaire.web import paris_time


def participation_table(data: SessionData) -> Table:
    counts = data.status_counts
    started = sum(counts.values())
    return Table(
        "participation",
        "Participation",
        (
            Column("enrolled", "Inscrits", Kind.INT),
            Column("started", "Copies commencées", Kind.INT),
            Column("submitted", "Remises par le candidat", Kind.INT),
            Column("expired", "Remises à l'échéance", Kind.INT),
            Column("in_progress", "En cours", Kind.INT),
            Column("absent", "Non commencées", Kind.INT),
        ),
        (
            (
                data.enrolled,
                started,
                counts.get(AttemptStatus.SUBMITTED.value, 0),
                counts.get(AttemptStatus.EXPIRED.value, 0),
                counts.get(AttemptStatus.IN_PROGRESS.value, 0),
                data.enrolled - started,
            ),
        ),
    )


def speed_tables(data: SessionData) -> tuple[Table, ...]:
    """Items not reached (trailing unanswered) and share of the allowed time used."""
    not_reached = np.array([a.not_reached for a in data.attempts], dtype=float)
    ratios = np.array([a.time_ratio for a in data.attempts], dtype=float)
    summary = Table(
        "rapidite",
        "Rapidité",
        (
            Column("n", "Copies", Kind.INT),
            Column("with_not_reached", "Copies avec items non atteints", Kind.INT),
            Column("mean_not_reached", "Items non atteints par copie (moyenne)", Kind.DECIMAL, 3),
            Column("median_time", "Temps utilisé (médiane)", Kind.PERCENT),
            Column("p90_time", "Temps utilisé (9e décile)", Kind.PERCENT),
            Column("near_limit", "Copies à plus de 90 % du temps", Kind.INT),
        ),
        (
            (
                len(data.attempts),
                int((not_reached > 0).sum()),
                float(not_reached.mean()),
                float(np.median(ratios)),
                float(np.quantile(ratios, 0.9)),
                int((ratios > 0.9).sum()),
            ),
        ),
    )
    values, counts = np.unique(not_reached.astype(int), return_counts=True)
    spread = Table(
        "non_atteints",
        "Répartition des items non atteints",
        (
            Column("not_reached", "Items non atteints", Kind.INT),
            Column("count", "Copies", Kind.INT),
        ),
        tuple((int(v), int(c)) for v, c in zip(values, counts, strict=True)),
        sheet="Items non atteints",
    )
    return summary, spread


def accommodation_table(data: SessionData) -> Table:
    rows = [(f"Temps supplémentaire de {p} %", n) for p, n in data.extra_time.items()]
    rows.append(("Aménagement noté dans l'inscription", data.accommodation_notes))
    return Table(
        "amenagements",
        "Aménagements accordés (effectifs)",
        (Column("kind", "Aménagement"), Column("count", "Candidats", Kind.INT)),
        tuple(rows),
        sheet="Aménagements accordés",
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def incident_section(session: ExamSession, data: SessionData) -> Section:
    """Individual accommodations, then the extra time granted after an incident: to the whole
    session (it lengthens every copy still running and every later start) or to some copies
    only (a frozen computer, a candidate taken ill). Both weigh on the speededness and on the
    comparison with other sessions. The grantor is not named; a copy is named by its
    candidate's code, as in the candidates' table, never by a name."""
    extensions = extensions_for(session.id)
    copy_extensions = copy_extensions_for(session.id)
    tables = [accommodation_table(data)]
    sentences = []
    speed_note = (
        " ; le temps utilisé de la section Rapidité se rapporte au temps ainsi accordé."
        if data.attempts
        else "."
    )
    if extensions:
        total = sum(e.minutes for e in extensions)
        tables.append(
            Table(
                "incidents",
                "Temps supplémentaire accordé à toute la session (incidents)",
                (
                    Column("granted_at", "Date", Kind.DATETIME),
                    Column("minutes", "Minutes", Kind.INT),
                    Column("attempts_moved", "Copies en cours prolongées", Kind.INT),
                    Column("reason", "Motif"),
                ),
                tuple((e.granted_at, e.minutes, e.attempts_moved, e.reason) for e in extensions),
                sheet="Temps ajouté après incident",
            )
        )
        sentences.append(
            f"Après incident, {total} minute{'s' if total > 1 else ''} de temps supplémentaire "
            f"{'ont' if total > 1 else 'a'} été accordée{'s' if total > 1 else ''} à toute la "
            "session (tableau « Temps supplémentaire accordé à toute la session ») : les copies "
            "en cours ont été prolongées et les copies commencées ensuite en ont bénéficié"
            + speed_note
        )
    if copy_extensions:
        copies = len({e.attempt_id for e in copy_extensions})
        tables.append(
            Table(
                "incidents_copies",
                "Temps supplémentaire accordé à certaines copies (incidents)",
                (
                    Column("granted_at", "Date", Kind.DATETIME),
                    Column("code", "Code candidat"),
                    Column("minutes", "Minutes", Kind.INT),
                    Column("reason", "Motif"),
                ),
                tuple(
                    (e.granted_at, pseudonym(e.attempt.user_id), e.minutes, e.reason)
                    for e in copy_extensions
                ),
                sheet="Temps ajouté à des copies",
            )
        )
        sentences.append(
            f"Après incident, {_plural(copies, 'copie')} "
            f"{'ont' if copies > 1 else 'a'} reçu du temps supplémentaire, "
            f"les autres non (tableau « Temps supplémentaire accordé à certaines copies », "
            "par code candidat)" + speed_note
        )
    return Section("amenagements", "Aménagements", tuple(sentences), tuple(tables))


def decision_table(session: ExamSession, data: SessionData) -> Table:
    """Scoring decisions on the session's items and their effect on its attempts."""
    version_ids = [info.version_id for info in data.items.values()]
    labels = {info.version_id: info.item_id for info in data.items.values()}
    decisions = db.session.execute(
        select(ScoringDecision)
        .where(
            ScoringDecision.item_version_id.in_(version_ids),
            or_(ScoringDecision.session_id == session.id, ScoringDecision.session_id.is_(None)),
        )
        .order_by(ScoringDecision.decided_at, ScoringDecision.id)
    ).scalars()
    rows = []
    for decision in decisions:
        changes = list(
            db.session.execute(
                select(GradeChange)
                .join(Attempt, Attempt.id == GradeChange.attempt_id)
                .where(GradeChange.decision_id == decision.id, Attempt.session_id == session.id)
            ).scalars()
        )
        rows.append(
            (
                decision.decided_at,
                labels.get(decision.item_version_id)
                or item_label(decision.version.item.external_id, decision.version.number),
                decision.kind.label,
                ", ".join(decision.correct_keys or []),
                decision.reason,
                decision.decided_by.display_name,
                len(changes),
                sum(1 for c in changes if c.old_passed and not c.new_passed),
                sum(1 for c in changes if c.new_passed and not c.old_passed),
            )
        )
    return Table(
        "decisions",
        "Décisions prises sur les items",
        (
            Column("decided_at", "Date", Kind.DATETIME),
            Column("item_id", "Item"),
            Column("kind", "Décision"),
            Column("keys", "Nouvelle clé"),
            Column("reason", "Motif"),
            Column("decided_by", "Décidé par"),
            Column("changes", "Notes modifiées", Kind.INT),
            Column("now_failed", "Réussite devenue échec", Kind.INT),
            Column("now_passed", "Échec devenu réussite", Kind.INT),
        ),
        tuple(rows),
    )


def candidate_table(data: SessionData, response: ResponseData, include_names: bool) -> Table:
    """One row per finalised attempt; totals from the library, names for administrators only."""
    position = {attempt_id: i for i, attempt_id in enumerate(response.attempt_ids)}
    columns = [Column("code", "Code candidat")]
    if include_names:
        columns.append(Column("name", "Nom"))
    columns += [
        Column("status", "Remise"),
        Column("total", "Score", Kind.DECIMAL, 0),
        Column("max_total", "Sur", Kind.DECIMAL, 0),
        Column("proportion", "Score (%)", Kind.PERCENT),
        Column("passed", "Réussi"),
        Column("time_used", "Temps utilisé", Kind.PERCENT),
        Column("not_reached", "Items non atteints", Kind.INT),
    ]
    rows = []
    for attempt in sorted(data.attempts, key=lambda a: a.code):
        i = position.get(attempt.attempt_id)
        total = float(response.totals[i]) if i is not None else 0.0
        max_total = float(response.max_totals[i]) if i is not None else 0.0
        row = [attempt.code] + ([attempt.name] if include_names else [])
        row += [
            "échéance" if attempt.status is AttemptStatus.EXPIRED else "candidat",
            total,
            max_total,
            total / max_total if max_total else None,
            attempt.passed,
            attempt.time_ratio,
            attempt.not_reached,
        ]
        rows.append(tuple(row))
    return Table(
        "candidats",
        "Résultats par candidat (pseudonymisés)",
        tuple(columns),
        tuple(rows),
        sheet="Résultats par candidat",
    )


def scope_text(session: ExamSession, data: SessionData) -> str:
    questionnaire = session.questionnaire
    neutralised = (
        f" ; items neutralisés exclus du calcul : {', '.join(data.neutralised)}"
        if data.neutralised
        else ""
    )
    return (
        f"Session « {session.title} » (n° {session.id}), questionnaire « {questionnaire.title} », "
        f"thème {questionnaire.theme.title} ; fenêtre du {paris_time(session.opens_at)} au "
        f"{paris_time(session.closes_at)} ; copies remises ou échues et notées : "
        f"{len(data.attempts)} ; items notés : {len(data.items) - len(data.neutralised)}"
        f"{neutralised}."
    )


def build_session_report(
    session: ExamSession,
    now: datetime,
    *,
    include_names: bool = False,
    viewer: User | None = None,
    reference: str | None = None,
    focal: str | None = None,
) -> Report:
    """Compute the whole session dossier from the database (same data → same numbers).

    `reference` and `focal` name the DIF groups (default: the two largest); an impossible
    choice raises `dif.DifChoiceError`. `viewer`: who reads it, when they may judge one of the
    session's Angoff panels (a judge sees a panel's cut once their own estimates are complete).
    """
    data = load_session(session)
    pass_mark = session.questionnaire.pass_mark
    sections = [Section("participation", "Participation", tables=(participation_table(data),))]
    digest = fingerprint(data.table)
    # validated and pivoted once for every analysis
    prepared = None if data.table.empty else prepare(data.table)
    warnings: tuple[str, ...] = ()
    in_progress = data.status_counts.get(AttemptStatus.IN_PROGRESS.value, 0)
    is_open = session.is_open(now)
    if prepared is None:
        graded = len(data.attempts)  # copies graded whose every item was neutralised, if any
        sections.insert(
            0, session_synthesis(None, in_progress, len(data.neutralised), {}, is_open, graded)
        )
        results = (
            no_figures_sentence(graded)
            if graded
            else "Aucune copie remise et notée : les statistiques ne sont pas calculables."
        )
        sections.append(Section("resultats", "Résultats", (results,)))
    else:
        summary = psy.summarise(prepared, pass_mark)
        stats = summary.stats
        few_views = psy.few_views_note(prepared)
        warnings = tuple(filter(None, (psy.few_copies_note(stats.n_attempts), few_views)))
        few_copies = psy.FEW_COPIES_SHORT if stats.n_attempts < psy.FEW_ATTEMPTS else None
        dif_paragraphs, dif_tables = dif.dif_section_parts(prepared, reference, focal)
        item_statistics = psy.item_statistics(prepared, data.items)  # for two tables
        flagged = flagged_items(prepared, data.items, item_statistics)
        synthesis = session_synthesis(
            summary, in_progress, len(data.neutralised), severity_counts(flagged), is_open
        )
        sections.insert(0, synthesis)
        sections += [
            Section(
                "resultats",
                "Résultats",
                (
                    f"Intervalle de confiance à 95 % du taux de réussite : méthode de "
                    f"{psy.CI_METHOD} (score de Wilson).",
                ),
                (
                    psy.results_table(summary, pass_mark),
                    psy.histogram_table(stats, prepared, pass_mark),
                ),
                psy.histogram(stats, prepared),
            ),
            Section(
                "sujets", "Score moyen par sujet", tables=(psy.topic_table(prepared, data.items),)
            ),
            Section(
                "fidelite",
                "Fidélité",
                tuple(
                    filter(
                        None,
                        (
                            few_copies,
                            *psy.reliability_sentences(stats),
                            psy.design_note(stats),
                            psy.forms_note(stats),
                            psy.SEM_NOTE,
                        ),
                    )
                ),
                psy.reliability_tables(stats),
            ),
            Section(
                "items_a_revoir",
                "Items à revoir",
                (
                    "Items signalés, du plus grave au moins grave : clé erronée suspectée ou "
                    "discrimination négative, puis difficulté ou discrimination, puis "
                    f"distracteurs. Sous {INDICATIVE_COPIES} copies, le signalement est "
                    "« indicatif ». La table complète des items suit.",
                ),
                (review_table(flagged, data.items),),
            ),
            Section(
                "items",
                "Items",
                tuple(filter(None, (few_copies, few_views))),
                (psy.item_table(prepared, data.items, item_statistics),),
            ),
            Section(
                "distracteurs",
                "Distracteurs",
                tables=(psy.distractor_table(prepared, data.items),),
            ),
            Section(
                "dif", "Fonctionnement différentiel des items (DIF)", dif_paragraphs, dif_tables
            ),
            Section(
                "rapidite",
                "Rapidité",
                (
                    "Items non atteints : questions sans réponse après la dernière question "
                    "répondue de la copie. Temps utilisé : (remise - début) / temps accordé.",
                ),
                speed_tables(data),
            ),
        ]
    sections += [
        incident_section(session, data),
        Section(
            "decisions",
            "Décisions sur les items",
            (
                "Neutralisations et corrections de clé, avec leur effet sur les notes de la session.",
            ),
            (decision_table(session, data),),
        ),
    ]
    standard_setting = standard_setting_section(session, viewer)
    if standard_setting is not None:
        sections.append(standard_setting)
    if prepared is not None:
        sections.append(
            Section(
                "candidats",
                "Candidats",
                (
                    "Codes stables dérivés de l'identifiant (HMAC-SHA256 avec la clé de "
                    "l'application, tronqué)."
                    + (" Noms visibles des seuls administrateurs." if include_names else ""),
                ),
                (candidate_table(data, prepared, include_names),),
            )
        )
    return Report(
        kind="session",
        title=f"Rapport psychométrique — {session.title}",
        scope=scope_text(session, data),
        generated_at=now,
        fingerprint=digest,
        sections=tuple(sections),
        warnings=warnings,
    )
