"""One weight per weighted modality in a block: the block's note reads a single weight for it."""

from __future__ import annotations

from questionnaire.certification.parsing import parse_referential

GRID = """\
slug: essai
title: Certification d'essai
grading: grid
grid_threshold: 2
blocks:
  - code: B1
    title: Bloc un
    competencies:
      - code: C1
        title: Première compétence
        modalities: [{{kind: epreuve_orale, weight: 80}}]
      - code: C2
        title: Deuxième compétence
        modalities: [{{kind: epreuve_orale, weight: {second}}}]
      - code: C3
        title: Troisième compétence
        modalities: [{{kind: epreuve_ecrite, weight: 20}}]
"""


def test_two_weights_for_one_modality_in_a_block_are_refused():
    # rules.weighted_score keeps one weight per modality: the last one read would win silently
    parsed, problems = parse_referential(GRID.format(second=70), "essai.yaml")
    assert parsed is None
    assert [p.format() for p in problems] == [
        "essai.yaml: bloc B1: « epreuve_orale » a plusieurs poids dans ce bloc (80, 70) : "
        "une épreuve a un seul poids par bloc."
    ]


def test_the_same_weight_on_each_competency_is_accepted():
    parsed, problems = parse_referential(GRID.format(second=80), "essai.yaml")
    assert problems == [] and parsed is not None
