"""Findings reported by the bank validator and the item-writing linter."""

from __future__ import annotations

import enum
from dataclasses import dataclass

#: The rules' names in the workspace (the codes stay those of the files and command reports)
RULE_LABELS = {
    "all-none-of-the-above": "« toutes » ou « aucune de ces réponses »",
    "blueprint-depth": "plan de tirage",
    "double-negation": "double négation",
    "duplicate-stem": "énoncé en double",
    "duplicate-theme": "thème en double",
    "empty-text": "texte vide",
    "future-check": "date de vérification future",
    "implausible-check": "date de vérification invraisemblable",
    "key-position": "position des bonnes réponses",
    "key-longest": "bonne réponse souvent la plus longue",
    "key-too-long": "bonne réponse trop longue",
    "near-duplicate-stem": "énoncé presque identique",
    "negative-stem": "énoncé négatif",
    "repeated-option": "option répétée",
    "stale": "vérification à refaire",
    "undated-figure": "chiffre non daté",
    "unknown-competency": "compétence inconnue",
    "option-count": "nombre d'options",
    "missing-rationale": "champ vide",
    "missing-reference": "champ vide",
    "missing-competency": "champ vide",
}


class Severity(enum.StrEnum):
    ERROR = "erreur"
    WARNING = "avertissement"


@dataclass(frozen=True)
class Finding:
    """One problem: where it is (file, item) and what is wrong (rule, message)."""

    file: str
    item_id: str | None
    rule: str
    severity: Severity
    message: str

    @property
    def label(self) -> str | None:
        """The rule's name in French, for a page; None for a rule without one."""
        return RULE_LABELS.get(self.rule)

    def format(self) -> str:
        where = f"{self.file}: {self.item_id}" if self.item_id else self.file
        return f"{where}: [{self.severity}] {self.rule}: {self.message}"


def has_errors(findings: list[Finding]) -> bool:
    return any(finding.severity is Severity.ERROR for finding in findings)
