"""The ``questionnaire`` commands: banks, finalisation, demo."""

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from questionnaire.attempts.models import Attempt, AttemptStatus
from questionnaire.auth.models import Role, User
from questionnaire.auth.services import find_user_by_email
from questionnaire.exams.models import ExamSession
from tests.conftest import bank_yaml


def test_banks_validate_reports_and_fails_on_errors(app, write_bank):
    runner = app.test_cli_runner()
    good = runner.invoke(args=["banks", "validate", str(write_bank())])
    assert good.exit_code == 0 and "0 erreur(s)" in good.output
    broken = write_bank(
        {"fiscalite.yaml": bank_yaml().replace("    topic: beta\n", "    topic: gamma\n", 1)}
    )
    bad = runner.invoke(args=["banks", "validate", str(broken)])
    assert bad.exit_code == 1
    assert "fiscalite.yaml: TST-0005: [erreur] unknown-topic" in bad.output


def test_banks_load_is_idempotent(app, db, write_bank):
    runner = app.test_cli_runner()
    folder = write_bank()
    first = runner.invoke(args=["banks", "load", str(folder)])
    assert first.exit_code == 0 and "fiscalite : 8 nouveau(x)" in first.output
    second = runner.invoke(args=["banks", "load", str(folder)])
    assert "0 nouveau(x), 0 nouvelle(s) version(s), 8 inchangé(s)" in second.output


def test_banks_load_refuses_a_broken_file(app, db, write_bank):
    folder = write_bank({"fiscalite.yaml": "theme: [unclosed"})
    result = app.test_cli_runner().invoke(args=["banks", "load", str(folder)])
    assert result.exit_code == 1 and "Aucun item chargé" in result.output


def test_finalize_expired_command(app, db, make_session, clock):
    from questionnaire.attempts.services import find_enrolment, start_attempt

    session, candidate = make_session(duration=10)
    attempt, _ = start_attempt(find_enrolment(candidate, session.id), clock(), 30)
    db.session.commit()
    clock.advance(minutes=11)
    runner = app.test_cli_runner()
    assert "1 copie(s) finalisée(s)" in runner.invoke(args=["attempts", "finalize-expired"]).output
    assert "0 copie(s) finalisée(s)" in runner.invoke(args=["attempts", "finalize-expired"]).output
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).status is AttemptStatus.EXPIRED


def test_demo_prepares_accounts_and_open_sessions_idempotently(
    tmp_path, monkeypatch, clock, write_bank
):
    from questionnaire import create_app
    from questionnaire.extensions import db

    themes = {
        f"{slug}.yaml": bank_yaml(slug, topics={"alpha": 12, "beta": 12}, prefix=slug[:4].upper())
        for slug in ("fiscalite", "risques", "reglementation", "rgpd")
    }
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(
        {
            "CONFIG": "testing",
            "CLOCK": clock,
            "QUESTION_BANKS_PATH": str(write_bank(themes)),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.db'}",
        }
    )
    from questionnaire.demo import prepare_demo

    with app.app_context():
        for _ in range(2):
            # the demo uses 20-item forms: the fixture banks carry 24 items in 2 topics
            monkeypatch.setattr(
                "questionnaire.demo.default_blueprint", lambda theme: {"alpha": 10, "beta": 10}
            )
            prepare_demo(clock())
            clock.advance(days=1)
        assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 6
        sessions = db.session.execute(select(ExamSession).order_by(ExamSession.id)).scalars().all()
        assert len(sessions) == 8 and all(s.is_open(clock()) for s in sessions)
        # per theme, a certification session (correction after the close) and a training one
        # (correction at submission, allowed for training only)
        assert (
            sorted((s.purpose.value, s.release_policy.value) for s in sessions)
            == [("certification", "after_close")] * 4 + [("training", "immediate")] * 4
        )
        assert len({s.questionnaire.theme_id for s in sessions if s.is_training}) == 4
        candidate = db.session.execute(
            select(User).where(User.email == "candidat@example.org")
        ).scalar_one()
        assert all(any(e.user_id == candidate.id for e in s.enrolments) for s in sessions)
        assert {s.questionnaire.item_count for s in sessions} == {20}
        assert {s.questionnaire.duration_minutes for s in sessions} == {30}
        # the five shipped referentials, loaded once; the candidate registered once to seed 000
        from questionnaire.certification.services import certifications, enrolments_of

        assert len(certifications()) == 5
        assert [e.certification.slug for e in enrolments_of(candidate)] == [
            "charge-clientele-particuliers"
        ]
        assert find_user_by_email("jury2@example.org").has_role(Role.JURY)
        # an administrator adds a session to a demo questionnaire and a questionnaire of the
        # same title: a later run leaves them alone and reopens only the demo's own sessions
        from questionnaire.exams.services import create_questionnaire, create_session

        extra = create_session(
            sessions[0].questionnaire,
            "Session ajoutée",
            clock(),
            clock() + timedelta(hours=1),
            clock(),
        )
        same_title = create_questionnaire(
            sessions[1].questionnaire.theme,
            sessions[1].questionnaire.title,
            20,
            30,
            clock(),
            blueprint={"alpha": 10, "beta": 10},
        )
        db.session.commit()
        clock.advance(days=200)
        prepare_demo(clock())
        demo_sessions = (
            db.session.execute(
                select(ExamSession).where(ExamSession.title.startswith("Session de démonstration"))
            )
            .scalars()
            .all()
        )
        assert len(demo_sessions) == 4 and all(s.is_open(clock()) for s in demo_sessions)
        assert not extra.is_open(clock())
        assert (
            db.session.execute(
                select(func.count())
                .select_from(ExamSession)
                .where(ExamSession.questionnaire_id == same_title.id)
            ).scalar_one()
            == 0
        )
        db.engine.dispose()


def test_demo_refuses_production(monkeypatch, tmp_path):
    from questionnaire import create_app

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("QUESTIONNAIRE_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    app = create_app("production")
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 2 and "production" in result.output
    assert not (tmp_path / "prod.db").exists() or (tmp_path / "prod.db").stat().st_size == 0


def test_time_left_is_reported_in_minutes(make_session, clock):
    session, _ = make_session(duration=10)
    assert session.closes_at - session.opens_at == timedelta(days=1)


# The ``questionnaire`` console script itself (its group, as cron or an operator runs it).
COMMAND_ENVIRONMENT = (
    "QUESTIONNAIRE_CONFIG",
    "QUESTIONNAIRE_DATABASE_URL",
    "QUESTIONNAIRE_GRACE_SECONDS",
    "QUESTIONNAIRE_REDIS_URL",
    "SECRET_KEY",
    "FLASK_DEBUG",
    "FLASK_RUN_FROM_CLI",
)


@pytest.fixture
def command(tmp_path):
    """Run ``questionnaire ARGS`` with only the given variables set (the runner restores them)."""
    from questionnaire.cli import cli

    def invoke(*args: str, **environment: str):
        env = dict.fromkeys(COMMAND_ENVIRONMENT)
        env["QUESTIONNAIRE_INSTANCE_PATH"] = str(tmp_path / "instance")
        return CliRunner().invoke(cli, list(args), env={**env, **environment})

    return invoke


@pytest.fixture
def production(tmp_path):
    return {
        "QUESTIONNAIRE_CONFIG": "production",
        "SECRET_KEY": "s" * 40,
        "QUESTIONNAIRE_DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
    }


@pytest.fixture
def served(monkeypatch):
    """What the development server would have been asked to serve (it is never started)."""
    calls = []
    monkeypatch.setattr("flask.cli.run_simple", lambda *args, **kwargs: calls.append(kwargs))
    return calls


@pytest.mark.parametrize(
    ("args", "debug"),
    [(("--debug", "run"), None), (("run",), "1"), (("run",), None)],
)
def test_the_development_server_is_refused_in_production(command, production, served, args, debug):
    result = command(*args, **production, FLASK_DEBUG=debug)
    assert result.exit_code == 2, result.output
    assert "gunicorn" in result.stderr and "Traceback" not in result.output
    assert served == []


def test_debug_still_works_in_development(command, served):
    result = command("run", FLASK_DEBUG="1")
    assert result.exit_code == 0, result.output
    assert served[0]["use_debugger"] is True


@pytest.mark.parametrize(
    ("args", "environment", "variable"),
    [
        (("--help",), {"QUESTIONNAIRE_CONFIG": "prod"}, "QUESTIONNAIRE_CONFIG"),
        (
            ("db", "upgrade"),
            {"QUESTIONNAIRE_CONFIG": "production", "QUESTIONNAIRE_DATABASE_URL": "sqlite://"},
            "SECRET_KEY",
        ),
        (
            ("attempts", "finalize-expired"),
            {"QUESTIONNAIRE_GRACE_SECONDS": "abc"},
            "QUESTIONNAIRE_GRACE_SECONDS",
        ),
    ],
)
def test_a_configuration_error_is_one_french_line(command, args, environment, variable):
    result = command(*args, **environment)
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Configuration invalide : ") and variable in line


@pytest.mark.parametrize("args", [("attempts", "finalize-expired"), ("privacy", "purge")])
def test_a_database_without_tables_is_one_french_line(command, args):
    result = command(*args, QUESTIONNAIRE_CONFIG="testing")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Base non initialisée") and "questionnaire db upgrade" in line


def test_a_database_behind_the_code_is_one_french_line_not_a_temporary_failure(command, tmp_path):
    """A column added by a migration not yet applied (here the last one's) is the operator's
    to fix with « db upgrade », not a database that cron may find up again later."""
    import sqlite3

    path = tmp_path / "behind.db"
    url = f"sqlite:///{path}"
    assert command("db", "upgrade", QUESTIONNAIRE_DATABASE_URL=url).exit_code == 0
    with sqlite3.connect(path) as connection:
        connection.execute('ALTER TABLE "user" DROP COLUMN must_change_password')
    result = command("privacy", "purge", QUESTIONNAIRE_DATABASE_URL=url)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Base non initialisée ou pas à jour")
    assert "questionnaire db upgrade" in line


@pytest.mark.parametrize("args", [("attempts", "finalize-expired"), ("privacy", "purge")])
def test_an_unreachable_database_is_one_french_line_and_a_temporary_failure(
    command, args, tmp_path
):
    unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'base.db'}"
    result = command(*args, QUESTIONNAIRE_DATABASE_URL=unreachable)
    assert result.exit_code == 75  # EX_TEMPFAIL: cron may try again
    [line] = result.stderr.splitlines()
    assert line.startswith("Base de données injoignable") and "unable to open" in line
    assert "QUESTIONNAIRE_DATABASE_URL" in line


def test_an_unwritable_output_is_one_french_line(app, loaded_bank, tmp_path):
    loaded_bank()
    runner = app.test_cli_runner()
    missing = tmp_path / "absent" / "dossier"
    for args in (
        ["banks", "export", "--theme", "fiscalite", "--format", "csv", "-o", f"{missing}/x.csv"],
        ["reports", "period", "--theme", "fiscalite", "--from", "2026-03-01", "--to",
         "2026-03-31", "--format", "csv", "-o", f"{missing}/x.zip"],
    ):  # fmt: skip
        result = runner.invoke(args=args)
        assert result.exit_code == 1, result.output
        written = args[-1]
        assert result.stderr == f"Impossible d'écrire {written} : le dossier n'existe pas.\n"
        assert isinstance(result.exception, SystemExit)  # not FileNotFoundError
    assert not missing.exists()


def test_an_unwritable_session_report_is_one_french_line(app, make_session, tmp_path):
    session, _ = make_session()
    result = app.test_cli_runner().invoke(
        args=["reports", "session", str(session.id), "--format", "html", "-o", str(tmp_path)]
    )
    assert result.exit_code == 1, result.output
    assert result.stderr == f"Impossible d'écrire {tmp_path} : c'est un dossier.\n"


@pytest.mark.parametrize(
    ("start", "accepted"),
    [("2026-13-01", False), ("01/13/2026", False), ("hier", False), ("01/03/2026", True)],
)
def test_period_dates_are_checked_in_french(app, loaded_bank, tmp_path, start, accepted):
    loaded_bank()
    args = ["reports", "period", "--theme", "fiscalite", "--from", start, "--to", "2026-03-31",
            "--format", "csv", "-o", str(tmp_path / "p.zip")]  # fmt: skip
    result = app.test_cli_runner().invoke(args=args)
    if accepted:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1
        assert f"Date invalide pour --from : « {start} »" in result.stderr


ENGLISH = (
    " the ",
    " of ",
    " and ",
    "Write ",
    "Check ",
    "Load ",
    "Finalise ",
    "Create ",
    "Compute ",
)


CLICK_ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "[required]", "default:")


def test_every_command_help_is_in_french(tmp_path):
    """Operators read ``--help`` in the interface's language: the platform's commands, Flask's
    (run, shell, routes) and its extensions' (db, limiter), click's own words included. A
    description an upgrade adds in English fails here (add it to cli_help.HELP_TEXTS)."""
    from questionnaire.cli import cli

    env = dict.fromkeys(COMMAND_ENVIRONMENT)
    env["QUESTIONNAIRE_INSTANCE_PATH"] = str(tmp_path / "instance")
    runner = CliRunner()
    paths, seen = [[]], []
    while paths:
        path = paths.pop()
        result = runner.invoke(cli, [*path, "--help"], env=env, prog_name="questionnaire")
        assert result.exit_code == 0, (path, result.output)
        text = result.output
        assert text.startswith(f"Usage : questionnaire {' '.join(path)}".rstrip()), text
        for english in CLICK_ENGLISH + ENGLISH:
            assert english not in text.replace("\n", " "), (path, english, text)
        seen.append(" ".join(path))
        if "Commandes :" in text:
            commands = text.split("Commandes :\n", 1)[1].splitlines()
            paths += [[*path, line.split()[0]] for line in commands if line.startswith("  ")]
    assert {
        "",
        "db",
        "db upgrade",
        "db current",
        "limiter clear",
        "run",
        "shell",
        "routes",
        "banks load",
        "reports period",
        "privacy purge",
    } <= set(seen)
    assert len(seen) >= 40
