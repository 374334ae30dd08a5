"""The shipped referentials against their source documents (``../shared/seeds``), word for word."""

from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path

import pytest

from questionnaire.certification.parsing import DATA_PATH, validate_referentials

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
# what the files add on purpose, said in their comments: group headings end with « : », and
# the parts the extract of seed 004 lacks are marked as absent
ANNOTATION = "absent de l'extrait"
# criteria the seed splits across a page break of its table, joined again in the files
ACROSS_PAGES = {
    "Une écoute active de l'interlocuteur est réalisée, les besoins de l'interlocuteur sont "
    "identifiés et reformulés."
}


def _normalise(text: str) -> str:
    """Seed text without its HTML, bullets and line breaks, to compare wording only."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = text.replace("’", "'").replace("\u00a0", " ")
    text = re.sub(r"[→•✓|]|\s[-–]\s", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def shipped():
    parsed, problems = validate_referentials(DATA_PATH)
    assert problems == []
    return {certification.slug: certification for certification in parsed}


def test_every_title_and_criterion_is_the_seed_wording(shipped):
    if not SEEDS.is_dir():
        pytest.skip(f"référentiels sources absents ({SEEDS})")
    for certification in shipped.values():
        seed = _normalise((SEEDS / certification.source).read_text(encoding="utf-8"))
        texts = [certification.level or "", certification.rncp_code or ""]
        texts += [certification.certifier or ""]
        for block in certification.blocks:
            texts += [block.title] if ANNOTATION not in block.title else []
            for competency in block.competencies:
                texts.append(competency.title)
                texts += [c.removesuffix(" :") for c in competency.criteria if ANNOTATION not in c]
        missing = [t for t in texts if _normalise(t) not in seed and t not in ACROSS_PAGES]
        assert missing == [], certification.source


def test_each_referential_carries_every_competency_of_its_seed(shipped):
    counts = {
        slug: len([c for b in cert.blocks for c in b.competencies])
        for slug, cert in shipped.items()
    }
    assert counts == {
        "charge-clientele-particuliers": 22,  # C1–C22
        "conseiller-clientele-professionnelle": 23,  # activities 1a–3d
        "cqp-charge-clientele-professionnels": 28,  # BC01 6, BC02 8, BC03 6, BC04 8
        "cqp-charge-accueil-relation-clients-adherents": 19,  # 6 + 4 + 4 + 5
        "titre-charge-clientele": 20,  # what the extract gives: 3 + 6 + 11
    }


def test_seed_rules_are_in_the_files(shipped):
    professional = shipped["conseiller-clientele-professionnelle"]
    labels = {
        m.label.split(".")[0]: m.weight
        for b in professional.blocks
        for c in b.competencies
        for m in c.modalities
    }
    assert (
        labels[
            "Epreuve orale à partir d'une mise en situation professionnelle (durée 2 heures – 80% de la note)"
        ]
        == 80
    )
    assert labels["Epreuve écrite (durée 1h30 – 20% de la note)"] == 20
    cqp = shipped["cqp-charge-clientele-professionnels"]
    assert [p.code for p in cqp.prerequisites] == ["amf"]
    assert cqp.certifier.startswith("Commission paritaire nationale de l'emploi (CPNE)")
    grid = shipped["titre-charge-clientele"]
    assert (grid.grading.value, grid.grid_threshold) == ("grid", 2)
    assert "0 (non acquis) à 4 (expert)" in grid.notes
    assert shipped["cqp-charge-accueil-relation-clients-adherents"].two_evaluators is True
    assert "peuvent être adaptées en fonction des situations des personnes handicapées" in (
        shipped["charge-clientele-particuliers"].notes
    )


def test_the_referential_files_are_package_data():
    """A non-editable install (wheel) must carry the YAML files the loader reads."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["questionnaire.certification"]
    package = ROOT / "questionnaire" / "certification"
    declared = {path for pattern in patterns for path in package.glob(pattern)}
    assert declared == set(DATA_PATH.glob("*.yaml")) and len(declared) == 5
