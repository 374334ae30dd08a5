"""Item-writing rules applied by an item committee, as findings with a severity.

Each rule is a small function; ``lint_bank`` runs them all over a parsed bank.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import date
from difflib import SequenceMatcher

from questionnaire.banks.fields import shows_nothing
from questionnaire.banks.findings import Finding, Severity
from questionnaire.banks.models import ItemType, Volatility
from questionnaire.banks.validation import ParsedBank, ParsedItem

KEY_POSITION_LIMIT = 0.40
#: Share of single-answer items whose key may be strictly the longest option (chance: a quarter
#: with four options): above it, picking the longest option scores without knowing the subject.
KEY_LONGEST_LIMIT = 0.30
KEY_LENGTH_RATIO = 1.5
NEAR_DUPLICATE_RATIO = 0.92
RECENT_REVIEW_DAYS = 183
STABLE_REVIEW_YEARS = 3
#: No item can have been checked earlier: the texts the banks cite (CGI articles in force, MIF 2,
#: RGPD, the referentials) all postdate it. An older date is a typing slip (1900, 0202…).
EARLIEST_CHECK = date(2000, 1, 1)

_ALL_NONE = re.compile(
    r"\b(toutes?|aucune?|tous|aucun)\s+(de\s+)?(ces|les|des)\s+"
    r"(réponses?|propositions?|affirmations?|options?|réponses\s+ci-dessus)"
    r"|\b(toutes|aucune)\s+des\s+réponses\s+(précédentes|ci-dessus)",
    re.IGNORECASE,
)
_NE_PAS = re.compile(
    r"\b(ne|n['’])\s*(?:\w+['’]?\s*){1,4}?(pas|jamais|aucun|aucune|rien|point)\b", re.IGNORECASE
)
_NEGATIVE_WORDS = re.compile(r"\b(sauf|inexactes?|incorrectes?|erronées?)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b20\d\d\b")


def _finding(bank: ParsedBank, item_id: str | None, rule: str, severity: Severity, message: str):
    return Finding(bank.path, item_id, rule, severity, message)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9%€]+", " ", text).strip()


def _is_capitalised(match_text: str) -> bool:
    letters = [ch for ch in match_text if ch.isalpha()]
    words = re.findall(r"\w+", match_text)
    # the negation words themselves (first and last) must be in capitals
    return bool(letters) and words[0].isupper() and words[-1].isupper()


def rule_empty_text(bank: ParsedBank, item: ParsedItem) -> list[Finding]:
    """A stem or option that shows nothing: the files and the editor refuse one, but an earlier
    import may have stored it (a lone ``<img>``, or control characters only)."""
    texts = [("énoncé", item.stem), *((f"option {o.key}", o.text) for o in item.options)]
    return [
        _finding(
            bank,
            item.id,
            "empty-text",
            Severity.ERROR,
            f"{label} vide : aucun texte ne s'affiche une fois retirés la mise en forme non "
            "permise et les caractères de contrôle ; à réécrire dans l'éditeur.",
        )
        for label, text in texts
        if shows_nothing(text)
    ]


def rule_all_or_none(bank: ParsedBank, item: ParsedItem) -> list[Finding]:
    return [
        _finding(
            bank,
            item.id,
            "all-none-of-the-above",
            Severity.ERROR,
            f"option {option.key} : « toutes / aucune de ces réponses » est proscrit.",
        )
        for option in item.options
        if _ALL_NONE.search(option.text)
    ]


def _negations(text: str) -> list[re.Match]:
    return list(_NE_PAS.finditer(text)) + list(_NEGATIVE_WORDS.finditer(text))


def rule_negative_stem(bank: ParsedBank, item: ParsedItem) -> list[Finding]:
    findings = []
    for match in _NE_PAS.finditer(item.stem):
        if not _is_capitalised(match.group(0)):
            findings.append(
                _finding(
                    bank,
                    item.id,
                    "negative-stem",
                    Severity.ERROR,
                    f"énoncé négatif non mis en évidence (« {match.group(0)} ») : écrire NE … PAS en capitales.",
                )
            )
    for match in _NEGATIVE_WORDS.finditer(item.stem):
        if not match.group(0).isupper():
            findings.append(
                _finding(
                    bank,
                    item.id,
                    "negative-stem",
                    Severity.WARNING,
                    f"« {match.group(0)} » : une consigne négative s'écrit en capitales.",
                )
            )
    return findings


def rule_double_negation(bank: ParsedBank, item: ParsedItem) -> list[Finding]:
    stem_negations = _negations(item.stem)
    if len(stem_negations) >= 2:
        return [
            _finding(
                bank, item.id, "double-negation", Severity.ERROR, "double négation dans l'énoncé."
            )
        ]
    if stem_negations:
        negative_options = [option.key for option in item.options if _NE_PAS.search(option.text)]
        if negative_options:
            return [
                _finding(
                    bank,
                    item.id,
                    "double-negation",
                    Severity.ERROR,
                    f"énoncé négatif et option(s) négative(s) {', '.join(negative_options)} : double négation.",
                )
            ]
    return []


def rule_key_length(bank: ParsedBank, item: ParsedItem) -> list[Finding]:
    correct = [len(option.text) for option in item.options if option.correct]
    wrong = [len(option.text) for option in item.options if not option.correct]
    mean_correct, mean_wrong = sum(correct) / len(correct), sum(wrong) / len(wrong)
    if mean_correct > KEY_LENGTH_RATIO * mean_wrong and mean_correct - mean_wrong >= 15:
        return [
            _finding(
                bank,
                item.id,
                "key-too-long",
                Severity.WARNING,
                f"la bonne réponse est nettement plus longue que les distracteurs "
                f"({mean_correct:.0f} contre {mean_wrong:.0f} caractères en moyenne).",
            )
        ]
    return []


def rule_repeated_option(bank: ParsedBank, item: ParsedItem) -> list[Finding]:
    seen: dict[str, str] = {}
    findings = []
    for option in item.options:
        norm = _normalise(option.text)
        if norm in seen:
            findings.append(
                _finding(
                    bank,
                    item.id,
                    "repeated-option",
                    Severity.ERROR,
                    f"les options {seen[norm]} et {option.key} sont identiques.",
                )
            )
        seen.setdefault(norm, option.key)
    return findings


def competency_codes(competencies: list[str]) -> list[str]:
    """The codes an item may name: « C19 (B3.3) » in the theme's list → « C19 »."""
    codes = [code.split()[0] for code in competencies if code.strip()]
    return list(dict.fromkeys(codes))


def rule_competency(bank: ParsedBank, item: ParsedItem) -> list[Finding]:
    """The item's competency is one the theme evaluates (the referential's codes in the
    bank header); a theme that declares none is not checked."""
    allowed = competency_codes(bank.competencies)
    if not allowed or item.competency in allowed:
        return []
    return [
        _finding(
            bank,
            item.id,
            "unknown-competency",
            Severity.ERROR,
            f"compétence « {item.competency} » absente du thème ; attendu : {', '.join(allowed)}.",
        )
    ]


def years_before(day: date, years: int) -> date:
    """The same date ``years`` earlier; 29 February becomes the 28th of a common year
    (``date.replace`` raises on it: every page that checks freshness failed that day)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def rule_stale(bank: ParsedBank, item: ParsedItem, today: date) -> list[Finding]:
    if item.valid_as_of < EARLIEST_CHECK:
        return [
            _finding(
                bank,
                item.id,
                "implausible-check",
                Severity.ERROR,
                f"vérifié le {item.valid_as_of:%d/%m/%Y}, date antérieure au "
                f"{EARLIEST_CHECK:%d/%m/%Y} : indiquez le jour de la vérification.",
            )
        ]
    if item.valid_as_of > today:
        # a check cannot have happened yet: such a date would silence every review reminder
        return [
            _finding(
                bank,
                item.id,
                "future-check",
                Severity.WARNING,
                f"vérifié le {item.valid_as_of:%d/%m/%Y}, date postérieure à aujourd'hui "
                f"({today:%d/%m/%Y}) : indiquez le jour de la vérification.",
            )
        ]
    if item.volatility is Volatility.ANNUELLE:
        limit, period = date(today.year, 1, 1), f"1er janvier {today.year}"
    elif item.volatility is Volatility.RECENTE:
        limit = date.fromordinal(today.toordinal() - RECENT_REVIEW_DAYS)
        period = "six mois"
    else:
        limit = years_before(today, STABLE_REVIEW_YEARS)
        period = f"{STABLE_REVIEW_YEARS} ans"
    if item.valid_as_of < limit:
        return [
            _finding(
                bank,
                item.id,
                "stale",
                Severity.WARNING,
                f"vérifié le {item.valid_as_of:%d/%m/%Y} : révision due (volatilité "
                f"{item.volatility.label}, période : {period}).",
            )
        ]
    return []


def rule_undated_volatile(bank: ParsedBank, item: ParsedItem) -> list[Finding]:
    if item.volatility is not Volatility.STABLE and not _YEAR.search(item.stem):
        return [
            _finding(
                bank,
                item.id,
                "undated-figure",
                Severity.WARNING,
                "fait annuel ou récent : dater l'énoncé (« pour l'imposition en 2026… »).",
            )
        ]
    return []


def rule_duplicate_stems(bank: ParsedBank) -> list[Finding]:
    findings = []
    normalised = [(item.id, _normalise(item.stem)) for item in bank.items]
    exact: dict[str, str] = {}
    for item_id, stem in normalised:
        if stem in exact:
            findings.append(
                _finding(
                    bank,
                    item_id,
                    "duplicate-stem",
                    Severity.ERROR,
                    f"même énoncé que {exact[stem]}.",
                )
            )
        exact.setdefault(stem, item_id)
    for i, (id_a, stem_a) in enumerate(normalised):
        for id_b, stem_b in normalised[i + 1 :]:
            if stem_a == stem_b:
                continue
            matcher = SequenceMatcher(None, stem_a, stem_b, autojunk=False)
            if (
                matcher.real_quick_ratio() >= NEAR_DUPLICATE_RATIO
                and matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO
                and matcher.ratio() >= NEAR_DUPLICATE_RATIO
            ):
                findings.append(
                    _finding(
                        bank,
                        id_b,
                        "near-duplicate-stem",
                        Severity.WARNING,
                        f"énoncé presque identique à celui de {id_a} ({matcher.ratio():.0%}).",
                    )
                )
    return findings


def rule_key_positions(bank: ParsedBank) -> list[Finding]:
    positions: Counter[str] = Counter()
    for item in bank.items:
        positions.update(item.correct_keys)
    total = sum(positions.values())
    if total < 10:
        return []
    return [
        _finding(
            bank,
            None,
            "key-position",
            Severity.ERROR,
            f"la bonne réponse est en position {key} dans {count / total:.0%} des cas "
            f"(maximum {KEY_POSITION_LIMIT:.0%}).",
        )
        for key, count in sorted(positions.items())
        if count / total > KEY_POSITION_LIMIT
    ]


def _percent(share: float) -> str:
    """0.333 → « 33 % » (a no-break space before the sign, as French writes it)."""
    return f"{share:.0%}".replace("%", "\u00a0%")


def _key_is_strictly_longest(item: ParsedItem) -> bool:
    key = next(option for option in item.options if option.correct)
    return all(len(key.text) > len(option.text) for option in item.options if option is not key)


def rule_key_longest(bank: ParsedBank) -> list[Finding]:
    """The key is the longest option in too many single-answer items of the bank."""
    single = [item for item in bank.items if item.type is ItemType.SINGLE]
    if len(single) < 10:
        return []
    longest = [item.id for item in single if _key_is_strictly_longest(item)]
    share = len(longest) / len(single)
    if share <= KEY_LONGEST_LIMIT:
        return []
    shown = ", ".join(longest[:12]) + (" …" if len(longest) > 12 else "")
    return [
        _finding(
            bank,
            None,
            "key-longest",
            Severity.WARNING,
            f"la bonne réponse est l'option la plus longue dans {len(longest)} des "
            f"{len(single)} items à réponse unique ({_percent(share)}, maximum "
            f"{_percent(KEY_LONGEST_LIMIT)}) : choisir la plus longue rapporte des points ; "
            f"allonger un distracteur ou resserrer la clé ({shown}).",
        )
    ]


def rule_blueprint_depth(bank: ParsedBank) -> list[Finding]:
    counts = Counter(item.topic for item in bank.items)
    return [
        _finding(
            bank,
            None,
            "blueprint-depth",
            Severity.WARNING,
            f"sujet « {topic.slug} » : {counts[topic.slug]} item(s), moins de trois fois les "
            f"{topic.draw} tiré(s) par formulaire : les formulaires varieront peu.",
        )
        for topic in bank.topics
        if counts[topic.slug] < 3 * topic.draw
    ]


ITEM_RULES = (
    rule_empty_text,
    rule_all_or_none,
    rule_negative_stem,
    rule_double_negation,
    rule_key_length,
    rule_repeated_option,
    rule_undated_volatile,
    rule_competency,
)
BANK_RULES = (rule_duplicate_stems, rule_key_positions, rule_key_longest, rule_blueprint_depth)


def lint_item(bank: ParsedBank, item: ParsedItem, today: date) -> list[Finding]:
    """Item-level rules (used on save in the authoring workspace too)."""
    findings: list[Finding] = []
    for rule in ITEM_RULES:
        findings.extend(rule(bank, item))
    findings.extend(rule_stale(bank, item, today))
    return findings


def lint_bank(bank: ParsedBank, today: date) -> list[Finding]:
    """Every item-writing rule over a whole bank."""
    findings: list[Finding] = []
    for item in bank.items:
        findings.extend(lint_item(bank, item, today))
    for rule in BANK_RULES:
        findings.extend(rule(bank))
    return findings
