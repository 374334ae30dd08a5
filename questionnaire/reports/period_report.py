"""The period dossier of a theme: volumes, trends, comparability, drift, exposure, revisions."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency, kruskal
from sqlalchemy import func, select

from analytics import item_stats, prepare, test_stats
from questionnaire.attempts.models import Attempt
from questionnaire.banks.models import Theme, VersionStatus
from questionnaire.exams.models import Enrolment, ExamSession, Questionnaire
from questionnaire.extensions import db
from questionnaire.reports.loader import attempts_table, final_attempts, fingerprint, item_label
from questionnaire.reports.psychometrics import CI_METHOD, pass_interval
from questionnaire.reports.tables import Column, Kind, Report, Section, Table, Trend, finite
from questionnaire.web import PARIS, paris_time

#: A facility change at least this large between the two halves is flagged as drift.
DRIFT_THRESHOLD = 0.15


class PeriodError(ValueError):
    """The period is not valid (unknown theme, end before start)."""


def local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end + 1 day 00:00) in Paris time, as UTC instants."""
    if end < start:
        raise PeriodError("La fin de la période précède son début.")
    first = datetime.combine(start, time(), PARIS).astimezone(UTC)
    last = datetime.combine(end + timedelta(days=1), time(), PARIS).astimezone(UTC)
    return first, last


def period_sessions(theme: Theme, first: datetime, last: datetime) -> list[ExamSession]:
    return list(
        db.session.execute(
            select(ExamSession)
            .join(Questionnaire, Questionnaire.id == ExamSession.questionnaire_id)
            .where(
                Questionnaire.theme_id == theme.id,
                ExamSession.opens_at >= first,
                ExamSession.opens_at < last,
            )
            .order_by(ExamSession.opens_at, ExamSession.id)
        ).scalars()
    )


def _session_row(session: ExamSession, enrolled: int, table: pd.DataFrame) -> tuple:
    pass_mark = session.questionnaire.pass_mark
    if table.empty:
        return (session.title, paris_time(session.opens_at, "%d/%m/%Y"), enrolled, 0) + (None,) * 7
    stats = test_stats(table, cut=pass_mark)
    passed = round(stats.pass_rate * stats.n_attempts)
    low, high = pass_interval(passed, stats.n_attempts)
    mean = float(np.mean(prepare(table).proportions))
    return (
        session.title,
        paris_time(session.opens_at, "%d/%m/%Y"),
        enrolled,
        stats.n_attempts,
        stats.pass_rate,
        low,
        high,
        mean,
        stats.alpha,
        stats.sem,
        stats.decision_consistency.p,
    )


SESSION_COLUMNS = (
    Column("session", "Session"),
    Column("date", "Ouverture"),
    Column("enrolled", "Inscrits", Kind.INT),
    Column("attempts", "Copies notées", Kind.INT),
    Column("pass_rate", "Taux de réussite", Kind.PERCENT),
    Column("pass_rate_low", f"IC 95 % bas ({CI_METHOD})", Kind.PERCENT),
    Column("pass_rate_high", f"IC 95 % haut ({CI_METHOD})", Kind.PERCENT),
    Column("mean", "Réussite moyenne", Kind.PERCENT),
    Column("alpha", "Alpha de Cronbach", Kind.DECIMAL),
    Column("sem", "SEM", Kind.DECIMAL),
    Column("consistency", "Cohérence de décision", Kind.DECIMAL),
)


def comparability_table(parts: list[tuple[ExamSession, pd.DataFrame]]) -> Table:
    """Are sessions alike? Chi-square on pass / fail counts, Kruskal-Wallis on proportions."""
    counts, groups = [], []
    for session, part in parts:
        stats = test_stats(part, cut=session.questionnaire.pass_mark)
        passed = round(stats.pass_rate * stats.n_attempts)
        counts.append([passed, stats.n_attempts - passed])
        groups.append(prepare(part).proportions)
    rows = []
    if len(groups) >= 2:
        matrix = np.array(counts)
        chi_p = chi2_contingency(matrix).pvalue if (matrix.sum(axis=0) > 0).all() else None
        spread = np.concatenate(groups)
        kw_p = kruskal(*groups).pvalue if np.ptp(spread) > 0 else None
        rows.append(("Taux de réussite (khi-deux d'homogénéité)", len(groups), finite(chi_p)))
        rows.append(("Réussite moyenne (Kruskal-Wallis)", len(groups), finite(kw_p)))
    return Table(
        "comparabilite",
        "Comparabilité des sessions",
        (
            Column("test", "Comparaison"),
            Column("groups", "Sessions", Kind.INT),
            Column("p_value", "p", Kind.DECIMAL, 4),
        ),
        tuple(rows),
    )


def form_table(table: pd.DataFrame, sessions: list[ExamSession]) -> Table:
    """One row per questionnaire (form specification) over its sessions of the period."""
    questionnaire_of = {f"S{s.id}": s.questionnaire for s in sessions}
    owner = table["attempt_id"].map(lambda a: questionnaire_of[a.split("-", 1)[0]].id)
    rows = []
    for questionnaire in sorted(
        {q.id: q for q in questionnaire_of.values()}.values(), key=lambda q: q.id
    ):
        part = table[owner == questionnaire.id].reset_index(drop=True)
        if part.empty:
            continue
        stats = test_stats(part, cut=questionnaire.pass_mark)
        rows.append(
            (
                questionnaire.title,
                sum(1 for q in questionnaire_of.values() if q.id == questionnaire.id),
                stats.n_attempts,
                float(np.mean(prepare(part).proportions)),
                stats.pass_rate,
                stats.alpha,
            )
        )
    return Table(
        "formes",
        "Comparabilité des formes (questionnaires)",
        (
            Column("questionnaire", "Questionnaire"),
            Column("sessions", "Sessions", Kind.INT),
            Column("attempts", "Copies", Kind.INT),
            Column("mean", "Réussite moyenne", Kind.PERCENT),
            Column("pass_rate", "Taux de réussite", Kind.PERCENT),
            Column("alpha", "Alpha", Kind.DECIMAL),
        ),
        tuple(rows),
    )


def drift_table(table: pd.DataFrame, started: dict[str, datetime], middle: datetime) -> Table:
    """Facility of the same item version in the first and second half of the period."""
    first_half = table["attempt_id"].map(lambda a: started[a] < middle)
    halves = [table[first_half].reset_index(drop=True), table[~first_half].reset_index(drop=True)]
    rows = []
    if not halves[0].empty and not halves[1].empty:
        before, after = (item_stats(h).set_index("item_id") for h in halves)
        for item in before.index.intersection(after.index):
            change = float(after.at[item, "facility"] - before.at[item, "facility"])
            rows.append(
                (
                    item,
                    int(before.at[item, "n"]),
                    float(before.at[item, "facility"]),
                    int(after.at[item, "n"]),
                    float(after.at[item, "facility"]),
                    change,
                    "dérive" if abs(change) >= DRIFT_THRESHOLD else "",
                )
            )
    return Table(
        "derive",
        "Dérive des items (première et seconde moitié de la période)",
        (
            Column("item_id", "Item"),
            Column("n_first", "Copies (1re moitié)", Kind.INT),
            Column("facility_first", "Facilité (1re moitié)", Kind.DECIMAL),
            Column("n_second", "Copies (2e moitié)", Kind.INT),
            Column("facility_second", "Facilité (2e moitié)", Kind.DECIMAL),
            Column("change", "Écart", Kind.DECIMAL),
            Column(
                "flag", f"Signalement (écart d'au moins {DRIFT_THRESHOLD:.2f})".replace(".", ",")
            ),
        ),
        tuple(rows),
    )


def exposure_table(attempts: list[Attempt]) -> Table:
    """How many attempts were shown each item version (neutralised ones included)."""
    shown = Counter(
        item_label(ai.external_id, ai.version.number) for a in attempts for ai in a.items
    )
    total = len(attempts)
    return Table(
        "exposition",
        "Exposition des items",
        (
            Column("item_id", "Item"),
            Column("shown", "Présentations", Kind.INT),
            Column("rate", "Part des copies", Kind.PERCENT),
        ),
        tuple(
            (item, count, count / total)
            for item, count in sorted(shown.items(), key=lambda kv: (-kv[1], kv[0]))
        ),
    )


def revision_table(attempts: list[Attempt]) -> Table:
    """Versions used in the period that are now retired or replaced by a newer version."""
    used = {ai.version.id: ai.version for a in attempts for ai in a.items}
    rows = []
    for version in sorted(used.values(), key=lambda v: (v.item.external_id, v.number)):
        if version.status not in (VersionStatus.RETIRED, VersionStatus.SUPERSEDED):
            continue
        latest = version.item.latest_version
        rows.append(
            (
                item_label(version.item.external_id, version.number),
                version.status.label,
                latest.number if latest is not None and latest.number > version.number else None,
                paris_time(latest.created_at) if latest is not version else "",
            )
        )
    return Table(
        "revisions",
        "Items retirés ou révisés",
        (
            Column("item_id", "Item (version utilisée)"),
            Column("status", "Statut"),
            Column("latest", "Version la plus récente", Kind.INT),
            Column("latest_at", "Créée le"),
        ),
        tuple(rows),
    )


def build_period_report(theme: Theme, start: date, end: date, now: datetime) -> Report:
    """Compute the period dossier of a theme between two dates (Paris time, inclusive)."""
    first, last = local_bounds(start, end)
    sessions = period_sessions(theme, first, last)
    attempts = final_attempts([s.id for s in sessions])
    table, _, infos, _ = attempts_table(attempts, prefix_session=True)
    enrolled = dict(
        db.session.execute(
            select(Enrolment.session_id, func.count())
            .where(Enrolment.session_id.in_([s.id for s in sessions]))
            .group_by(Enrolment.session_id)
        ).all()
    )
    owner = table["attempt_id"].map(lambda a: a.split("-", 1)[0])
    parts = [(s, table[owner == f"S{s.id}"].reset_index(drop=True)) for s in sessions]
    session_rows = tuple(_session_row(s, enrolled.get(s.id, 0), part) for s, part in parts)
    scope = (
        f"Thème {theme.title} ; sessions ouvertes du {start:%d/%m/%Y} au {end:%d/%m/%Y} "
        f"(heure de Paris) : {len(sessions)} ; copies remises ou échues et notées : {len(infos)}."
    )
    sections = [
        Section(
            "sessions",
            "Volumes et tendances",
            (
                "Une ligne par session, dans l'ordre chronologique : volumes, taux de réussite "
                f"(intervalle de {CI_METHOD} à 95 %) et fidélité.",
            ),
            (Table("sessions", "Sessions de la période", SESSION_COLUMNS, session_rows),),
            trend=Trend(
                categories=tuple(f"{row[1]} {row[0]}" for row in session_rows),
                series=(
                    ("Taux de réussite", tuple(row[4] for row in session_rows)),
                    ("Alpha de Cronbach", tuple(finite(row[8]) for row in session_rows)),
                ),
                label="Tendance du taux de réussite et de la fidélité, session par session",
            )
            if len(session_rows) >= 2
            else None,
        )
    ]
    if not table.empty:
        middle = first + (last - first) / 2
        started = {info.attempt_id: info.started_at for info in infos}
        sections += [
            Section(
                "comparabilite",
                "Comparabilité des sessions et des formes",
                ("Une valeur de p faible signale des sessions qui diffèrent plus que le hasard.",),
                (
                    comparability_table([(s, p) for s, p in parts if not p.empty]),
                    form_table(table, sessions),
                ),
            ),
            Section(
                "derive",
                "Dérive des items",
                (
                    f"Facilité de la même version d'item avant et après le {paris_time(middle)} "
                    "(milieu de la période), selon la date de début des copies.",
                ),
                (drift_table(table, started, middle),),
            ),
            Section("exposition", "Exposition des items", tables=(exposure_table(attempts),)),
        ]
    sections.append(
        Section("revisions", "Items retirés ou révisés", tables=(revision_table(attempts),))
    )
    return Report(
        kind="period",
        title=f"Rapport de période — {theme.title} — {start:%d/%m/%Y} au {end:%d/%m/%Y}",
        scope=scope,
        generated_at=now,
        fingerprint=fingerprint(table),
        sections=tuple(sections),
    )


def find_theme(slug: str) -> Theme:
    theme = db.session.execute(select(Theme).where(Theme.slug == slug)).scalar_one_or_none()
    if theme is None:
        raise PeriodError(f"Thème inconnu : {slug}.")
    return theme
