"""The library's review flags, ranked by severity and explained to authors in plain French."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from analytics import FlagThresholds
from analytics.distractors import OMIT
from analytics.reliability import FEW_ATTEMPTS as LIBRARY_FEW_ATTEMPTS

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
#: Below this many attempts, statistics are shown with a warning: they may move a lot (the
#: library's threshold, also used by the reports and `python -m analytics`).
FEW_ATTEMPTS = LIBRARY_FEW_ATTEMPTS

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


def _decimal(value: float) -> Decimal:
    """The decimal number a float prints as (0.345, not 0.34499999999999997335…)."""
    return Decimal(repr(float(value)))


def _rounded(number: Decimal, digits: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _french(number: Decimal) -> str:
    """Decimal comma, true minus sign, and never « −0,00 » for a value that rounds to zero."""
    if number.is_zero():
        number = abs(number)
    return f"{number:f}".replace("-", "−").replace(".", ",")


def _missing(value: float | None) -> bool:
    return value is None or not math.isfinite(value)


def decimal_fr(value: float | None, digits: int = 2) -> str:
    """Rounded half up on the printed value, French style; a missing value → '—'.

    >>> decimal_fr(0.345)
    '0,35'
    >>> decimal_fr(-0.5, 1)
    '−0,5'
    >>> decimal_fr(-0.0004)
    '0,00'
    >>> decimal_fr(None)
    '—'
    """
    if _missing(value):
        return "—"
    return _french(_rounded(_decimal(value), digits))


def percent_fr(value: float | None, digits: int = 0) -> str:
    """A proportion as a percentage rounded half up, no-break space before the sign.

    >>> percent_fr(0.345)
    '35\xa0%'
    >>> percent_fr(0.9549, 1)
    '95,5\xa0%'
    >>> percent_fr(None)
    '—'
    """
    if _missing(value):
        return "—"
    return _french(_rounded(_decimal(value) * 100, digits)) + "\u00a0%"


def _digits_apart(value: float, threshold: float, digits: int, scale: int) -> int:
    """Fewest digits (at least `digits`) at which the rounded value differs from the threshold.

    A flag fired because the value is beyond its threshold: the text must not read
    « 95 % … (seuil : 95 %) ».
    """
    exact, limit = _decimal(value) * scale, _decimal(threshold) * scale
    for shown in range(digits, digits + 4):
        if _rounded(exact, shown) != limit:
            return shown
    return digits + 4


def _threshold_digits(threshold: float, digits: int, scale: int) -> int:
    """Digits that print the threshold exactly (0.95 → '95 %', 0.125 → '12,5 %')."""
    exponent = (_decimal(threshold) * scale).normalize().as_tuple().exponent
    return max(digits, -exponent) if isinstance(exponent, int) else digits


def percent_as_set(value: float) -> str:
    """A set proportion (a threshold, a pass mark) as a percentage with the digits it was set
    with, at most two decimals.

    >>> percent_as_set(0.625)
    '62,5\xa0%'
    >>> percent_as_set(0.6)
    '60\xa0%'
    """
    return percent_fr(value, min(_threshold_digits(value, 0, 100), 2))


def percent_pair(value: float | None, threshold: float) -> tuple[str, str]:
    """A proportion and its threshold as percentages that differ when they differ.

    >>> percent_pair(0.9549, 0.95)
    ('95,5\xa0%', '95\xa0%')
    >>> percent_pair(0.98, 0.95)
    ('98\xa0%', '95\xa0%')
    """
    shown = _threshold_digits(threshold, 0, 100)
    if _missing(value):
        return percent_fr(value), percent_fr(threshold, shown)
    return percent_fr(value, _digits_apart(value, threshold, 0, 100)), percent_fr(threshold, shown)


def decimal_pair(value: float | None, threshold: float, digits: int = 2) -> tuple[str, str]:
    """A correlation and its threshold, with enough digits (``digits`` at least) to tell them
    apart.

    >>> decimal_pair(0.1996, 0.2)
    ('0,1996', '0,20')
    >>> decimal_pair(-0.001, 0.0)
    ('−0,001', '0,00')
    >>> decimal_pair(0.049996, 0.05, 4)
    ('0,049996', '0,0500')
    >>> decimal_pair(0.8, 0.8)
    ('0,80', '0,80')
    """
    shown = _threshold_digits(threshold, digits, 1)
    if _missing(value) or value == threshold:  # nothing to tell apart
        return decimal_fr(value, max(digits, shown)), decimal_fr(threshold, shown)
    apart = _digits_apart(value, threshold, digits, 1)
    return decimal_fr(value, apart), decimal_fr(threshold, shown)


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
        r_rest, _ = decimal_pair(stats.r_rest, t.negative_discrimination)
        return FlagExplanation(
            code,
            option,
            rank,
            "Discrimination négative",
            "Les candidats qui réussissent le mieux le reste du questionnaire échouent plus "
            f"souvent à cet item que les autres (corrélation item-reste {r_rest}).",
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
        facility, limit = percent_pair(stats.facility, t.too_hard)
        return FlagExplanation(
            code,
            option,
            rank,
            "Item très difficile",
            f"{facility} des candidats seulement répondent juste (seuil : {limit}).",
            "Vérifier la clé et la clarté de l'énoncé, puis que la notion est bien au programme.",
        )
    if code == "too_easy":
        facility, limit = percent_pair(stats.facility, t.too_easy)
        return FlagExplanation(
            code,
            option,
            rank,
            "Item très facile",
            f"{facility} des candidats répondent juste (seuil : {limit}) : l'item ne départage "
            "presque personne.",
            "Rendre les distracteurs plus plausibles, ou remplacer l'item.",
        )
    if code == "low_discrimination":
        r_rest, limit = decimal_pair(stats.r_rest, t.low_discrimination)
        return FlagExplanation(
            code,
            option,
            rank,
            "Discrimination faible",
            "L'item distingue mal les candidats forts des candidats faibles (corrélation "
            f"item-reste {r_rest}, seuil {limit}).",
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
    share, limit = percent_pair(proportion, t.unused_distractor)
    return FlagExplanation(
        code,
        option,
        rank,
        f"Distracteur {option} peu choisi",
        f"L'option {option} n'est choisie que par {share} des candidats (seuil : {limit}).",
        f"Réécrire le distracteur {option}, trop rarement choisi.",
    )


def explain_all(stats: ItemStatistics) -> list[FlagExplanation]:
    """Every flag of a statistics row, most severe first."""
    explained = [explain(flag, stats) for flag in stats.flags]
    return sorted((e for e in explained if e is not None), key=lambda e: (e.severity, e.code))


def option_label(option: str) -> str:
    """How an option row is named on screen."""
    return "Sans réponse" if option == OMIT else option
