"""The period dossier of a theme: volumes, trends, comparability, drift, exposure, revisions."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency, kruskal
from sqlalchemy import func, select

from analytics import ResponseData, prepare, select_rows
from analytics.io import natural_key
from questionnaire.attempts.models import Attempt, AttemptStatus
from questionnaire.banks.models import ItemVersion, Theme, VersionStatus
from questionnaire.clock import PARIS
from questionnaire.exams.models import Enrolment, ExamSession, Questionnaire, SessionPurpose
from questionnaire.extensions import db
from questionnaire.itemstats.flags import FEW_ATTEMPTS
from questionnaire.reports.drift import DRIFT_METHOD, drift_table
from questionnaire.reports.loader import fingerprint, item_label, load_attempts
from questionnaire.reports.period_synthesis import period_synthesis
from questionnaire.reports.psychometrics import CI_METHOD, Summary, summarise
from questionnaire.reports.tables import (
    Column,
    Kind,
    Report,
    Section,
    Table,
    Trend,
    finite,
    format_value,
)
from questionnaire.web import paris_time


class PeriodError(ValueError):
    """The period is not valid (unknown theme, end before start)."""


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
DAY_RANGE_MESSAGE = "Indiquez une date entre le 01/01/2000 et le 31/12/2099."


def local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end + 1 day 00:00) in Paris time, as UTC instants."""
    if not (FIRST_DAY <= start <= LAST_DAY and FIRST_DAY <= end <= LAST_DAY):
        raise PeriodError(DAY_RANGE_MESSAGE)  # year 9999 + 1 day would overflow
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
                ExamSession.purpose == SessionPurpose.CERTIFICATION,  # training stays out
                ExamSession.opens_at >= first,
                ExamSession.opens_at < last,
            )
            .order_by(ExamSession.opens_at, ExamSession.id)
        ).scalars()
    )


#: The « Chiffres » of a session whose copies were graded, then all its items neutralised.
ALL_NEUTRALISED = "aucun score : tous les items neutralisés"


def _session_row(
    session: ExamSession, enrolled: int, summary: Summary | None, now: datetime, graded: int = 0
) -> tuple:
    """``graded``: the session's graded copies, counted when it has no figure (``summary``
    None): none, or copies whose every item the jury neutralised."""
    head = (session.title, session.opens_at, enrolled)
    state = "provisoires (session ouverte)" if session.is_open(now) else ""  # « Chiffres … »
    if summary is None:
        state = ALL_NEUTRALISED if graded else state
        return (*head, graded) + (None,) * 7 + (state,)
    stats = summary.stats
    return (
        *head,
        stats.n_attempts,
        stats.pass_rate,
        summary.pass_low,
        summary.pass_high,
        summary.mean_proportion,
        summary.reliability,
        stats.sem,
        stats.decision_consistency.p,
        state,
    )


SESSION_COLUMNS = (
    Column("session", "Session"),
    Column("date", "Ouverture", Kind.DATE),
    Column("enrolled", "Inscrits", Kind.INT),
    Column("attempts", "Copies notées", Kind.INT),
    Column("pass_rate", "Taux de réussite", Kind.PERCENT),
    Column("pass_rate_low", f"IC 95 % bas ({CI_METHOD})", Kind.PERCENT),
    Column("pass_rate_high", f"IC 95 % haut ({CI_METHOD})", Kind.PERCENT),
    Column("mean", "Score moyen (% de bonnes réponses)", Kind.PERCENT),
    Column("alpha", "Alpha (par paires si formes aléatoires)", Kind.DECIMAL),
    Column("sem", "SEM", Kind.DECIMAL),
    Column("consistency", "Cohérence de décision", Kind.DECIMAL),
    Column("state", "Chiffres"),
)


def comparability_table(parts: list[tuple[ResponseData, Summary]]) -> Table:
    """Are sessions alike? Chi-square on pass / fail counts, Kruskal-Wallis on proportions."""
    counts = [[s.passed, s.stats.n_attempts - s.passed] for _, s in parts]
    groups = [prepare(part).proportions for part, _ in parts]
    rows = []
    if len(groups) >= 2:
        matrix = np.array(counts)
        chi_p = chi2_contingency(matrix).pvalue if (matrix.sum(axis=0) > 0).all() else None
        spread = np.concatenate(groups)
        kw_p = kruskal(*groups).pvalue if np.ptp(spread) > 0 else None
        rows.append(("Taux de réussite (khi-deux d'homogénéité)", len(groups), finite(chi_p)))
        rows.append(("Score moyen (Kruskal-Wallis)", len(groups), finite(kw_p)))
    return Table(
        "comparabilite",
        "Comparabilité des sessions",
        (
            Column("test", "Comparaison"),
            Column("groups", "Sessions", Kind.INT),
            Column("p_value", "p", Kind.PVALUE),
        ),
        tuple(rows),
    )


def form_table(
    table: pd.DataFrame | ResponseData,
    session_of: pd.Series,
    sessions: list[ExamSession],
    summaries: dict[int, Summary],
) -> Table:
    """One row per questionnaire (form specification) over its sessions of the period
    (``table`` prepared: a questionnaire sat in every session is summarised on it as is)."""
    data = prepare(table)
    table = data.table
    questionnaire_of = {s.id: s.questionnaire for s in sessions}
    owner = session_of.map({s.id: s.questionnaire_id for s in sessions})
    rows = []
    for questionnaire in sorted(
        {q.id: q for q in questionnaire_of.values()}.values(), key=lambda q: q.id
    ):
        graded = [
            i for i, q in questionnaire_of.items() if q.id == questionnaire.id and i in summaries
        ]
        if not graded:
            continue
        # a questionnaire sat in one session only: that session's summary is the form's
        mine = (owner == questionnaire.id).to_numpy()
        if len(graded) == 1:
            summary = summaries[graded[0]]
        elif mine.all():  # the period's only questionnaire: the whole table, prepared once
            summary = summarise(data, questionnaire.pass_mark)
        else:
            summary = summarise(table[mine].reset_index(drop=True), questionnaire.pass_mark)
        rows.append(
            (
                questionnaire,
                sum(1 for q in questionnaire_of.values() if q.id == questionnaire.id),
                summary.stats.n_attempts,
                summary.mean_proportion,
                summary.stats.pass_rate,
                summary.reliability,
            )
        )
    return Table(
        "formes",
        "Comparabilité des formes (questionnaires)",
        (
            Column("questionnaire", "Questionnaire"),
            Column("sessions", "Sessions", Kind.INT),
            Column("attempts", "Copies", Kind.INT),
            Column("mean", "Score moyen (% de bonnes réponses)", Kind.PERCENT),
            Column("pass_rate", "Taux de réussite", Kind.PERCENT),
            Column("alpha", "Alpha (par paires si formes aléatoires)", Kind.DECIMAL),
        ),
        tuple((_form_name(row[0], rows), *row[1:]) for row in rows),
        sheet="Comparabilité des formes",
    )


def _form_name(questionnaire, rows: list[tuple]) -> str:
    """The questionnaire's title, with its number when another row bears the same title (a
    form rebuilt or copied): the rows stay apart for a reader."""
    namesakes = sum(1 for row in rows if row[0].title == questionnaire.title)
    return (
        f"{questionnaire.title} (n° {questionnaire.id})" if namesakes > 1 else questionnaire.title
    )


def exposure_table(exposure: dict[str, int], total: int) -> Table:
    """How many attempts were shown each item version (neutralised ones included)."""
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
            for item, count in sorted(exposure.items(), key=lambda kv: (-kv[1], natural_key(kv[0])))
        ),
    )


def revision_table(versions: dict[int, ItemVersion]) -> Table:
    """Versions used in the period that are now retired or replaced by a newer version."""
    rows = []
    for version in sorted(
        versions.values(), key=lambda v: (natural_key(v.item.external_id), v.number)
    ):
        if version.status not in (VersionStatus.RETIRED, VersionStatus.SUPERSEDED):
            continue
        latest = version.item.latest_version
        rows.append(
            (
                item_label(version.item.external_id, version.number),
                version.status.label,
                latest.number if latest is not None and latest.number > version.number else None,
                latest.created_at if latest is not version else None,
            )
        )
    return Table(
        "revisions",
        "Items retirés ou révisés",
        (
            Column("item_id", "Item (version utilisée)"),
            Column("status", "Statut"),
            Column("latest", "Version la plus récente", Kind.INT),
            Column("latest_at", "Créée le", Kind.DATETIME),
        ),
        tuple(rows),
    )


def few_copies_warnings(session_rows: tuple[tuple, ...], drift: Table | None) -> tuple[str, ...]:
    """Cautions for sessions and drift halves resting on fewer than FEW_ATTEMPTS copies."""
    warnings = []
    small = [f"{row[0]} ({row[3]})" for row in session_rows if 0 < row[3] < FEW_ATTEMPTS]
    if small:
        warnings.append(
            f"Attention : session{'s' if len(small) > 1 else ''} de moins de {FEW_ATTEMPTS} "
            f"copies : {', '.join(small)}. Leurs taux de réussite, fidélité, SEM et cohérence "
            "de décision sont peu fiables : indicatifs, à ne pas comparer sans précaution."
        )
    if drift is not None:
        few = sum(
            1
            for first, second in zip(drift.column("n_first"), drift.column("n_second"), strict=True)
            if min(first, second) < FEW_ATTEMPTS
        )
        if few:
            warnings.append(
                f"Attention : {few} item{'s' if few > 1 else ''} du tableau de dérive "
                f"reposent sur moins de {FEW_ATTEMPTS} copies dans une moitié de la période : "
                "leur dérive est peu fiable."
            )
    return tuple(warnings)


def build_period_report(theme: Theme, start: date, end: date, now: datetime) -> Report:
    """Compute the period dossier of a theme between two dates (Paris time, inclusive)."""
    first, last = local_bounds(start, end)
    sessions = period_sessions(theme, first, last)
    loaded = load_attempts([s.id for s in sessions], prefix_session=True)
    table, infos = loaded.table, loaded.attempts
    enrolled = dict(
        db.session.execute(
            select(Enrolment.session_id, func.count())
            .where(Enrolment.session_id.in_([s.id for s in sessions]))
            .group_by(Enrolment.session_id)
        ).all()
    )
    session_of = table["attempt_id"].map({info.attempt_id: info.session_id for info in infos})
    # the period's rows validated once (for the forms and the drift too); each session's rows
    # taken from them as validating them alone would make them, then summarised once for the
    # trend and the comparisons
    whole = None if table.empty else prepare(table)
    masks = {s.id: (session_of == s.id).to_numpy() for s in sessions}
    prepared = {s.id: select_rows(whole, masks[s.id]) for s in sessions if masks[s.id].any()}
    summaries = {s.id: summarise(prepared[s.id], s.questionnaire.pass_mark) for s in sessions
                 if s.id in prepared}  # fmt: skip
    copies = Counter(info.session_id for info in infos)
    session_rows = tuple(
        _session_row(s, enrolled.get(s.id, 0), summaries.get(s.id), now, copies[s.id])
        for s in sessions
    )
    # the trend skips the sessions without figures (no copy, or every item neutralised)
    graded_rows = [row for row in session_rows if row[4] is not None]
    scope = (
        f"Thème {theme.title} ; sessions ouvertes du {start:%d/%m/%Y} au {end:%d/%m/%Y} "
        f"(heure de Paris) : {len(sessions)} ; copies remises ou échues et notées : {len(infos)}."
    )
    in_progress = dict(
        db.session.execute(
            select(Attempt.session_id, func.count())
            .where(
                Attempt.session_id.in_([s.id for s in sessions]),
                Attempt.status == AttemptStatus.IN_PROGRESS,
            )
            .group_by(Attempt.session_id)
        ).all()
    )
    sections = [
        period_synthesis(sessions, prepared, summaries, in_progress, now, len(infos)),
        Section(
            "sessions",
            "Volumes et tendances",
            (
                "Une ligne par session, dans l'ordre chronologique : volumes, taux de réussite "
                f"(intervalle de {CI_METHOD} à 95 %) et fidélité.",
            ),
            (Table("sessions", "Sessions de la période", SESSION_COLUMNS, session_rows),),
            trend=Trend(
                categories=tuple(
                    f"{format_value(row[1], SESSION_COLUMNS[1])} {row[0]}" for row in graded_rows
                ),
                series=(
                    ("Taux de réussite", tuple(row[4] for row in graded_rows)),
                    ("Fidélité (alpha)", tuple(finite(row[8]) for row in graded_rows)),
                ),
                label="Tendance du taux de réussite et de la fidélité (sessions avec copies)",
            )
            if len(graded_rows) >= 2
            else None,
        ),
    ]
    drift = None
    if whole is not None:
        middle = first + (last - first) / 2
        started = {info.attempt_id: info.started_at for info in infos}
        drift = drift_table(whole, started, middle)
        sections += [
            Section(
                "comparabilite",
                "Comparabilité des sessions et des formes",
                ("Une valeur de p faible signale des sessions qui diffèrent plus que le hasard.",),
                (
                    comparability_table([(prepared[i], summaries[i]) for i in prepared]),
                    form_table(whole, session_of, sessions, summaries),
                ),
            ),
            Section(
                "derive",
                "Dérive des items",
                (
                    f"Même version d'item avant et après le {paris_time(middle)} "
                    "(milieu de la période), selon la date de début des copies.",
                    DRIFT_METHOD,
                ),
                (drift,),
            ),
            Section(
                "exposition",
                "Exposition des items",
                tables=(exposure_table(loaded.exposure, len(infos)),),
            ),
        ]
    sections.append(
        Section("revisions", "Items retirés ou révisés", tables=(revision_table(loaded.versions),))
    )
    return Report(
        kind="period",
        title=f"Rapport de période — {theme.title} — {start:%d/%m/%Y} au {end:%d/%m/%Y}",
        scope=scope,
        generated_at=now,
        fingerprint=fingerprint(table),
        sections=tuple(sections),
        warnings=few_copies_warnings(tuple(graded_rows), drift),  # the sessions with figures
    )


def find_theme(slug: str) -> Theme:
    theme = db.session.execute(select(Theme).where(Theme.slug == slug)).scalar_one_or_none()
    if theme is None:
        raise PeriodError(f"Thème inconnu : {slug}.")
    return theme
