"""The « Synthèse » section that opens each dossier: the few numbers a board decides on."""

from __future__ import annotations

from questionnaire.itemstats.flags import FEW_ATTEMPTS, decimal_fr, decimal_pair
from questionnaire.reports.psychometrics import Summary
from questionnaire.reports.review import SEVERITY_LABELS
from questionnaire.reports.tables import Column, Kind, Section, Table, finite

#: Reliability expected of a test whose score decides a certification for each candidate.
ALPHA_TARGET = 0.80


def alpha_reading(alpha: float | None) -> str:
    """One line reading the alpha against the certification target.

    An alpha just below the target keeps the digits that tell it apart (« 0,7996 < 0,80 »,
    never « 0,80 < 0,80 »)."""
    target = decimal_fr(ALPHA_TARGET, 2)
    if alpha is None:
        return f"Alpha non calculable : fidélité non établie (cible ≥ {target})."
    if alpha >= ALPHA_TARGET:  # « 0,80 ≥ 0,80 » says it right: two decimals
        return (
            f"Alpha {decimal_fr(alpha, 2)} ≥ {target} (cible pour une décision de certification) : "
            "fidélité suffisante."
        )
    shown, target = decimal_pair(alpha, ALPHA_TARGET)
    return (
        f"Alpha {shown} < {target} (cible pour une décision de certification) : "
        "fidélité insuffisante pour une décision individuelle."
    )


def consistency_sentence(p: float | None) -> str:
    """Decision consistency said as the share of candidates who would get the same decision."""
    if finite(p) is None:
        return "Cohérence de décision non calculable."
    return (
        f"{decimal_fr(100 * p, 1)} % des candidats recevraient la même décision (réussite ou échec) "
        "à une seconde passation équivalente (estimation de Huynh)."
    )


SYNTHESIS_COLUMNS = (
    Column("graded", "Copies notées", Kind.INT),
    Column("in_progress", "Copies en cours", Kind.INT),
    Column("pass_rate", "Taux de réussite", Kind.PERCENT),
    Column("pass_rate_low", "IC 95 % bas (Wilson)", Kind.PERCENT),
    Column("pass_rate_high", "IC 95 % haut (Wilson)", Kind.PERCENT),
    Column("mean_score", "Score moyen (% de bonnes réponses)", Kind.PERCENT),
    Column("alpha", "Alpha", Kind.DECIMAL, 2),
    Column("consistency", "Même décision à une seconde passation", Kind.PERCENT),
    Column("neutralised", "Items neutralisés", Kind.INT),
)


def session_synthesis(
    summary: Summary | None,
    in_progress: int,
    neutralised: int,
    to_review: dict[int, int],
    is_open: bool,
    graded: int = 0,
) -> Section:
    """The session's synthesis: key figures (one-row table) and their reading in sentences.

    ``graded``: the copies graded, for a session with no figure (``summary`` None): none, or
    copies whose every item the jury neutralised."""
    alerts = alert_lines(summary.stats.n_attempts if summary else 0, in_progress, is_open)
    if summary is None:
        return Section("synthese", "Synthèse", (*alerts, no_figures_sentence(graded)))
    stats = summary.stats
    review_columns = tuple(
        Column(f"review_{level}", f"Items à revoir : gravité {label}", Kind.INT)
        for level, label in SEVERITY_LABELS.items()
    )
    row = (
        stats.n_attempts,
        in_progress,
        stats.pass_rate,
        summary.pass_low,
        summary.pass_high,
        summary.mean_proportion,
        summary.reliability,
        finite(stats.decision_consistency.p),
        neutralised,
        *(to_review.get(level, 0) for level in SEVERITY_LABELS),
    )
    sentences = (
        f"Taux de réussite : {decimal_fr(100 * stats.pass_rate, 1)} % (IC 95 % de Wilson : "
        f"{decimal_fr(100 * summary.pass_low, 1)} % à {decimal_fr(100 * summary.pass_high, 1)} %) ; "
        f"score moyen : {decimal_fr(100 * summary.mean_proportion, 1)} % de bonnes réponses.",
        alpha_reading(summary.reliability),
        consistency_sentence(stats.decision_consistency.p),
    )
    table = Table("synthese", "Synthèse", SYNTHESIS_COLUMNS + review_columns, (row,))
    return Section("synthese", "Synthèse", (*alerts, *sentences), (table,))


def no_figures_sentence(graded: int) -> str:
    """Why a session has no figure: no copy graded, or every item neutralised."""
    if not graded:
        return "Aucune copie notée."
    copies = f"{graded} copie{'s' if graded > 1 else ''} notée{'s' if graded > 1 else ''}"
    return (
        f"{copies}, mais tous les items de la session ont été neutralisés : aucun score à "
        "analyser, les statistiques ne sont pas calculables."
    )


def alert_lines(n_attempts: int, in_progress: int, is_open: bool) -> tuple[str, ...]:
    """Alerts: an open session (figures provisional) and a small sample."""
    alerts = []
    if is_open or in_progress:
        alerts.append(
            f"Alerte : session {'encore ouverte' if is_open else 'close'}, {in_progress} copie"
            f"{'s' if in_progress > 1 else ''} en cours : chiffres provisoires."
        )
    if 0 < n_attempts < FEW_ATTEMPTS:
        alerts.append(
            f"Alerte : petit échantillon ({n_attempts} copie{'s' if n_attempts > 1 else ''}, "
            f"moins de {FEW_ATTEMPTS}) : "
            "chiffres indicatifs."
        )
    return tuple(alerts)
