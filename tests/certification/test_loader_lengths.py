"""A value longer than its column is refused by the loader, in French, with its place.

PostgreSQL refuses a too-long ``varchar`` with a DataError (SQLite stores it): the loader
must say which file and which field, and write nothing, on both.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from questionnaire.certification.loader import ReferentialLoadError, load_referentials
from questionnaire.certification.models import Certification

TEMPLATE = """\
slug: {slug}
title: {title}
level: {level}
grading: binary
blocks:
  - code: {block}
    title: {block_title}
    competencies:
      - code: {competency}
        title: Première compétence
        modalities: [soutenance]
prerequisites:
  - {{code: {prerequisite}, label: Certification AMF}}
"""
VALID = {
    "slug": "essai",
    "title": "Certification d'essai",
    "level": "6",
    "block": "B1",
    "block_title": "Bloc un",
    "competency": "C1",
    "prerequisite": "amf",
}


@pytest.mark.parametrize(
    ("field", "value", "where", "key", "limit"),
    [
        ("slug", "s" * 81, "certification", "slug", 80),
        ("title", "T" * 301, "certification", "title", 300),
        ("level", "9" * 41, "certification", "level", 40),
        ("block", "B" * 41, "bloc 1", "code", 40),
        ("block_title", "b" * 301, "bloc B1", "title", 300),
        ("competency", "C" * 41, "compétence 1", "code", 40),
        ("prerequisite", "p" * 41, "prérequis 1", "code", 40),
    ],
)
def test_a_value_longer_than_its_column_is_refused_with_its_place(
    db, clock, tmp_path, field, value, where, key, limit
):
    folder = tmp_path / "refs"
    folder.mkdir()
    (folder / "essai.yaml").write_text(TEMPLATE.format(**{**VALID, field: value}), "utf-8")
    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(folder, clock())
    assert [(p.file, p.message) for p in caught.value.problems] == [
        ("essai.yaml", f"« {key} » a {limit} caractères au plus.")
    ]
    assert where in caught.value.problems[0].where
    count = db.session.execute(select(func.count()).select_from(Certification)).scalar_one()
    assert count == 0


def test_values_at_their_column_length_load(db, clock, tmp_path):
    folder = tmp_path / "refs"
    folder.mkdir()
    longest = {**VALID, "slug": "s" * 80, "block": "B" * 40, "competency": "C" * 40}
    (folder / "essai.yaml").write_text(TEMPLATE.format(**longest), "utf-8")
    assert load_referentials(folder, clock()).created == ["s" * 80]
