"""Referential files: shipped data, idempotent loading, all-or-nothing errors."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from questionnaire.auth.models import Role
from questionnaire.certification.loader import (
    DATA_PATH,
    ReferentialLoadError,
    load_referentials,
    parse_referential,
)
from questionnaire.certification.models import (
    Block,
    Certification,
    Competency,
    Criterion,
    Grading,
    Modality,
    ModalityKind,
)
from questionnaire.certification.services import record_evaluation

MINIMAL = """\
slug: essai
title: Certification d'essai
grading: binary
blocks:
  - code: B1
    title: Bloc un
    competencies:
      - code: C1
        title: Première compétence
        modalities: [soutenance]
      - code: C2
        title: Deuxième compétence
        modalities: [{kind: questionnaire, theme: rgpd}]
"""


def count(db, model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def write(tmp_path, text: str, name: str = "essai.yaml"):
    folder = tmp_path / "refs"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_seed_000_has_three_blocks_c1_to_c22_and_four_questionnaire_links(referentials):
    certification = referentials["charge-clientele-particuliers"]
    assert [b.code for b in certification.blocks] == ["B1", "B2", "B3"]
    codes = [c.code.split(" ")[0] for c in certification.competencies]
    assert codes == [f"C{n}" for n in range(1, 23)]
    assert certification.competencies[8].code == "C9 (B2.3)"
    links = {
        c.code: c.questionnaire_themes for c in certification.competencies if c.questionnaire_themes
    }
    assert links == {
        "C9 (B2.3)": ["fiscalite"],
        "C19 (B3.3)": ["risques"],
        "C20 (B3.4)": ["risques"],
        "C21 (B3.5)": ["reglementation"],
        "C22 (B3.6)": ["rgpd"],
    }
    by_code = {c.code: c for c in certification.competencies}
    assert not by_code["C21 (B3.5)"].is_jury_evaluated  # « E3. Questionnaire thématique » only
    assert [m.kind for m in by_code["C1 (B1.1)"].modalities] == [
        ModalityKind.MISE_EN_SITUATION,
        ModalityKind.LIVRABLES,
        ModalityKind.SOUTENANCE,
    ]
    assert "60% de bonnes réponses au questionnaire." in [
        c.text for c in by_code["C9 (B2.3)"].criteria
    ]
    assert certification.grading is Grading.BINARY
    assert certification.two_evaluators is False


def test_other_seeds_carry_their_blocks_and_rules(all_referentials):
    referentials = all_referentials
    assert set(referentials) == {
        "charge-clientele-particuliers",
        "conseiller-clientele-professionnelle",
        "cqp-charge-clientele-professionnels",
        "cqp-charge-accueil-relation-clients-adherents",
        "titre-charge-clientele",
    }
    professional = referentials["conseiller-clientele-professionnelle"]
    assert len(professional.blocks) == 3
    weights = {(m.kind, m.weight_percent) for c in professional.competencies for m in c.modalities}
    assert weights == {(ModalityKind.EPREUVE_ORALE, 80), (ModalityKind.EPREUVE_ECRITE, 20)}
    cqp = referentials["cqp-charge-clientele-professionnels"]
    assert cqp.rncp_code == "RNCP38026"
    assert [b.code for b in cqp.blocks] == [f"RNCP38026BC0{n}" for n in range(1, 5)]
    reception = referentials["cqp-charge-accueil-relation-clients-adherents"]
    assert len(reception.blocks) == 4
    assert reception.two_evaluators is True and reception.required_evaluators == 2
    title = referentials["titre-charge-clientele"]
    assert title.grading is Grading.GRID and title.grid_threshold == 2
    assert "B1.A1.C1" in [c.code for c in title.competencies]


def test_loading_twice_changes_nothing(db, clock, all_referentials):
    referentials = all_referentials
    counts = [count(db, m) for m in (Certification, Block, Competency, Modality, Criterion)]
    ids = sorted(c.id for c in referentials["charge-clientele-particuliers"].competencies)
    clock.advance(days=1)
    report = load_referentials(DATA_PATH, clock())
    db.session.commit()
    assert report.created == [] and report.updated == []
    assert len(report.unchanged) == 5
    assert [count(db, m) for m in (Certification, Block, Competency, Modality, Criterion)] == counts
    certification = referentials["charge-clientele-particuliers"]
    assert sorted(c.id for c in certification.competencies) == ids
    assert certification.updated_at < clock()


def test_a_changed_file_updates_in_place_keeping_competency_ids(db, clock, tmp_path):
    folder = write(tmp_path, MINIMAL)
    report = load_referentials(folder, clock())
    db.session.commit()
    assert report.created == ["essai"]
    c1 = db.session.execute(select(Competency).where(Competency.code == "C1")).scalar_one()
    write(tmp_path, MINIMAL.replace("Première compétence", "Compétence renommée"))
    report = load_referentials(folder, clock())
    db.session.commit()
    assert report.updated == ["essai"]
    assert db.session.get(Competency, c1.id).title == "Compétence renommée"
    assert count(db, Competency) == 2


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("slug: x\n  bad: [", "ligne", "YAML illisible (ligne 2, colonne 6) : « : » inattendu"),
        ("slug: [x", "ligne", "liste entre crochets non fermée"),
        (MINIMAL.replace("[soutenance]", "[danse]"), "modalité 1", "modalité inconnue"),
        (MINIMAL.replace("theme: rgpd", "theme: cuisine"), "modalité 1", "theme"),
        (MINIMAL.replace("code: C2", "code: C1"), "certification", "en double"),
        (
            MINIMAL.replace("grading:", "two_evaluator: true\ngrading:"),
            "certification",
            "clé inconnue",
        ),
        (MINIMAL.replace("grading: binary", "grading: grid"), "certification", "grid_threshold"),
        (MINIMAL.replace("    title: Bloc un\n", ""), "bloc B1", "« title » est obligatoire"),
        (
            MINIMAL.replace("[soutenance]", "[{kind: soutenance, weight: 80}]"),
            "certification",
            "grille",
        ),
        (MINIMAL.replace("grading:", "incomplete: oui\ngrading:"), "certification", "true"),
        (
            MINIMAL.replace("grading:", "incomplete: true\ngrading:"),
            "certification",
            "« incomplete_reason » est obligatoire",
        ),
        (
            MINIMAL.replace("grading:", "incomplete_reason: extrait\ngrading:"),
            "certification",
            "incomplete: true",
        ),
        (
            MINIMAL.replace("    title: Bloc un\n", "    title: Bloc un\n    incomplete: true\n"),
            "bloc B1",
            "incomplete: true",
        ),
    ],
)
def test_a_wrong_file_is_refused_with_where_and_why_and_nothing_is_written(
    db, clock, tmp_path, text, where, message
):
    folder = write(tmp_path, MINIMAL, "a.yaml")
    write(tmp_path, text, "b.yaml")
    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(folder, clock())
    problems = caught.value.problems
    assert any(p.file == "b.yaml" and where in p.where and message in p.message for p in problems)
    assert count(db, Certification) == 0


def test_an_evaluated_competency_cannot_be_dropped(db, clock, tmp_path, make_user, enrol_candidate):
    folder = write(tmp_path, MINIMAL)
    load_referentials(folder, clock())
    db.session.commit()
    certification = db.session.execute(select(Certification)).scalar_one()
    enrolment = enrol_candidate(certification)
    c1 = certification.competencies[0]
    record_evaluation(enrolment, c1, make_user(Role.JURY), clock(), acquired=True)
    db.session.commit()
    dropped = (
        MINIMAL.split("      - code: C1")[0] + "      - code: C2" + MINIMAL.split("- code: C2")[1]
    )
    write(tmp_path, dropped)
    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(folder, clock())
    assert caught.value.problems[0].where == "C1"
    assert db.session.get(Competency, c1.id) is not None


def test_load_command_reports_created_then_unchanged(app, tmp_path):
    shutil.copytree(DATA_PATH, tmp_path / "data")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["referentials", "load", str(tmp_path / "data")])
    assert first.exit_code == 0, first.output
    assert "charge-clientele-particuliers : créé." in first.output
    second = runner.invoke(args=["referentials", "load"])
    assert second.exit_code == 0
    assert second.output.count("inchangé") == 5


def test_load_command_fails_on_a_wrong_file(app, tmp_path):
    (tmp_path / "bad.yaml").write_text("slug: [", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["referentials", "load", str(tmp_path)])
    assert result.exit_code == 1
    assert "Aucun référentiel chargé" in result.output


def test_validate_command_accepts_the_shipped_referentials(app):
    result = app.test_cli_runner().invoke(args=["referentials", "validate"])
    assert result.exit_code == 0
    assert "5 référentiel(s) valide(s), 0 problème(s)." in result.output


def test_a_prerequisite_already_attested_cannot_be_dropped(
    db, clock, tmp_path, make_user, enrol_candidate
):
    from questionnaire.certification.services import record_prerequisite

    with_amf = MINIMAL.replace(
        "blocks:", "prerequisites:\n  - {code: amf, label: Certification AMF}\nblocks:"
    )
    folder = write(tmp_path, with_amf)
    load_referentials(folder, clock())
    db.session.commit()
    certification = db.session.execute(select(Certification)).scalar_one()
    enrolment = enrol_candidate(certification)
    record_prerequisite(
        enrolment, certification.prerequisites[0], clock().date(), make_user(Role.JURY), clock()
    )
    db.session.commit()
    write(tmp_path, with_amf.replace("label: Certification AMF", "label: Certification AMF (RG)"))
    assert load_referentials(folder, clock()).updated == ["essai"]
    db.session.commit()
    assert certification.prerequisites[0].label == "Certification AMF (RG)"
    write(tmp_path, MINIMAL)
    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(folder, clock())
    assert caught.value.problems[0].where == "amf"


def test_an_incomplete_referential_is_declared_with_its_reason(tmp_path):
    text = MINIMAL.replace(
        "grading:", "incomplete: true\nincomplete_reason: Extrait partiel.\ngrading:"
    ).replace("    title: Bloc un\n", "    title: Bloc un\n    incomplete: true\n")
    parsed, problems = parse_referential(text, "essai.yaml")
    assert problems == []
    assert parsed.incomplete_reason == "Extrait partiel."
    assert [b.incomplete for b in parsed.blocks] == [True]


def test_shipped_referential_004_is_declared_incomplete_in_blocks_1_and_2(db, clock):
    """Seed 004, l. 15-20: the extract jumps from B1A1 (bloc 1) to B2A3 (bloc 2); the
    declaration is stored with the referential, and a file that drops it updates the rows."""
    load_referentials(DATA_PATH, clock())
    db.session.commit()
    stored = {c.slug: c for c in db.session.execute(select(Certification)).scalars()}
    titre = stored["titre-charge-clientele"]
    assert titre.incomplete_reason and "B2A3" in titre.incomplete_reason
    assert {b.code for b in titre.blocks if b.incomplete} == {"Bloc 1", "Bloc 2"}
    assert stored["charge-clientele-particuliers"].incomplete_reason is None
    assert not any(b.incomplete for b in stored["charge-clientele-particuliers"].blocks)


@pytest.mark.parametrize("slug", ["conseiller-clientele-professionnelle", "titre-charge-clientele"])
def test_grid_thresholds_the_seeds_do_not_give_are_marked_to_confirm(all_referentials, slug):
    """Seeds 001 and 004 set no acquisition threshold: 2 / 4 is the platform's assumption."""
    assert "à confirmer par le certificateur" in all_referentials[slug].notes
