"""Configuration classes; values from the environment override the defaults."""

from __future__ import annotations

import difflib
import ipaddress
import logging
import os
import secrets
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

logger = logging.getLogger(__name__)


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    DEBUG = False
    TESTING = False
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "questionnaire_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # An exam with extra time can outlast Flask-WTF's default one-hour token.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_HEADERS: ClassVar[list[str]] = ["X-CSRFToken", "X-CSRF-Token"]
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    GRACE_SECONDS = 30
    # argon2 cost parameters (time_cost, memory_cost KiB, parallelism)
    PASSWORD_HASH_PARAMS = (3, 65536, 4)
    QUESTION_BANKS_PATH = str(Path(__file__).resolve().parent.parent / "question_banks")
    # Abuse protection (flask-limiter): counters live in Redis when QUESTIONNAIRE_REDIS_URL is
    # set, so that every process and machine shares them; in memory otherwise.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = "questionnaire"
    # Redis down on an exam morning must not stop candidates logging in: fall back to memory.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Failed logins tolerated for one account from one address (IPv6: one /64) in the window,
    # then that pair is locked: a stranger who fails locks only their own pair.
    LOGIN_LOCKOUT_ATTEMPTS = 5
    LOGIN_LOCKOUT_MINUTES = 15
    # Failed logins tolerated for one account from every address together in the same window,
    # against a distributed attack; above LOGIN_LOCKOUT_ATTEMPTS, so that one address alone
    # never locks the account for everyone.
    LOGIN_ACCOUNT_CEILING = 20
    # Failed logins from one address (an exam centre behind one NAT logs in successfully freely).
    LOGIN_FAILURES_PER_ADDRESS = "50 per 5 minutes"
    # Exam centres' networks (ipaddress networks): logins from them are exempt from the
    # account-wide ceiling, which anyone who fails from a few addresses elsewhere could
    # otherwise reach and so lock a candidate out of the centre on the exam's morning.
    LOGIN_CENTRE_NETWORKS: tuple = ()
    # Failed logins from one address of a declared exam centre: hundreds of candidates behind
    # one NAT make typos, which the general per-address limit would count against the centre.
    LOGIN_CENTRE_FAILURES_PER_ADDRESS = "500 per 5 minutes"
    # Reverse proxies in front of the application whose X-Forwarded-* headers are trusted.
    PROXY_COUNT = 0
    # A session without any request for this long ends (an exam centre's shared computer left
    # logged in); 0 keeps sessions until the browser closes or the user logs out.
    SESSION_IDLE_MINUTES = 120
    # RGPD retention (days): audit log, then candidate accounts without activity.
    RETENTION_AUDIT_DAYS = 365
    RETENTION_ACCOUNT_DAYS = 5 * 365


class DevelopmentConfig(Config):
    """Local use and the demo: SQLite in the instance folder, generated secret."""

    ENV_NAME = "development"
    DEBUG = os.environ.get("FLASK_DEBUG") == "1"


class TestingConfig(Config):
    """The test suite: in-memory SQLite unless a URL is given, cheap hashing."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    PASSWORD_HASH_PARAMS = (1, 1024, 1)
    # tests move the injected clock by hours and days between requests of one client
    SESSION_IDLE_MINUTES = 0


class ProductionConfig(Config):
    """Production: PostgreSQL, secret from the environment, secure cookies."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    # A gunicorn worker serves at most QUESTIONNAIRE_THREADS (4) requests at once, one connection
    # each: 5 + 5 per worker keeps 5 workers at 50 connections, half PostgreSQL's default 100.
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {
        "pool_pre_ping": True,
        "pool_size": 5,
        "max_overflow": 5,
        # a failing statement's message, logged with the 500's trace, names the statement but
        # not its values (e-mail addresses, password hashes, candidates' answers)
        "hide_parameters": True,
    }


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def _hash_params(value: str) -> tuple[int, int, int]:
    """argon2 ``time_cost,memory_cost_kib,parallelism`` (e.g. ``2,19456,1``).

    What argon2 itself refuses, only when it hashes (every login would then fail), is refused
    here: a time or a parallelism under 1, a memory under 8 KiB per lane."""
    time_cost, memory_cost, parallelism = (int(part) for part in value.split(","))
    if time_cost < 1 or parallelism < 1 or memory_cost < 8 * parallelism:
        raise ValueError(value)
    return time_cost, memory_cost, parallelism


def positive_int(value: str) -> int:
    """A whole number of at least 1 (a count or a duration that cannot be zero)."""
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def non_negative_int(value: str) -> int:
    """A whole number of at least 0 (0 turns the setting off)."""
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def _rate_limit(value: str) -> str:
    """A flask-limiter rate such as ``50 per 5 minutes`` (checked now: a malformed one would
    otherwise be skipped at every request, the failure swallowed)."""
    from limits import parse_many

    parse_many(value)
    return value


REDIS_SCHEMES = ("redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster", "memory")


def _redis_url(value: str) -> str:
    """A storage URL flask-limiter reads (checked now: a malformed one ended the start in its
    traceback, which prints the whole URL, password included)."""
    if urlsplit(value).scheme not in REDIS_SCHEMES or "://" not in value:
        raise ValueError("storage URL")
    return value


def _networks(value: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """IP networks separated by commas or spaces (« 192.0.2.0/24, 2001:db8:5::/48 »); an
    address alone is its own network."""
    return tuple(
        ipaddress.ip_network(part, strict=False) for part in value.replace(",", " ").split()
    )


# What a malformed value should have looked like, for the error message (French, for operators).
EXPECTED_FORMS = {
    _networks: "des réseaux séparés par des virgules, par ex. 192.0.2.0/24, 2001:db8:5::/48",
    int: "un nombre entier",
    positive_int: "un nombre entier supérieur ou égal à 1",
    non_negative_int: "un nombre entier positif ou nul (0 : désactivé)",
    _rate_limit: "une limite comme « 50 per 5 minutes »",
    _redis_url: "redis://hôte:6379/0 (ou rediss://, redis+sentinel://…)",
    _hash_params: (
        "trois entiers séparés par des virgules, temps ≥ 1, mémoire en Kio ≥ 8 × parallélisme, "
        "parallélisme ≥ 1, par ex. 2,19456,1"
    ),
}

# Values that may hold a password, which an error message must not repeat.
SECRET_BEARING = frozenset({_redis_url})

# Optional settings read from the environment: (variable, configuration key, type).
ENVIRONMENT_SETTINGS = (
    ("QUESTIONNAIRE_GRACE_SECONDS", "GRACE_SECONDS", non_negative_int),
    ("QUESTIONNAIRE_REDIS_URL", "RATELIMIT_STORAGE_URI", _redis_url),
    ("QUESTIONNAIRE_LOGIN_LOCKOUT_ATTEMPTS", "LOGIN_LOCKOUT_ATTEMPTS", positive_int),
    ("QUESTIONNAIRE_LOGIN_LOCKOUT_MINUTES", "LOGIN_LOCKOUT_MINUTES", positive_int),
    ("QUESTIONNAIRE_LOGIN_ACCOUNT_CEILING", "LOGIN_ACCOUNT_CEILING", positive_int),
    ("QUESTIONNAIRE_LOGIN_FAILURES_PER_ADDRESS", "LOGIN_FAILURES_PER_ADDRESS", _rate_limit),
    ("QUESTIONNAIRE_LOGIN_CENTRE_NETWORKS", "LOGIN_CENTRE_NETWORKS", _networks),
    (
        "QUESTIONNAIRE_LOGIN_CENTRE_FAILURES_PER_ADDRESS",
        "LOGIN_CENTRE_FAILURES_PER_ADDRESS",
        _rate_limit,
    ),
    ("QUESTIONNAIRE_PROXY_COUNT", "PROXY_COUNT", non_negative_int),
    ("QUESTIONNAIRE_SESSION_IDLE_MINUTES", "SESSION_IDLE_MINUTES", non_negative_int),
    # a retention of 0 or fewer days would have the nightly purge delete the whole audit log
    # or pseudonymise every candidate account: refused, like any other malformed value
    ("QUESTIONNAIRE_RETENTION_AUDIT_DAYS", "RETENTION_AUDIT_DAYS", positive_int),
    ("QUESTIONNAIRE_RETENTION_ACCOUNT_DAYS", "RETENTION_ACCOUNT_DAYS", positive_int),
    ("QUESTIONNAIRE_PASSWORD_HASH_PARAMS", "PASSWORD_HASH_PARAMS", _hash_params),
)


# Every QUESTIONNAIRE_* variable something reads: the application (above and below), gunicorn
# (gunicorn_conf.py), the legal pages' contacts, the test suite; any other is a misspelling.
KNOWN_VARIABLES = frozenset(
    {name for name, _key, _cast in ENVIRONMENT_SETTINGS}
    | {
        "QUESTIONNAIRE_CONFIG",
        "QUESTIONNAIRE_DATABASE_URL",
        "QUESTIONNAIRE_INSTANCE_PATH",
        "QUESTIONNAIRE_ACCESSIBILITY_CONTACT",
        "QUESTIONNAIRE_PRIVACY_CONTACT",
        "QUESTIONNAIRE_BIND",
        "QUESTIONNAIRE_WORKERS",
        "QUESTIONNAIRE_THREADS",
        "QUESTIONNAIRE_WORKER_CLASS",
        "QUESTIONNAIRE_WORKER_TIMEOUT",
        "QUESTIONNAIRE_MAX_REQUESTS",
        "QUESTIONNAIRE_FORWARDED_ALLOW_IPS",
        "QUESTIONNAIRE_ACCESS_LOG",
        "QUESTIONNAIRE_LOG_LEVEL",
        "QUESTIONNAIRE_TEST_POSTGRES_URL",
        "QUESTIONNAIRE_TEST_SUITE_DATABASE_URL",
        "QUESTIONNAIRE_E2E_CHROMIUM",
    }
)


def report_unknown_variables() -> None:
    """Warn of each QUESTIONNAIRE_* variable nothing reads (a misspelling leaves the default in
    force without anyone knowing), with the known name it most resembles."""
    for name in sorted(os.environ):
        if not name.startswith("QUESTIONNAIRE_") or name in KNOWN_VARIABLES:
            continue
        close = difflib.get_close_matches(name, KNOWN_VARIABLES, n=1)
        hint = f" (vouliez-vous dire {close[0]} ?)" if close else ""
        logger.warning("Variable d'environnement inconnue, ignorée : %s%s", name, hint)


class ConfigurationError(RuntimeError):
    """The configuration cannot run safely (e.g. no SECRET_KEY in production)."""


def environment_setting(name: str, cast, default=None):
    """The environment variable `name` read by `cast` (one of EXPECTED_FORMS), or `default` when
    it is not set; a malformed value is a ConfigurationError naming the variable and the form
    expected."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return cast(value)
    except ValueError:
        # a URL may hold a password: never repeated, nor chained
        shown = "illisible" if cast in SECRET_BEARING else repr(value)
        raise ConfigurationError(
            f"{name} invalide : {shown} (attendu : {EXPECTED_FORMS[cast]})"
        ) from None


def resolve_config(config: str | type[Config] | dict | None) -> tuple[type[Config], dict]:
    """Return the configuration class and explicit overrides to apply."""
    overrides: dict = {}
    if isinstance(config, dict):
        overrides = dict(config)
        config = overrides.pop("CONFIG", None)
    if config is None:
        config = os.environ.get("QUESTIONNAIRE_CONFIG", "development")
    if isinstance(config, str):
        try:
            config = CONFIGS[config]
        except KeyError as exc:
            raise ConfigurationError(
                f"QUESTIONNAIRE_CONFIG inconnu : {config!r} (attendu : {', '.join(CONFIGS)})"
            ) from exc
    return config, overrides


EXPECTED_DATABASE_URL = "postgresql://utilisateur:mot-de-passe@hôte:5432/base"


def database_url(url: str) -> str:
    """The database URL with psycopg 3, the supported driver, for PostgreSQL (« postgresql:// »
    or libpq's other spelling « postgres:// »); a URL SQLAlchemy cannot read, or of another
    database, is a ConfigurationError that never repeats the URL (it may hold a password)."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            url = "postgresql+psycopg://" + url[len(scheme) :]
    try:
        backend = make_url(url).get_backend_name()
    except (ArgumentError, ValueError):
        raise ConfigurationError(
            f"QUESTIONNAIRE_DATABASE_URL invalide : illisible (attendu : {EXPECTED_DATABASE_URL})"
        ) from None
    if backend not in ("postgresql", "sqlite"):
        raise ConfigurationError(
            f"QUESTIONNAIRE_DATABASE_URL invalide : base « {backend} » non prise en charge "
            f"(attendu : {EXPECTED_DATABASE_URL})"
        )
    return url


def apply_environment(app_config: dict, instance_path: str) -> None:
    """Fill database URL and secret key from the environment or the instance folder."""
    env_name = app_config["ENV_NAME"]
    url = os.environ.get("QUESTIONNAIRE_DATABASE_URL")
    if url and env_name != "testing":
        app_config["SQLALCHEMY_DATABASE_URI"] = url
    if not app_config.get("SQLALCHEMY_DATABASE_URI"):
        if env_name == "production":
            raise ConfigurationError("QUESTIONNAIRE_DATABASE_URL est obligatoire en production.")
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        app_config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(instance_path) / 'questionnaire.db'}"
        )
    app_config["SQLALCHEMY_DATABASE_URI"] = database_url(app_config["SQLALCHEMY_DATABASE_URI"])
    report_unknown_variables()
    for name, key, cast in ENVIRONMENT_SETTINGS:
        if name in os.environ:
            app_config[key] = environment_setting(name, cast)
    ceiling = app_config.get("LOGIN_ACCOUNT_CEILING", Config.LOGIN_ACCOUNT_CEILING)
    attempts = app_config.get("LOGIN_LOCKOUT_ATTEMPTS", Config.LOGIN_LOCKOUT_ATTEMPTS)
    if ceiling <= attempts:
        # one address alone would then lock the account for everyone: the lockout per address
        # would protect nobody
        raise ConfigurationError(
            f"QUESTIONNAIRE_LOGIN_ACCOUNT_CEILING invalide : {str(ceiling)!r} (attendu : un "
            f"nombre supérieur à QUESTIONNAIRE_LOGIN_LOCKOUT_ATTEMPTS, {attempts})"
        )
    secret = os.environ.get("SECRET_KEY")
    if secret:
        app_config["SECRET_KEY"] = secret
    if not app_config.get("SECRET_KEY"):
        if env_name == "production":
            raise ConfigurationError("SECRET_KEY est obligatoire en production.")
        app_config["SECRET_KEY"] = _instance_secret(Path(instance_path))
    if env_name == "production" and _weak_secret(str(app_config["SECRET_KEY"])):
        # whoever guesses the key signs a session cookie as any user (an administrator)
        raise ConfigurationError(
            f"SECRET_KEY trop faible : au moins {SECRET_KEY_MIN_LENGTH} caractères aléatoires, "
            "propres à ce déploiement (par ex. la sortie de « openssl rand -hex 32 »)."
        )
    if env_name == "production" and app_config.get("DEBUG"):
        raise ConfigurationError("Le mode debug est interdit en production.")
    if env_name == "production" and app_config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        # Each gunicorn worker would keep its own counters: the lockout would not hold.
        logger.warning(
            "QUESTIONNAIRE_REDIS_URL n'est pas défini : les compteurs de connexion restent propres "
            "à chaque processus, le verrouillage après échecs n'est pas garanti en production."
        )


SECRET_KEY_MIN_LENGTH = 32


def _weak_secret(secret: str) -> bool:
    """Too short to resist guessing, or a key published with the code (the test suite's)."""
    return len(secret) < SECRET_KEY_MIN_LENGTH or secret == TestingConfig.SECRET_KEY


def _instance_secret(instance_path: Path) -> str:
    """Read the development secret kept in the instance folder, creating it once."""
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    value = secrets.token_hex(32)
    path.write_text(value, encoding="utf-8")
    path.chmod(0o600)
    return value
