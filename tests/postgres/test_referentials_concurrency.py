"""Two ``questionnaire referentials load`` at once on PostgreSQL (a deployment script and an
operator, two servers started together): neither may end in an integrity error."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.auth.models import Role, User
from questionnaire.auth.services import create_user
from questionnaire.certification import loader
from questionnaire.certification.models import (
    Block,
    Certification,
    CertificationEnrolment,
    Competency,
)
from questionnaire.certification.services import record_evaluation, register_candidate
from questionnaire.clock import now_utc
from questionnaire.extensions import db
from tests.conftest import PASSWORD
from tests.postgres.conftest import race

pytestmark = pytest.mark.postgres

SHIPPED = 5


def _load(reports: list):
    def action():
        reports.append(loader.load_referentials(loader.DATA_PATH, now_utc()))

    return action


def _count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_two_loads_at_once_both_succeed_and_the_second_changes_nothing(pg_app):
    """It used to end the second with an IntegrityError (both inserting the same slugs), which
    the command showed as « Erreur interne »; the second now waits for the first's commit and
    finds its work done."""
    first, second = [], []
    outcomes = race(pg_app, _load(first), _load(second))
    assert outcomes == [None, None]
    assert len(first[0].created) == SHIPPED
    assert (second[0].created, second[0].updated, len(second[0].unchanged)) == ([], [], SHIPPED)
    assert _count(Certification) == SHIPPED
    blocks, competencies = _count(Block), _count(Competency)
    race(pg_app, _load([]), _load([]))
    assert (_count(Certification), _count(Block), _count(Competency)) == (
        SHIPPED,
        blocks,
        competencies,
    )


def test_a_load_waits_for_a_load_that_changes_the_same_certification(pg_app, tmp_path):
    """A second load of another version of a file, during the first, applies on top of it
    rather than failing or being lost."""
    source = loader.DATA_PATH / "000_charge_clientele_particuliers.yaml"
    changed = tmp_path / "000.yaml"
    text = source.read_text(encoding="utf-8")
    assert "\ntitle: " in text
    changed.write_text(text.replace("\ntitle: ", "\ntitle: Révisé ", 1), encoding="utf-8")
    reports: list = []

    def second():
        reports.append(loader.load_referentials(changed, now_utc()))

    assert race(pg_app, _load([]), second) == [None, None]
    assert reports[0].updated == ["charge-clientele-particuliers"]
    title = db.session.execute(
        sa.select(Certification.title).where(Certification.slug == "charge-clientele-particuliers")
    ).scalar_one()
    assert title.startswith("Révisé ")


TWO_COMPETENCIES = """\
slug: essai
title: Certification d'essai
blocks:
  - code: B1
    title: Bloc un
    competencies:
      - code: C1
        title: Première compétence
        modalities: [soutenance]
      - code: C2
        title: Deuxième compétence
        modalities: [soutenance]
"""


def test_a_load_dropping_a_competency_being_evaluated_is_refused_in_french(pg_app, tmp_path):
    """A jury member records an evaluation of C1 while a file dropping C1 is loaded: the load
    used to find no evaluation, delete C1, and end in a foreign-key IntegrityError (« Erreur
    interne »); it now waits for the evaluation and refuses, as for one recorded before."""
    folder = tmp_path / "refs"
    folder.mkdir()
    (folder / "essai.yaml").write_text(TWO_COMPETENCIES, encoding="utf-8")
    now = now_utc()
    loader.load_referentials(folder, now)
    admin = create_user("admin@example.org", PASSWORD, "Admin", [Role.ADMIN], now)
    jury = create_user("jury@example.org", PASSWORD, "Jury", [Role.JURY], now)
    create_user("cand@example.org", PASSWORD, "Candidat", [Role.CANDIDATE], now)
    certification = db.session.execute(sa.select(Certification)).scalar_one()
    enrolment = register_candidate(certification, "cand@example.org", admin, now)
    db.session.commit()
    ids = (enrolment.id, jury.id)
    dropped = tmp_path / "dropped"
    dropped.mkdir()
    (dropped / "essai.yaml").write_text(
        TWO_COMPETENCIES.split("      - code: C1")[0]
        + "      - code: C2"
        + TWO_COMPETENCIES.split("      - code: C2")[1],
        encoding="utf-8",
    )

    def evaluate():
        enrolment = db.session.get(CertificationEnrolment, ids[0])
        competency = next(c for c in enrolment.certification.competencies if c.code == "C1")
        record_evaluation(
            enrolment, competency, db.session.get(User, ids[1]), now_utc(), acquired=True
        )

    outcomes = race(pg_app, evaluate, lambda: loader.load_referentials(dropped, now_utc()))
    assert outcomes[0] is None
    assert isinstance(outcomes[1], loader.ReferentialLoadError), outcomes[1]
    assert [p.format() for p in outcomes[1].problems] == [
        "essai.yaml: C1: compétence déjà évaluée : elle ne peut pas être retirée."
    ]
    codes = db.session.execute(sa.select(Competency.code).order_by(Competency.code)).scalars()
    assert list(codes) == ["C1", "C2"]
