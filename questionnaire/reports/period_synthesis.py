"""The period dossier's « Synthèse »: pooled key figures, sessions that differ, open sessions."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from scipy.stats import chi2_contingency

from analytics import ResponseData
from questionnaire.exams.models import ExamSession
from questionnaire.itemstats.flags import FEW_ATTEMPTS, decimal_fr, decimal_pair
from questionnaire.reports.psychometrics import Summary, pass_interval
from questionnaire.reports.synthesis import (
    ALPHA_TARGET,
    SYNTHESIS_COLUMNS,
    alpha_reading,
)
from questionnaire.reports.tables import (
    SIGNIFICANCE,
    Column,
    Kind,
    Section,
    Table,
    finite,
    p_value_text,
)

#: Significance level under which the sessions' pass rates are said to differ.
LEVEL = SIGNIFICANCE


def differing_sessions(
    sessions: list[ExamSession], summaries: dict[int, Summary]
) -> tuple[float | None, list[str]]:
    """Chi-square p on pass / fail; if p < LEVEL, sessions whose Wilson interval misses the pool."""
    graded = [s for s in sessions if s.id in summaries]
    if len(graded) < 2:
        return None, []
    counts = np.array(
        [[summaries[s.id].passed, summaries[s.id].stats.n_attempts - summaries[s.id].passed]
         for s in graded]
    )  # fmt: skip
    if not (counts.sum(axis=0) > 0).all():
        return None, []
    p = finite(chi2_contingency(counts).pvalue)
    if p is None or p >= LEVEL:
        return p, []
    pooled = counts[:, 0].sum() / counts.sum()
    return p, [
        s.title
        for s in graded
        if not summaries[s.id].pass_low <= pooled <= summaries[s.id].pass_high
    ]


def p_value_sentence(p: float) -> str:
    """« p = 0,0123 », « p = 0,049996 » just under 5 %, « p < 0,0001 » (as the tables print it)."""
    text = p_value_text(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def weak_alphas(weak: list[tuple[str, float | None]]) -> str:
    """The sessions below the alpha target, each with its alpha as precise as it takes to read
    below the target (the sessions table shows 0.7996 as « 0,800 »)."""
    return " ; ".join(
        f"{title} : alpha "
        + ("non calculable" if alpha is None else decimal_pair(alpha, ALPHA_TARGET)[0])
        for title, alpha in weak
    )


def period_synthesis(
    sessions: list[ExamSession],
    prepared: dict[int, ResponseData],
    summaries: dict[int, Summary],
    in_progress: dict[int, int],
    now: datetime,
    copies: int = 0,
) -> Section:
    """Pooled copies, pass rate (Wilson), mean score, alphas against the target, alerts.

    ``copies``: the period's graded copies, told when none has a score (every item of their
    sessions neutralised)."""
    graded = sum(s.stats.n_attempts for s in summaries.values())
    running = sum(in_progress.values())
    open_titles = [s.title for s in sessions if s.is_open(now) or in_progress.get(s.id)]
    lines = []
    if open_titles:
        lines.append(
            f"Alerte : session{'s' if len(open_titles) > 1 else ''} ouverte"
            f"{'s' if len(open_titles) > 1 else ''} ou avec copies en cours, chiffres "
            f"provisoires : {', '.join(open_titles)}."
        )
    small = [s.title for s in sessions if s.id in summaries
             and summaries[s.id].stats.n_attempts < FEW_ATTEMPTS]  # fmt: skip
    if small:
        lines.append(
            f"Alerte : petit échantillon (moins de {FEW_ATTEMPTS} copies) : {', '.join(small)}."
        )
    if not graded:
        empty = (
            f"{copies} copie{'s' if copies > 1 else ''} notée{'s' if copies > 1 else ''}, mais "
            "tous les items de leurs sessions ont été neutralisés : aucun score à analyser."
            if copies
            else "Aucune copie notée sur la période."
        )
        return Section("synthese", "Synthèse", (*lines, empty))
    passed = sum(s.passed for s in summaries.values())
    low, high = pass_interval(passed, graded)
    mean = float(np.mean(np.concatenate([prepared[i].proportions for i in summaries])))
    alphas = [(s.title, summaries[s.id].reliability) for s in sessions if s.id in summaries]
    weak = [(title, a) for title, a in alphas if a is None or a < ALPHA_TARGET]
    lines.append(
        f"Taux de réussite de la période : {decimal_fr(100 * passed / graded, 1)} % (IC 95 % de Wilson : "
        f"{decimal_fr(100 * low, 1)} % à {decimal_fr(100 * high, 1)} %) ; score moyen : {decimal_fr(100 * mean, 1)} % "
        "de bonnes réponses."
    )
    if len(alphas) == 1:
        lines.append(alpha_reading(alphas[0][1]))
    else:
        lines.append(
            f"Alpha ≥ {decimal_fr(ALPHA_TARGET, 2)} attendu pour une décision de certification : "
            + (
                f"fidélité insuffisante pour une décision individuelle dans {len(weak)} session"
                f"{'s' if len(weak) > 1 else ''} sur {len(alphas)} ({weak_alphas(weak)})."
                if weak
                else f"atteint dans les {len(alphas)} sessions."
            )
        )
    p, differ = differing_sessions(sessions, summaries)
    if p is not None:
        lines.append(
            f"Taux de réussite des sessions : {p_value_sentence(p)} (khi-deux d'homogénéité) : "
            + (
                "les sessions diffèrent plus que le hasard"
                + (
                    f" ; IC 95 % hors du taux de la période : {', '.join(differ)}."
                    if differ
                    else "."
                )
                if p < LEVEL
                else "pas de différence établie entre sessions."
            )
        )
    table = Table(
        "synthese",
        "Synthèse de la période",
        (
            *SYNTHESIS_COLUMNS[:6],  # copies, pass rate and its interval, mean score
            Column("weak_alpha", f"Sessions d'alpha < {decimal_fr(ALPHA_TARGET, 2)}", Kind.INT),
            Column("provisional", "Sessions provisoires (ouvertes)", Kind.INT),
        ),
        ((graded, running, passed / graded, low, high, mean, len(weak), len(open_titles)),),
    )
    return Section("synthese", "Synthèse", tuple(lines), (table,))
