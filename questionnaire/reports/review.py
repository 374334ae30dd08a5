"""Items to review: the library's flags ranked by severity, with a plain-French reason."""

from __future__ import annotations

import pandas as pd

from analytics import ResponseData, item_stats
from analytics.io import natural_key
from questionnaire.itemstats.flags import THRESHOLDS
from questionnaire.reports.loader import ItemInfo
from questionnaire.reports.psychometrics import declared_options
from questionnaire.reports.tables import Column, Kind, Table
from questionnaire.richtext import one_line

#: Below this many copies an item's flags are only indicative.
INDICATIVE_COPIES = 30
STEM_LENGTH = 60

#: Severity of each flag (1 = most serious) and the reason a board member reads.
SEVERITY = {
    "negative_discrimination": 1,
    "possible_second_key": 1,
    "too_hard": 2,
    "too_easy": 2,
    "low_discrimination": 2,
    "unused_distractor": 3,
}
SEVERITY_LABELS = {
    1: "1 — clé erronée suspectée",
    2: "2 — difficulté ou discrimination",
    3: "3 — distracteurs",
}
REASONS = {
    "negative_discrimination": (
        "les bons candidats réussissent moins cet item que les faibles : vérifier la clé"
    ),
    "possible_second_key": "l'option {} attire les bons candidats : seconde bonne réponse ?",
    "too_hard": "presque personne ne le réussit",
    "too_easy": "presque tout le monde le réussit",
    "low_discrimination": "il sépare mal les candidats forts des faibles",
    "unused_distractor": "l'option {} n'est presque jamais choisie",
}


def reason(code: str) -> str:
    """'unused_distractor:C' → « l'option C n'est presque jamais choisie »."""
    name, _, option = code.partition(":")
    text = REASONS.get(name, name)
    return text.format(option) if "{}" in text else text


def flagged_items(
    table: pd.DataFrame | ResponseData,
    items: dict[str, ItemInfo],
    stats: pd.DataFrame | None = None,
) -> list[tuple[int, str, int, str]]:
    """(severity, item id, copies, reasons) of every flagged item, most serious first;
    ``stats``: `psychometrics.item_statistics` of the same table, when already computed."""
    if stats is None:
        stats = item_stats(table, THRESHOLDS, options=declared_options(items))
    found = []
    for row in stats.itertuples(index=False):
        codes = [c for c in str(row.flags).split(";") if c]
        if not codes:
            continue
        codes.sort(key=lambda c: SEVERITY.get(c.partition(":")[0], 3))
        severity = SEVERITY.get(codes[0].partition(":")[0], 3)
        found.append((severity, row.item_id, int(row.n), " ; ".join(reason(c) for c in codes)))
    return sorted(found, key=lambda f: (f[0], natural_key(f[1])))  # Q2 before Q10, as the items


def stem_start(text: str) -> str:
    """The first STEM_LENGTH characters of a question as its reader sees them (its text is
    stored as sanitised HTML: ``richtext.one_line``), « … » when cut."""
    flat = one_line(text)
    return flat if len(flat) <= STEM_LENGTH else flat[:STEM_LENGTH].rstrip() + "…"


def review_table(flagged: list[tuple[int, str, int, str]], items: dict[str, ItemInfo]) -> Table:
    """Flagged items by severity; under INDICATIVE_COPIES copies the row says « indicatif »."""
    return Table(
        "items_a_revoir",
        "Items à revoir (par gravité)",
        (
            Column("severity", "Gravité"),
            Column("item_id", "Item"),
            Column("stem", "Question (début)"),
            Column("n", "Copies", Kind.INT),
            Column("reason", "Motif"),
            Column("reliability", "Portée"),
        ),
        tuple(
            (
                SEVERITY_LABELS[severity],
                item_id,
                stem_start(items[item_id].stem) if item_id in items else "",
                n,
                text,
                "indicatif" if n < INDICATIVE_COPIES else "",
            )
            for severity, item_id, n, text in flagged
        ),
    )


def severity_counts(flagged: list[tuple[int, str, int, str]]) -> dict[int, int]:
    """Flagged items per severity level (every level present, zero included)."""
    return {level: sum(1 for f in flagged if f[0] == level) for level in SEVERITY_LABELS}
