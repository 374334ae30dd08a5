"""A referential's ``slug`` has the shipped seeds' format: lowercase letters without accents,
digits and single hyphens; any other is refused with its file and place, and nothing loads.

The slug is the certification's stable identifier: it names the file of its attestation
(« attestation-<slug>.pdf », a header a quote or an accent would break) and its journal entries.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from questionnaire.certification.loader import (
    DATA_PATH,
    ReferentialLoadError,
    load_referentials,
    parse_referential,
    referential_files,
)
from questionnaire.certification.models import Certification
from tests.certification.test_loader_lengths import TEMPLATE, VALID

MESSAGE = (
    "« slug » s'écrit en lettres minuscules sans accent, chiffres et tirets simples "
    "(ex. « charge-clientele-particuliers »)"
)


def _folder(tmp_path, slug: str):
    folder = tmp_path / "refs"
    folder.mkdir()
    (folder / "000_essai.yaml").write_text(TEMPLATE.format(**{**VALID, "slug": slug}), "utf-8")
    return folder


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Essai", "Essai"),
        ("chargé-clientèle", "chargé-clientèle"),
        ("essai_un", "essai_un"),
        ("'essai un'", "essai un"),
        ("'essai\"'", 'essai"'),
        ("-essai", "-essai"),
        ("essai-", "essai-"),
        ("essai--un", "essai--un"),
        ("essai/un", "essai/un"),
        ("essai.un", "essai.un"),
    ],
)
def test_a_slug_out_of_format_is_refused_with_its_file_and_line(db, clock, tmp_path, raw, shown):
    folder = _folder(tmp_path, raw)
    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(folder, clock())
    assert [p.format() for p in caught.value.problems] == [
        f"000_essai.yaml: certification (ligne 1): {MESSAGE} : « {shown} » ne convient pas."
    ]
    count = db.session.execute(select(func.count()).select_from(Certification)).scalar_one()
    assert count == 0


def test_one_bad_slug_among_good_files_loads_nothing(db, clock, tmp_path):
    folder = _folder(tmp_path, "Essai Deux")
    for path in referential_files(DATA_PATH):
        (folder / path.name.replace("0", "1", 1)).write_text(path.read_text("utf-8"), "utf-8")
    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(folder, clock())
    assert [p.file for p in caught.value.problems] == ["000_essai.yaml"]
    count = db.session.execute(select(func.count()).select_from(Certification)).scalar_one()
    assert count == 0


@pytest.mark.parametrize("slug", ["essai", "essai-2", "cqp-charge-accueil", "rncp38026", "s" * 80])
def test_slugs_in_format_load(db, clock, tmp_path, slug):
    assert load_referentials(_folder(tmp_path, slug), clock()).created == [slug]


def test_the_shipped_slugs_are_in_format():
    for path in referential_files(DATA_PATH):
        parsed, problems = parse_referential(path.read_text(encoding="utf-8"), path.name)
        assert problems == []
        assert parsed.slug == parsed.slug.lower()
