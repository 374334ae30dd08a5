"""The library's review flags, ranked by severity and explained to authors in plain French."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from analytics import FlagThresholds
from analytics.distractors import OMIT

if TYPE_CHECKING:
    from questionnaire.itemstats.models import ItemStatistics

#: The issue's thresholds (facility 0.95 / 0.20, r_rest 0.20 / 0, distractors 5 %), with a
#: stricter second-key rule: an item here is often seen by 30 to 100 candidates, so upper and
#: lower groups of 8 to 27 make « p_upper > p_lower » true by chance for ordinary distractors
#: (48 of the demo's 380 items in priority 1, for 3 % simulated ambiguous). A working distractor
#: discriminates negatively (Haladyna & Rodriguez 2013, « Developing and Validating Test
#: Items »); we ask for a 5-point gap and a distractor-total correlation positive at the
#: one-sided 20 % level: a screening level, since a missed wrong key costs more than a check.
#: On 20 simulations of 60 items seen ~60 times each (docs/item-analysis.md), false priority-1
#: items fall from 10.1 to 2.1 per 60 and the planted wrong key is still caught 20 times in 20.
THRESHOLDS = FlagThresholds(second_key_margin=0.05, second_key_alpha=0.20)
#: Below this many attempts, statistics are shown with a warning: they may move a lot.
FEW_ATTEMPTS = 30

#: 1 = check first (the key may be wrong), 4 = polish when time allows.
SEVERITY = {
    "negative_discrimination": 1,
    "possible_second_key": 1,
    "too_hard": 2,
    "too_easy": 2,
    "low_discrimination": 3,
    "unused_distractor": 4,
}
SEVERITY_LABELS = {
    1: "à vérifier en priorité",
    2: "difficulté hors norme",
    3: "discrimine peu",
    4: "distracteur à retravailler",
}


def decimal_fr(value: float | None, digits: int = 2) -> str:
    """0.345 → '0,35'; a missing value → '—'."""
    if value is None:
        return "—"
    return f"{value:.{digits}f}".replace("-", "−").replace(".", ",")


def percent_fr(value: float | None) -> str:
    """0.345 → '35 %' (no-break space before the sign)."""
    if value is None:
        return "—"
    return f"{round(100 * value)}\u00a0%"


@dataclass(frozen=True)
class FlagExplanation:
    """One flag as an author reads it: what it means and what to do."""

    code: str
    option: str | None
    severity: int
    title: str
    explanation: str
    action: str

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]


def parse_flag(flag: str) -> tuple[str, str | None]:
    """'unused_distractor:C' → ('unused_distractor', 'C'); 'too_hard' → ('too_hard', None)."""
    code, _, option = flag.partition(":")
    return code, option or None


def severity(flags: list[str]) -> int | None:
    """The most severe rank among the flags (None when there is none)."""
    ranks = [SEVERITY[parse_flag(flag)[0]] for flag in flags if parse_flag(flag)[0] in SEVERITY]
    return min(ranks) if ranks else None


def _option_row(options: list[dict], key: str | None) -> dict:
    return next((row for row in options if row["option"] == key), {})


def explain(flag: str, stats: ItemStatistics) -> FlagExplanation | None:
    """French explanation and suggested action of one flag of an ``ItemStatistics`` row."""
    code, option = parse_flag(flag)
    if code not in SEVERITY:
        return None
    rank = SEVERITY[code]
    t = THRESHOLDS
    if code == "negative_discrimination":
        return FlagExplanation(
            code,
            option,
            rank,
            "Discrimination négative",
            "Les candidats qui réussissent le mieux le reste du questionnaire échouent plus "
            f"souvent à cet item que les autres (corrélation item-reste {decimal_fr(stats.r_rest)}).",
            "Vérifier la clé, puis chercher une ambiguïté dans l'énoncé ou les options.",
        )
    if code == "possible_second_key":
        row = _option_row(stats.options, option)
        return FlagExplanation(
            code,
            option,
            rank,
            f"Seconde bonne réponse possible : option {option}",
            f"L'option {option} attire davantage le groupe fort ({percent_fr(row.get('p_upper'))}) "
            f"que le groupe faible ({percent_fr(row.get('p_lower'))}) : elle pourrait être "
            "correcte, elle aussi.",
            f"Vérifier la clé : l'option {option} est-elle aussi une bonne réponse ?",
        )
    if code == "too_hard":
        return FlagExplanation(
            code,
            option,
            rank,
            "Item très difficile",
            f"{percent_fr(stats.facility)} des candidats seulement répondent juste "
            f"(seuil : {percent_fr(t.too_hard)}).",
            "Vérifier la clé et la clarté de l'énoncé, puis que la notion est bien au programme.",
        )
    if code == "too_easy":
        return FlagExplanation(
            code,
            option,
            rank,
            "Item très facile",
            f"{percent_fr(stats.facility)} des candidats répondent juste "
            f"(seuil : {percent_fr(t.too_easy)}) : l'item ne départage presque personne.",
            "Rendre les distracteurs plus plausibles, ou remplacer l'item.",
        )
    if code == "low_discrimination":
        return FlagExplanation(
            code,
            option,
            rank,
            "Discrimination faible",
            "L'item distingue mal les candidats forts des candidats faibles (corrélation "
            f"item-reste {decimal_fr(stats.r_rest)}, seuil {decimal_fr(t.low_discrimination)}).",
            "Revoir l'énoncé et les distracteurs les moins plausibles.",
        )
    proportion = _option_row(stats.options, option).get("proportion") or 0.0
    if proportion == 0:
        return FlagExplanation(
            code,
            option,
            rank,
            f"Distracteur {option} jamais choisi",
            f"Aucun candidat n'a choisi l'option {option} : elle n'attire personne.",
            f"Réécrire le distracteur {option}, jamais choisi.",
        )
    return FlagExplanation(
        code,
        option,
        rank,
        f"Distracteur {option} peu choisi",
        f"L'option {option} n'est choisie que par {percent_fr(proportion)} des candidats "
        f"(seuil : {percent_fr(t.unused_distractor)}).",
        f"Réécrire le distracteur {option}, trop rarement choisi.",
    )


def explain_all(stats: ItemStatistics) -> list[FlagExplanation]:
    """Every flag of a statistics row, most severe first."""
    explained = [explain(flag, stats) for flag in stats.flags]
    return sorted((e for e in explained if e is not None), key=lambda e: (e.severity, e.code))


def option_label(option: str) -> str:
    """How an option row is named on screen."""
    return "Sans réponse" if option == OMIT else option
