"""Configuration: secrets, database URL, debug, cookies."""

import logging
import os

import pytest

from questionnaire import create_app
from questionnaire.config import ConfigurationError


def test_production_requires_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("QUESTIONNAIRE_DATABASE_URL", "postgresql://db/questionnaire")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app("production")


def test_production_requires_a_database_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.delenv("QUESTIONNAIRE_DATABASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="QUESTIONNAIRE_DATABASE_URL"):
        create_app("production")


def test_production_is_secure(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("QUESTIONNAIRE_DATABASE_URL", "postgresql://u@db/questionnaire")
    app = create_app("production")
    assert app.debug is False
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_development_generates_and_keeps_a_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("QUESTIONNAIRE_DATABASE_URL", raising=False)
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    first = create_app("development")
    second = create_app("development")
    assert (
        first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
        and len(first.config["SECRET_KEY"]) == 64
    )
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'questionnaire.db'}"
    assert first.debug is False


def test_unknown_configuration_name():
    with pytest.raises(ConfigurationError):
        create_app("staging")


def test_grace_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QUESTIONNAIRE_GRACE_SECONDS", "45")
    assert create_app("testing").config["GRACE_SECONDS"] == 45


def test_an_install_outside_the_repository_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    import questionnaire

    monkeypatch.setattr(questionnaire, "ROOT", tmp_path)
    with pytest.raises(RuntimeError, match="copie du dépôt"):
        questionnaire.create_app("testing")


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("QUESTIONNAIRE_GRACE_SECONDS", "abc", "un nombre entier"),
        ("QUESTIONNAIRE_LOGIN_LOCKOUT_ATTEMPTS", "cinq", "un nombre entier"),
        ("QUESTIONNAIRE_PASSWORD_HASH_PARAMS", "2,19456", "trois entiers"),
        ("QUESTIONNAIRE_SESSION_IDLE_MINUTES", "-1", "un nombre entier positif ou nul"),
        ("QUESTIONNAIRE_GRACE_SECONDS", "-30", "un nombre entier positif ou nul"),
        ("QUESTIONNAIRE_PROXY_COUNT", "-1", "un nombre entier positif ou nul"),
        # the nightly purge would delete the whole journal or pseudonymise every candidate
        ("QUESTIONNAIRE_RETENTION_AUDIT_DAYS", "0", "un nombre entier supérieur ou égal à 1"),
        ("QUESTIONNAIRE_RETENTION_ACCOUNT_DAYS", "-1825", "un nombre entier supérieur ou égal à 1"),
        # the login limits: lockout per account and address, account ceiling, per address
        ("QUESTIONNAIRE_LOGIN_ACCOUNT_CEILING", "vingt", "un nombre entier supérieur ou égal à 1"),
        ("QUESTIONNAIRE_LOGIN_LOCKOUT_ATTEMPTS", "0", "un nombre entier supérieur ou égal à 1"),
        ("QUESTIONNAIRE_LOGIN_LOCKOUT_MINUTES", "-5", "un nombre entier supérieur ou égal à 1"),
        (
            "QUESTIONNAIRE_LOGIN_FAILURES_PER_ADDRESS",
            "50 par 5 minutes",
            "une limite comme « 50 per 5 minutes »",
        ),
        (
            "QUESTIONNAIRE_LOGIN_CENTRE_FAILURES_PER_ADDRESS",
            "500",
            "une limite comme « 50 per 5 minutes »",
        ),
        # one address alone would lock the account for everyone
        (
            "QUESTIONNAIRE_LOGIN_ACCOUNT_CEILING",
            "5",
            "un nombre supérieur à QUESTIONNAIRE_LOGIN_LOCKOUT_ATTEMPTS, 5",
        ),
    ],
)
def test_a_malformed_variable_is_named_with_the_expected_form(
    monkeypatch, tmp_path, variable, value, expected
):
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=f"{variable} invalide : '{value}'") as error:
        create_app("testing")
    assert expected in str(error.value)


def _production(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("QUESTIONNAIRE_DATABASE_URL", "postgresql://u@db/questionnaire")


def test_production_without_redis_warns_once(monkeypatch, caplog):
    _production(monkeypatch)
    monkeypatch.delenv("QUESTIONNAIRE_REDIS_URL", raising=False)
    with caplog.at_level(logging.WARNING):
        create_app("production")
    [record] = [r for r in caplog.records if "QUESTIONNAIRE_REDIS_URL" in r.getMessage()]
    assert record.levelno == logging.WARNING and "verrouillage" in record.getMessage()


def test_production_with_redis_or_development_does_not_warn(monkeypatch, caplog, tmp_path):
    _production(monkeypatch)
    monkeypatch.setenv("QUESTIONNAIRE_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    with caplog.at_level(logging.WARNING):
        create_app("production")
        monkeypatch.delenv("QUESTIONNAIRE_REDIS_URL")
        create_app("development")
    assert not [r for r in caplog.records if "QUESTIONNAIRE_REDIS_URL" in r.getMessage()]


@pytest.mark.parametrize(
    "weak",
    ["secret", "…", "changeme", "test-secret-key-not-for-production"],
)
def test_production_refuses_a_weak_secret_key(monkeypatch, weak):
    """A guessable key lets anyone sign a session cookie as any user: « SECRET_KEY=… » copied
    from the documentation, « secret », the test suite's own key are refused at start."""
    monkeypatch.setenv("SECRET_KEY", weak)
    monkeypatch.setenv("QUESTIONNAIRE_DATABASE_URL", "postgresql://u@db/questionnaire")
    with pytest.raises(ConfigurationError, match="SECRET_KEY trop faible") as refused:
        create_app("production")
    assert "openssl rand -hex 32" in str(refused.value) and weak not in str(refused.value)


def test_production_accepts_a_generated_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "3f" * 32)  # what « openssl rand -hex 32 » gives: 64 hex
    monkeypatch.setenv("QUESTIONNAIRE_DATABASE_URL", "postgresql://u@db/questionnaire")
    assert create_app("production").config["SECRET_KEY"] == "3f" * 32


@pytest.mark.parametrize("value", ["0,0,0", "2,7,1", "-1,65536,4", "2,19456,0"])
def test_impossible_argon2_parameters_are_refused_at_start(monkeypatch, tmp_path, value):
    """argon2 refuses them only when it hashes: every login of the exam morning would fail."""
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QUESTIONNAIRE_PASSWORD_HASH_PARAMS", value)
    with pytest.raises(ConfigurationError, match="QUESTIONNAIRE_PASSWORD_HASH_PARAMS invalide"):
        create_app("testing")


def test_the_owasp_minimum_argon2_parameters_are_accepted(monkeypatch, tmp_path):
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QUESTIONNAIRE_PASSWORD_HASH_PARAMS", "2,19456,1")
    assert create_app("testing").config["PASSWORD_HASH_PARAMS"] == (2, 19456, 1)


def test_an_unknown_questionnaire_variable_is_reported_at_start(monkeypatch, tmp_path, caplog):
    """A misspelt variable was ignored in silence: the default applied without anyone knowing
    (« QUESTIONNAIRE_SESSION_IDLE_MINUTE=15 » left shared computers logged in for 2 hours)."""
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QUESTIONNAIRE_SESSION_IDLE_MINUTE", "15")
    with caplog.at_level(logging.WARNING, logger="questionnaire.config"):
        create_app("testing")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "Variable d'environnement inconnue, ignorée : QUESTIONNAIRE_SESSION_IDLE_MINUTE "
        "(vouliez-vous dire QUESTIONNAIRE_SESSION_IDLE_MINUTES ?)"
    ]


def test_every_variable_the_code_reads_is_known(monkeypatch, tmp_path, caplog):
    """No warning for the variables the application, gunicorn or the test suite read."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    names = set()
    for folder in ("questionnaire", "tests"):
        for path in (root / folder).rglob("*.py"):
            names |= set(re.findall(r"\"(QUESTIONNAIRE_[A-Z0-9_]+)\"", path.read_text("utf-8")))
    names -= {"QUESTIONNAIRE_SESSION_IDLE_MINUTE"}  # the misspelling of the test above
    for name in names - {"QUESTIONNAIRE_CONFIG", "QUESTIONNAIRE_DATABASE_URL"}:
        monkeypatch.setenv(name, os.environ.get(name, "1"))
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QUESTIONNAIRE_PASSWORD_HASH_PARAMS", "1,1024,1")
    monkeypatch.setenv("QUESTIONNAIRE_LOGIN_FAILURES_PER_ADDRESS", "5 per minute")
    monkeypatch.setenv("QUESTIONNAIRE_LOGIN_CENTRE_FAILURES_PER_ADDRESS", "5 per minute")
    monkeypatch.setenv("QUESTIONNAIRE_LOGIN_CENTRE_NETWORKS", "192.0.2.0/24")
    monkeypatch.setenv("QUESTIONNAIRE_REDIS_URL", "memory://")
    monkeypatch.setenv("QUESTIONNAIRE_LOGIN_ACCOUNT_CEILING", "20")
    with caplog.at_level(logging.WARNING, logger="questionnaire.config"):
        create_app("testing")
    assert [r.getMessage() for r in caplog.records] == []


@pytest.mark.parametrize(
    "url",
    [
        "postgresql//u:s3cretpw@db/q",
        "postgresql://u:s3cretpw@db:port/q",
        "mysql://u:s3cretpw@db/q",
        "db.interne/questionnaire",
    ],
)
def test_a_malformed_database_url_is_refused_clearly_without_its_password(monkeypatch, url):
    """It ended in a SQLAlchemy or driver traceback (« Could not parse SQLAlchemy URL »,
    « No module named 'MySQLdb' »), naming neither the variable nor what was expected."""
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("QUESTIONNAIRE_DATABASE_URL", url)
    with pytest.raises(ConfigurationError, match="QUESTIONNAIRE_DATABASE_URL invalide") as refused:
        create_app("production")
    assert "postgresql://" in str(refused.value) and "s3cretpw" not in str(refused.value)


def test_the_postgres_scheme_is_read_as_postgresql(monkeypatch):
    """« postgres:// » (libpq's other spelling, that of many hosting services) failed with
    « Can't load plugin: sqlalchemy.dialects:postgres »."""
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("QUESTIONNAIRE_DATABASE_URL", "postgres://u:pw@db/questionnaire")
    app = create_app("production")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:pw@db/questionnaire"


@pytest.mark.parametrize("url", ["localhost:6379", "redis//:s3cretpw@cache:6379/0"])
def test_a_malformed_redis_url_is_refused_clearly_without_its_password(monkeypatch, tmp_path, url):
    """It ended in flask-limiter's traceback « unknown storage scheme : redis//:s3cretpw@… »,
    the whole URL with its password printed in the service's log."""
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QUESTIONNAIRE_REDIS_URL", url)
    with pytest.raises(ConfigurationError, match="QUESTIONNAIRE_REDIS_URL invalide") as refused:
        create_app("testing")
    assert "redis://" in str(refused.value) and "s3cretpw" not in str(refused.value)


@pytest.mark.parametrize(
    "url", ["redis://cache:6379/0", "rediss://:pw@cache:6380/1", "redis+sentinel://s:26379/m"]
)
def test_a_redis_url_is_accepted(monkeypatch, tmp_path, url):
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QUESTIONNAIRE_REDIS_URL", url)
    assert create_app("testing").config["RATELIMIT_STORAGE_URI"] == url


def test_production_keeps_sql_parameters_out_of_error_messages(monkeypatch, tmp_path):
    """A failing statement's message (logged with the 500's trace) listed its parameters: an
    e-mail, a password hash, a candidate's answers in the service's log."""
    import sqlalchemy as sa

    from questionnaire.extensions import db

    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("QUESTIONNAIRE_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    app = create_app("production")
    with app.app_context(), pytest.raises(sa.exc.OperationalError) as failed:
        db.session.execute(sa.text("SELECT * FROM nowhere WHERE x = :p"), {"p": "jean@banque.fr"})
    assert "nowhere" in str(failed.value) and "jean@banque.fr" not in str(failed.value)


class _Log:
    def __init__(self):
        self.warnings: list[str] = []

    def warning(self, message, *args):
        self.warnings.append(message % args if args else message)


class _Server:
    def __init__(self):
        self.log = _Log()


@pytest.mark.parametrize("config", [None, "development"])
def test_gunicorn_warns_when_not_started_in_production(monkeypatch, config):
    """An environment file without QUESTIONNAIRE_CONFIG=production served the development
    configuration in silence: cookies without Secure, no check of the secret key."""
    import importlib

    import questionnaire.gunicorn_conf as conf

    if config is None:
        monkeypatch.delenv("QUESTIONNAIRE_CONFIG", raising=False)
    else:
        monkeypatch.setenv("QUESTIONNAIRE_CONFIG", config)
    server = _Server()
    importlib.reload(conf).on_starting(server)
    [warning] = server.log.warnings
    assert "QUESTIONNAIRE_CONFIG=production" in warning and "development" in warning


def test_gunicorn_says_nothing_in_production(monkeypatch):
    import importlib

    import questionnaire.gunicorn_conf as conf

    monkeypatch.setenv("QUESTIONNAIRE_CONFIG", "production")
    server = _Server()
    importlib.reload(conf).on_starting(server)
    assert server.log.warnings == []
