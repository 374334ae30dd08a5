"""``notes`` is a text: anything else is refused with its place, never written as Python's repr.

A list came out as « ['a', 'b'] » in the referential's notes, and a few lines of YAML aliases
(« x-… » keys are free) made a list of millions of elements that the loader turned into text.
"""

from __future__ import annotations

import pytest

from questionnaire.certification.loader import ReferentialLoadError, load_referentials
from tests.certification.test_loader import MINIMAL, write

MESSAGE = "essai.yaml: certification: « notes » doit être un texte."


def _refused(db, clock, tmp_path, text: str) -> list[str]:
    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(write(tmp_path, text), clock())
    return [p.format() for p in caught.value.problems]


def test_notes_as_a_list_are_refused(db, clock, tmp_path):
    assert _refused(db, clock, tmp_path, MINIMAL + "notes: [a, b]\n") == [MESSAGE]


def test_notes_made_huge_by_aliases_are_refused(db, clock, tmp_path):
    levels = ['x-l0: &l0 ["xxxxxxxxxx", "xxxxxxxxxx", "xxxxxxxxxx", "xxxxxxxxxx"]']
    levels += [f"x-l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]" for n in range(1, 6)]
    text = MINIMAL + "\n".join(levels) + "\nnotes: *l5\n"
    assert _refused(db, clock, tmp_path, text) == [MESSAGE]


def test_notes_as_text_load(db, clock, tmp_path):
    text = MINIMAL + "notes: |\n  Première ligne.\n  Seconde ligne.\n"
    assert load_referentials(write(tmp_path, text), clock()).created == ["essai"]
