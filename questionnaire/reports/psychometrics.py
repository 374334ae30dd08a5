"""Report tables computed by the analytics library (every psychometric number comes from it)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from analytics import ResponseData, distractor_analysis, item_stats, prepare, test_stats
from analytics.reliability import MIN_FORM_ATTEMPTS, TestStats, pass_mask
from questionnaire.itemstats.flags import FEW_ATTEMPTS, THRESHOLDS, percent_as_set
from questionnaire.reports.loader import ItemInfo
from questionnaire.reports.tables import Column, Histogram, Kind, Table, finite, format_value

CI_METHOD = "Wilson"


def declared_options(items: dict[str, ItemInfo]) -> dict[str, list[str]]:
    """Each item's declared option keys, so that an option nobody chose is still analysed."""
    return {label: list(info.options) for label, info in items.items() if info.options}


FEW_COPIES_SHORT = (
    f"Moins de {FEW_ATTEMPTS} copies : chiffres peu fiables, indicatifs (voir l'avertissement "
    "en tête du rapport)."
)


def few_copies_note(n_attempts: int) -> str | None:
    """The caution of a group of attempts too small for stable statistics (None otherwise)."""
    if n_attempts >= FEW_ATTEMPTS:
        return None
    return (
        f"Attention : {n_attempts} copie{'s' if n_attempts > 1 else ''} seulement (moins de "
        f"{FEW_ATTEMPTS}) : fidélité, SEM, cohérence de décision, statistiques d'items et "
        "signalements sont peu fiables, à confirmer sur davantage de copies."
    )


def few_views_note(data: ResponseData) -> str | None:
    """The caution of items seen by too few attempts (random forms), None when there is none."""
    seen = data.presented.sum(axis=0)
    few = int((seen < FEW_ATTEMPTS).sum())
    if not few or data.n_attempts < FEW_ATTEMPTS:  # already said for the whole session
        return None
    return (
        f"Attention : {few} item{'s' if few > 1 else ''} sur {data.n_items} vu"
        f"{'s' if few > 1 else ''} par moins de {FEW_ATTEMPTS} copies (colonne « Copies ») : "
        "leurs statistiques et signalements sont peu fiables."
    )


FLAG_LABELS = {
    "too_easy": "trop facile",
    "too_hard": "trop difficile",
    "negative_discrimination": "discrimination négative",
    "low_discrimination": "discrimination faible",
    "unused_distractor": "distracteur {} peu choisi",
    "possible_second_key": "{} : seconde clé possible",
}


def flag_text(codes: str) -> str:
    """The library's flag codes in French: 'too_easy;unused_distractor:C' → readable list."""
    labels = []
    for code in filter(None, codes.split(";")):
        name, _, option = code.partition(":")
        label = FLAG_LABELS.get(name, name)
        labels.append(label.format(option) if "{}" in label else label)
    return ", ".join(labels)


def pass_interval(passed: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval of a pass rate (scipy's binomtest)."""
    ci = binomtest(passed, n).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


@dataclass(frozen=True)
class Summary:
    """A group of attempts at a pass mark: the library's statistics, passes and their interval."""

    stats: TestStats
    passed: int
    pass_low: float
    pass_high: float
    mean_proportion: float

    @property
    def reliability(self) -> float | None:
        """The library's alpha: of the single form, or pairwise with random forms."""
        return finite(self.stats.alpha)


def summarise(table: pd.DataFrame | ResponseData, pass_mark: Fraction) -> Summary:
    """The one place where a group of attempts is summarised (sessions, forms, periods)."""
    data = prepare(table)
    stats = test_stats(data, cut=pass_mark)
    passed = round(stats.pass_rate * stats.n_attempts)
    low, high = pass_interval(passed, stats.n_attempts)
    return Summary(stats, passed, low, high, float(np.mean(data.proportions)))


def results_table(summary: Summary, pass_mark: Fraction) -> Table:
    """Score distribution summary, pass rate and its interval (one row)."""
    stats = summary.stats
    return Table(
        "resultats",
        "Scores et taux de réussite",
        (
            Column("n_attempts", "Copies analysées", Kind.INT),
            Column("max_total", "Score maximal", Kind.DECIMAL, 0),
            Column("mean", "Score moyen", Kind.DECIMAL, 2),
            Column("median", "Score médian", Kind.DECIMAL, 1),
            Column("sd", "Écart-type", Kind.DECIMAL, 2),
            Column("pass_mark", "Seuil de réussite", Kind.PERCENT),
            Column("passed", "Copies réussies", Kind.INT),
            Column("pass_rate", "Taux de réussite", Kind.PERCENT),
            Column("pass_rate_low", f"IC 95 % bas ({CI_METHOD})", Kind.PERCENT),
            Column("pass_rate_high", f"IC 95 % haut ({CI_METHOD})", Kind.PERCENT),
        ),
        (
            (
                stats.n_attempts,
                stats.max_total,
                stats.mean,
                stats.median,
                finite(stats.sd),
                float(pass_mark),
                summary.passed,
                stats.pass_rate,
                summary.pass_low,
                summary.pass_high,
            ),
        ),
    )


#: A score that passes on some copies and fails on others (their maximum scores differ).
DEPENDS_ON_COPY = "selon la copie"


def mixed_maximum(data: ResponseData | None) -> bool:
    """Copies out of different maximum scores (random forms, one of whose items was
    neutralised): a raw score then passes on some copies and fails on others."""
    return data is not None and bool(np.ptp(data.max_totals) > 0)


def histogram(stats: TestStats, data: ResponseData | None = None) -> Histogram:
    """The library's histogram with the raw cut score on the same scale."""
    label = "Distribution des scores (le trait marque le seuil)"
    if mixed_maximum(data):
        label = (
            "Distribution des scores (le trait marque le seuil au score maximal moyen ; "
            "le seuil de chaque copie dépend de son score maximal)"
        )
    return Histogram(
        scores=tuple(float(bar["score"]) for bar in stats.histogram),
        counts=tuple(int(bar["count"]) for bar in stats.histogram),
        cut_score=stats.csem_at_cut.score,
        label=label,
    )


def histogram_table(
    stats: TestStats, data: ResponseData | None = None, pass_mark: Fraction | None = None
) -> Table:
    """The histogram's counts, each score marked as reaching the cut or not (as in the chart).

    When the copies are out of different maximum scores, whether a score reaches the cut is
    read on the copies themselves (the library's exact pass rule): « oui », « non », or
    « selon la copie » when that score passes on some and fails on others.
    """
    cut = stats.csem_at_cut.score
    label = f"Atteint le seuil ({cut:g} points)".replace(".", ",")
    reaches = {float(bar["score"]): float(bar["score"]) >= cut - 1e-9 for bar in stats.histogram}
    if mixed_maximum(data) and pass_mark is not None:
        label = (
            f"Atteint le seuil ({percent_as_set(float(pass_mark))} du score maximal de la copie)"
        )
        passed = pass_mask(data.totals, data.max_totals, pass_mark)
        scores = np.round(data.totals, 9)
        for score in reaches:
            outcomes = set(passed[scores == score].tolist())
            if outcomes:
                reaches[score] = outcomes.pop() if len(outcomes) == 1 else DEPENDS_ON_COPY
    return Table(
        "distribution",
        "Distribution des scores",
        (
            Column("score", "Score", Kind.DECIMAL, 0),
            Column("count", "Copies", Kind.INT),
            Column("reaches_cut", label),
        ),
        tuple(
            (float(bar["score"]), int(bar["count"]), reaches[float(bar["score"])])
            for bar in stats.histogram
        ),
    )


def reliability_tables(stats: TestStats) -> tuple[Table, ...]:
    """Alpha with its Feldt interval, SEM, CSEM at the cut, decision consistency; forms."""
    consistency = stats.decision_consistency
    ci = stats.alpha_ci or (None, None)
    # KR-21 assumes one common form: with forms drawn at random it has no meaning
    common_form = stats.design == "complete"
    unit = f"points sur {stats.max_total:g}".replace(".", ",")
    main = Table(
        "fidelite",
        "Fidélité et précision à la coupure",
        (
            Column("design", "Plan"),
            Column("alpha", alpha_label(stats), Kind.DECIMAL),
            Column("alpha_low", "IC 95 % bas (Feldt)", Kind.DECIMAL),
            Column("alpha_high", "IC 95 % haut (Feldt)", Kind.DECIMAL),
            Column("sem", f"Erreur type de mesure (SEM, {unit})", Kind.DECIMAL),
            Column("sem_band", f"Bande à 95 % (± 1,96 SEM, {unit})", Kind.DECIMAL),
            Column("cut_score", "Score de coupure", Kind.DECIMAL, 2),
            Column("csem", f"SEM conditionnelle à la coupure (Lord, {unit})", Kind.DECIMAL),
            Column("csem_band", f"Bande à 95 % à la coupure (± 1,96 SEM, {unit})", Kind.DECIMAL),
            Column("consistency", "Cohérence de décision (Huynh)", Kind.DECIMAL),
            Column("kappa", "Kappa de cohérence", Kind.DECIMAL),
            *((Column("kr21", "KR-21", Kind.DECIMAL),) if common_form else ()),
        ),
        (
            (
                "complet" if stats.design == "complete" else "incomplet",
                stats.alpha,
                ci[0],
                ci[1],
                stats.sem,
                band(stats.sem),
                stats.csem_at_cut.score,
                stats.csem_at_cut.value,
                band(stats.csem_at_cut.value),
                consistency.p,
                consistency.kappa,
                *((consistency.kr21,) if common_form else ()),
            ),
        ),
        sheet="Fidélité et précision",
    )
    listed = [f for f in stats.forms if f.n_attempts >= MIN_FORM_ATTEMPTS]
    if not listed:
        return (main,)
    forms = Table(
        "formes",
        f"Fidélité par forme (plan incomplet, formes d'au moins {MIN_FORM_ATTEMPTS} copies)",
        (
            Column("form_id", "Forme"),
            Column("n_attempts", "Copies", Kind.INT),
            Column("n_items", "Items", Kind.INT),
            Column("alpha", "Alpha", Kind.DECIMAL),
            Column("alpha_low", "IC 95 % bas", Kind.DECIMAL),
            Column("alpha_high", "IC 95 % haut", Kind.DECIMAL),
            Column("sem", "SEM", Kind.DECIMAL),
            Column("reason", "Non calculé parce que"),
        ),
        tuple(
            (
                f.form_id,
                f.n_attempts,
                f.n_items,
                f.alpha,
                f.alpha_ci[0] if f.alpha_ci else None,
                f.alpha_ci[1] if f.alpha_ci else None,
                f.sem,
                f.reason or "",
            )
            for f in listed
        ),
        sheet="Fidélité par forme",
    )
    return (main, forms)


def band(sem: float | None) -> float | None:
    """Half-width of the 95 % band around a score: 1.96 SEM (None when undefined)."""
    sem = finite(sem)
    return None if sem is None else 1.96 * sem


def points(value: float, digits: int = 1) -> str:
    """A number of points rounded half up on the printed value, as the tables round it."""
    return format_value(value, Column("points", "", Kind.DECIMAL, digits))


def in_points(value: float, digits: int = 1) -> str:
    """The value and its unit, singular below 2 as French writes it: « 0,9 point », « 1,96
    point », « 2,0 points »."""
    text = points(value, digits)
    return f"{text} {'point' if abs(float(text.replace(',', '.'))) < 2 else 'points'}"


def reliability_sentences(stats: TestStats) -> tuple[str, ...]:
    """SEM, conditional SEM and decision consistency said in sentences, with their unit."""
    out_of = f"sur {stats.max_total:g}".replace(".", ",")
    sentences = []
    sem, csem = finite(stats.sem), finite(stats.csem_at_cut.value)
    if sem is not None:
        sentences.append(
            f"Erreur type de mesure : {in_points(sem)} {out_of} ; bande à 95 % autour d'un "
            f"score : ± {in_points(1.96 * sem)} (± 1,96 SEM)."
        )
    if csem is not None:
        sentences.append(
            f"À la coupure ({in_points(stats.csem_at_cut.score, 2)}), SEM conditionnelle : "
            f"{in_points(csem)} {out_of} ; bande à 95 % : ± {in_points(1.96 * csem)}."
        )
    p = finite(stats.decision_consistency.p)
    if p is not None:
        sentences.append(
            f"Cohérence de décision : {points(100 * p)} % des candidats recevraient la même "
            "décision (réussite ou échec) à une seconde passation équivalente."
        )
    if stats.design != "complete":
        sentences.append("KR-21 omis : il suppose une forme commune, or les formes sont tirées.")
    return tuple(sentences)


def alpha_label(stats: TestStats) -> str:
    """The headline alpha's heading: it says when the pairwise alpha stands in for it."""
    if stats.design == "complete":
        return "Alpha de Cronbach"
    return "Alpha de Cronbach (par covariances par paires, plan incomplet)"


SEM_NOTE = (
    "SEM = écart-type × √(1 − alpha), l'alpha étant borné à [0 ; 1] : un alpha négatif donne "
    "une SEM égale à l'écart-type (jamais supérieure)."
)


def design_note(stats: TestStats) -> str | None:
    """The incomplete design's reliability, said in the report's words (not the library's)."""
    if stats.design == "complete":
        return None
    return (
        f"Plan incomplet ({len(stats.forms)} formes sur {stats.n_attempts} copies) : "
        "l'« Alpha de Cronbach » est l'alpha par covariances par paires, qui estime la "
        "fidélité de la forme de chaque copie à partir des covariances des items pris deux à "
        "deux (sur toutes les copies qui les ont vus ensemble), puis en fait la moyenne ; son "
        "intervalle de confiance n'est pas défini. La SEM en découle."
    )


def forms_note(stats: TestStats) -> str | None:
    """How many forms the per-form table leaves out as too small for an alpha of their own."""
    small = [f for f in stats.forms if f.n_attempts < MIN_FORM_ATTEMPTS]
    if not small:
        return None
    copies = sum(f.n_attempts for f in small)
    return (
        f"Formes tirées au hasard : {len(stats.forms)} formes, dont {len(small)} de moins de "
        f"{MIN_FORM_ATTEMPTS} copies ({copies} copies au total) : leur alpha propre, trop "
        "instable sur si peu de copies, n'est ni calculé ni listé ; elles comptent dans "
        "l'alpha par covariances par paires."
    )


def item_statistics(table: pd.DataFrame | ResponseData, items: dict[str, ItemInfo]) -> pd.DataFrame:
    """The library's item statistics and flags, with the author pages' thresholds and each
    version's declared options: computed once for the item table and the items to review."""
    return item_stats(table, THRESHOLDS, options=declared_options(items))


def item_table(
    table: pd.DataFrame | ResponseData,
    items: dict[str, ItemInfo],
    stats: pd.DataFrame | None = None,
) -> Table:
    """Facility, discrimination and review flags (the author pages' thresholds) of each item;
    ``stats``: `item_statistics` of the same table, when already computed."""
    stats = item_statistics(table, items) if stats is None else stats
    return Table(
        "items",
        "Statistiques d'items",
        (
            Column("item_id", "Item"),
            Column("topic", "Sujet"),
            Column("n", "Copies", Kind.INT),
            Column("facility", "Facilité", Kind.DECIMAL),
            Column("r_rest", "Discrimination (r item-reste)", Kind.DECIMAL),
            Column("r_total", "r item-total", Kind.DECIMAL),
            Column("d27", "Indice D (27 %)", Kind.DECIMAL),
            Column("alpha_if_deleted", "Alpha sans l'item", Kind.DECIMAL),
            Column("flags", "Signalements"),
        ),
        tuple(
            (
                row.item_id,
                items[row.item_id].topic,
                int(row.n),
                finite(row.facility),
                finite(row.r_rest),
                finite(row.r_total),
                finite(row.d27),
                finite(row.alpha_if_deleted),
                flag_text(row.flags),
            )
            for row in stats.itertuples(index=False)
        ),
    )


def distractor_table(table: pd.DataFrame | ResponseData, items: dict[str, ItemInfo]) -> Table:
    """Choice shares of every declared option, overall and in the upper and lower 27 % groups."""
    rows = distractor_analysis(table, options=declared_options(items))
    return Table(
        "distracteurs",
        "Analyse des distracteurs",
        (
            Column("item_id", "Item"),
            Column("option", "Option"),
            Column("is_key", "Clé"),
            Column("proportion", "Choisie par", Kind.PERCENT),
            Column("p_upper", "Groupe fort", Kind.PERCENT),
            Column("p_lower", "Groupe faible", Kind.PERCENT),
            Column("r_total", "r option-total", Kind.DECIMAL),
        ),
        tuple(
            (
                row.item_id,
                "omission" if row.option == "(omit)" else row.option,
                bool(row.is_key),
                finite(row.proportion),
                finite(row.p_upper),
                finite(row.p_lower),
                finite(row.r_total),
            )
            for row in rows.itertuples(index=False)
        ),
    )


def topic_table(table: pd.DataFrame | ResponseData, items: dict[str, ItemInfo]) -> Table:
    """Mean proportion correct by topic (the library's proportions on each topic's items).

    Read from the prepared matrix: each topic's columns and the attempts that saw one of
    them, the same cells in the same order as the topic's rows prepared on their own.
    """
    data = prepare(table)
    topic_of = np.array([items[label].topic for label in data.item_ids], dtype=object)
    rows = []
    for topic in sorted(set(topic_of)):
        columns = topic_of == topic
        seen = data.presented[:, columns]
        sat = seen.any(axis=1)
        totals = data.filled[sat][:, columns].sum(axis=1)
        proportions = totals / (seen[sat] @ data.max_scores[columns])
        rows.append((topic, int(columns.sum()), int(sat.sum()), float(np.mean(proportions))))
    return Table(
        "sujets",
        "Score moyen par sujet",
        (
            Column("topic", "Sujet"),
            Column("n_items", "Items", Kind.INT),
            Column("n_attempts", "Copies", Kind.INT),
            Column("mean", "Score moyen (% de bonnes réponses)", Kind.PERCENT),
        ),
        tuple(rows),
    )
