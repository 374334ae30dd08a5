"""Side-by-side comparison of two versions: text word by word, keys and metadata."""

from __future__ import annotations

import html
from dataclasses import dataclass
from difflib import SequenceMatcher

from questionnaire.banks.models import ItemVersion
from questionnaire.richtext import plain


@dataclass(frozen=True)
class Segment:
    """A run of words: ``kind`` is "same", "removed" or "added"."""

    kind: str
    text: str


@dataclass(frozen=True)
class FieldDiff:
    label: str
    old: list[Segment]
    new: list[Segment]
    changed: bool


def words(text: str) -> list[str]:
    """The words a reader sees: tags dropped (as word breaks), entities decoded."""
    return html.unescape(plain(text.replace("<", " <"))).split()


def word_diff(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """Both sides of a text change, with removed words on the left and added ones on the right."""
    a, b = words(old), words(new)
    left: list[Segment] = []
    right: list[Segment] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(Segment("same", " ".join(a[i1:i2])))
            right.append(Segment("same", " ".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(Segment("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            right.append(Segment("added", " ".join(b[j1:j2])))
    return left, right


def _field(label: str, old: str, new: str) -> FieldDiff:
    left, right = word_diff(old, new)
    # markup-only changes (emphasis added) count as changes even though no word moved
    return FieldDiff(label, left, right, old.strip() != new.strip())


def _type(version: ItemVersion) -> str:
    return "plusieurs bonnes réponses" if version.is_multiple else "une seule bonne réponse"


def _keys(version: ItemVersion) -> str:
    return ", ".join(sorted(version.correct_keys)) or "—"


def compare(old: ItemVersion, new: ItemVersion) -> list[FieldDiff]:
    """Every compared field, in reading order."""
    fields = [
        _field("Sujet", old.topic.title, new.topic.title),
        _field("Type", _type(old), _type(new)),
        _field("Énoncé", old.stem, new.stem),
    ]
    for key in sorted(old.option_keys | new.option_keys):
        before, after = old.option(key), new.option(key)
        fields.append(
            _field(f"Option {key}", before.text if before else "", after.text if after else "")
        )
    fields += [
        _field("Bonne(s) réponse(s)", _keys(old), _keys(new)),
        _field("Justification", old.rationale, new.rationale),
        _field("Référence", old.reference, new.reference),
        _field("Compétence", old.competency, new.competency),
        _field("Niveau cognitif", old.cognitive_level.value, new.cognitive_level.value),
        _field("Difficulté a priori", old.difficulty.value, new.difficulty.value),
        _field("Valide au", old.valid_as_of.isoformat(), new.valid_as_of.isoformat()),
        _field("Volatilité", old.volatility.value, new.volatility.value),
    ]
    return fields
