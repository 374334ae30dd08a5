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
    reception = shipped["cqp-charge-accueil-relation-clients-adherents"]
    assert reception.two_evaluators is True
    # seed 003: evaluators « doivent » detail the competencies in blocks 1 and 4, « peuvent » in 2, 3
    verbs = ("doivent", "peuvent", "peuvent", "doivent")
    for block, verb in zip(reception.blocks, verbs, strict=True):
        for competency in block.competencies:
            labels = " ".join(m.label or "" for m in competency.modalities)
            assert f"Ils {verb} apporter des précisions sur les compétences" in labels, block.code
        assert block.comments_required is (verb == "doivent"), block.code  # enforced, not just said
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


def _seed(certification) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"référentiels sources absents ({SEEDS})")
    return (SEEDS / certification.source).read_text(encoding="utf-8")


def _block_anchor(seed: str, block, start: int) -> int:
    """Where the block's heading is in the seed, from ``start``: « code - title », else title."""
    for anchor in (f"{block.code} - {block.title}", block.title):
        found = seed.find(_normalise(anchor), start)
        if found >= 0:
            return found
    return -1


def test_competencies_sit_in_their_seed_block_in_the_seed_order(shipped):
    """A competency moved to another block, or out of order, is a wrong referential."""
    for certification in shipped.values():
        seed = _normalise(_seed(certification))
        position = 0
        for block in certification.blocks:
            first = seed.find(_normalise(block.competencies[0].title), position)
            anchor = _block_anchor(seed, block, position)
            if ANNOTATION not in block.title and 0 <= anchor <= first:
                position = anchor  # seed 001 names its blocks only after its table
            for competency in block.competencies:
                found = seed.find(_normalise(competency.title), position)
                assert found >= 0, (certification.source, competency.code, "hors de son bloc")
                position = found


def _seed_000_rows(text: str) -> dict[str, tuple[str, list[str], list[str]]]:
    """Seed 000's table: per competency code, its block, modalities (carried down) and criteria."""
    rows, block, modalities = {}, None, []
    for line in text.splitlines():
        cells = line.split("|")[1:-1]
        if len(cells) < 4:
            continue
        heading = re.search(r"BLOC n°(\d)", cells[0])
        if heading and not cells[1].strip():
            block = f"B{heading.group(1)}"
            continue
        competency = re.search(r"<p>(C\d+ \(B[\d.]+\))", cells[1])
        if competency is None:
            continue
        if cells[2].strip():
            modalities = [_normalise(m) for m in re.findall(r"<p>(.*?)</p>", cells[2])]
        criteria = [_normalise(c) for c in re.findall(r"<i>(.*?)</i>", cells[3])]
        rows[competency.group(1)] = (block, modalities, criteria)
    return rows


def test_seed_000_table_row_by_row(shipped):
    """Codes, blocks, every criterion (none missing, none moved) and the modalities of seed 000."""
    certification = shipped["charge-clientele-particuliers"]
    rows = _seed_000_rows(_seed(certification))
    shipped_rows = {
        competency.code: (block.code, competency)
        for block in certification.blocks
        for competency in block.competencies
    }
    assert list(shipped_rows) == list(rows)
    for code, (block, modalities, criteria) in rows.items():
        block_code, competency = shipped_rows[code]
        assert block_code == block, code
        assert [_normalise(c) for c in competency.criteria] == criteria, code
        kinds = [m.kind.value for m in competency.modalities]
        expected = {
            "Mise en situation professionnelle": "mise_en_situation",
            "Rendu de livrables professionnels": "livrables",
            "Soutenance orale devant jury": "soutenance",
        }
        assert kinds == [expected.get(m.rstrip("."), "questionnaire") for m in modalities], code
        for modality in competency.modalities:
            if modality.label:
                assert _normalise(modality.label) in modalities, (code, modality.label)


def test_every_criterion_of_seed_001_is_shipped(shipped):
    """The reverse of the wording test: a criterion the file forgot is caught too."""
    certification = shipped["conseiller-clientele-professionnelle"]
    seed = _seed(certification)
    # the list items of its criteria column (two more items list the documents of a modality)
    items = [i for i in re.findall(r"<li>-\s*(.*?)</li>", seed) if not i.startswith("un document")]
    assert len(items) == 54
    shipped_criteria = {
        _normalise(c) for b in certification.blocks for k in b.competencies for c in k.criteria
    }
    missing = [i for i in map(_normalise, items) if i not in shipped_criteria]
    assert missing == []
