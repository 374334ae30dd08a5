"""Two ``questionnaire referentials load`` at once on PostgreSQL (a deployment script and an
operator, two servers started together): neither may end in an integrity error."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.certification import loader
from questionnaire.certification.models import Block, Certification, Competency
from questionnaire.clock import now_utc
from questionnaire.extensions import db
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
