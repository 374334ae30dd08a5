"""``questionnaire demo`` run again: what an administrator set on the demo's rows stays."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaire.auth.models import User
from questionnaire.exams.models import Enrolment
from tests.conftest import bank_yaml


@pytest.fixture
def demo_app(tmp_path, monkeypatch, clock, write_bank):
    """An application on a file database with four small banks (20-item demo forms)."""
    from questionnaire import create_app

    themes = {
        f"{slug}.yaml": bank_yaml(slug, topics={"alpha": 12, "beta": 12}, prefix=slug[:4].upper())
        for slug in ("fiscalite", "risques", "reglementation", "rgpd")
    }
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setattr(
        "questionnaire.demo.default_blueprint", lambda theme: {"alpha": 10, "beta": 10}
    )
    app = create_app(
        {
            "CONFIG": "testing",
            "CLOCK": clock,
            "QUESTION_BANKS_PATH": str(write_bank(themes)),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.db'}",
        }
    )
    with app.app_context():
        yield app
        from questionnaire.extensions import db

        db.session.remove()
        db.engine.dispose()


def candidate_enrolments():
    from questionnaire.extensions import db

    return (
        db.session.execute(
            select(Enrolment)
            .join(User)
            .where(User.email == "candidat@example.org")
            .order_by(Enrolment.id)
        )
        .scalars()
        .all()
    )


def test_a_second_run_keeps_the_candidates_extra_time_and_accommodation(demo_app, clock):
    from questionnaire.demo import prepare_demo
    from questionnaire.extensions import db

    prepare_demo(clock())
    first = candidate_enrolments()
    # an administrator tries the accommodation screens on the demo candidate
    first[0].extra_time_percent, first[0].accommodation_note = 33, "Tiers temps (MDPH)"
    db.session.commit()
    ids = [e.id for e in first]
    clock.advance(days=1)

    prepare_demo(clock())

    db.session.expire_all()
    again = candidate_enrolments()
    assert [e.id for e in again] == ids  # nothing new
    assert (again[0].extra_time_percent, again[0].accommodation_note) == (33, "Tiers temps (MDPH)")
    assert [e.extra_time_percent for e in again[1:]] == [0] * 7
