"""A block's observed interviews follow one rule: the loader refuses a file whose competencies of
one block declare different ``observations`` (seed 003 repeats its block's rule on each).

Interviews are recorded block by block against the block's rule (its first competency's), while
each competency's grid waits for its own: with « max: 3 » on C1 and « min: 5 » on C2, no more
than three interviews could be recorded and C2 could never be evaluated.
"""

from __future__ import annotations

import pytest

from questionnaire.certification.loader import ReferentialLoadError, load_referentials
from tests.certification.test_loader import write

TEMPLATE = """\
slug: essai
title: Certification d'essai
blocks:
  - code: B1
    title: Bloc un
    competencies:
      - code: C1
        title: Première compétence
        modalities:
          - kind: observation
            observations: {{min: 3, max: 3, within_days: 7, distinct_channels: 1}}
      - code: C2
        title: Deuxième compétence
        modalities:
          - kind: observation
            observations: {{min: {second_min}, max: 5, within_days: 7, distinct_channels: 1}}
      - code: C3
        title: Troisième compétence
        modalities: [soutenance]
"""


def test_two_observation_rules_in_one_block_are_refused(db, clock, tmp_path):
    folder = write(tmp_path, TEMPLATE.format(second_min=5))
    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(folder, clock())
    assert [p.format() for p in caught.value.problems] == [
        "essai.yaml: bloc B1: les entretiens observés s'enregistrent par bloc, selon une seule "
        "règle : C1 (min 3, max 3, within_days 7, distinct_channels 1) et C2 (min 5, max 5, "
        "within_days 7, distinct_channels 1) diffèrent."
    ]


def test_the_same_rule_repeated_in_a_block_loads(db, clock, tmp_path):
    folder = write(tmp_path, TEMPLATE.format(second_min=3).replace("max: 5", "max: 3"))
    assert load_referentials(folder, clock()).created == ["essai"]
