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


def test_a_port_already_in_use_is_said_in_french_before_anything_is_announced(
    demo_app, monkeypatch
):
    import socket

    def must_not_serve(*args, **kwargs):
        raise AssertionError("the server must not be started")

    monkeypatch.setattr("werkzeug.serving.run_simple", must_not_serve)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = demo_app.test_cli_runner().invoke(args=["demo", "--port", str(port)])
    assert result.exit_code == 1
    assert (
        f"Le port {port} est déjà utilisé par un autre programme : arrêtez-le ou choisissez "
        "un autre port avec --port." in result.output
    )
    assert "Ouvrez" not in result.output


def test_an_unknown_listening_address_is_said_in_french(demo_app, monkeypatch):
    import socket

    def unknown(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr("socket.getaddrinfo", unknown)
    result = demo_app.test_cli_runner().invoke(args=["demo", "--host", "serveur.invalid"])
    assert result.exit_code == 1
    assert "Adresse d'écoute inconnue : « serveur.invalid »." in result.output
    assert "Ouvrez" not in result.output


def test_the_summary_names_the_certification_as_the_readme_does(demo_app, clock):
    from questionnaire.demo import prepare_demo

    summary = prepare_demo(clock())
    assert "candidat inscrit à « Chargé de clientèle particuliers »." in summary
    assert "charge-clientele-particuliers" not in summary
