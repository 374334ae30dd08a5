"""A weight applies to a modality the jury scores on the grid, never to a platform questionnaire.

The block's weighted note combines the jury's grid scores (rules.weighted_score); a questionnaire
on a platform theme has no grid score, so a weight on it left the block's note blank for every
candidate, without a word.
"""

from __future__ import annotations

from questionnaire.certification.parsing import parse_referential
from tests.certification.test_loader_weights import GRID

WEIGHTED_QUESTIONNAIRE = GRID.format(second=80).replace(
    "[{kind: epreuve_ecrite, weight: 20}]", "[{kind: questionnaire, theme: rgpd, weight: 20}]"
)


def test_a_weight_on_a_platform_questionnaire_is_refused():
    parsed, problems = parse_referential(WEIGHTED_QUESTIONNAIRE, "essai.yaml")
    assert parsed is None
    assert [p.format() for p in problems] == [
        "essai.yaml: bloc B1, compétence 3 (C3), modalité 1: « weight » ne s'applique pas à un "
        "questionnaire de la plateforme (sa réussite n'a pas de note sur la grille du jury)."
    ]


def test_a_weight_on_a_questionnaire_the_jury_records_is_accepted():
    themeless = WEIGHTED_QUESTIONNAIRE.replace("theme: rgpd, ", "")
    parsed, problems = parse_referential(themeless, "essai.yaml")
    assert problems == [] and parsed is not None
