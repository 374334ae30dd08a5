"""Fixtures and helpers shared by the tests of the login lockout: a candidate to lock, logins
from elsewhere, and a Redis database of the tests' own.

The fixtures reach every test through ``pytest_plugins`` in tests/conftest.py; a module's own
fixture of the same name takes precedence.
"""

from __future__ import annotations

import pytest
import redis

CANDIDATE_EMAIL = "cand@example.org"
STRANGER = "203.0.113.9"
REDIS_URL = "redis://127.0.0.1:6379/14"  # a database of its own, away from real counters


@pytest.fixture
def candidate(make_user):
    return make_user(email=CANDIDATE_EMAIL, name="Camille Candidate")


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    return REDIS_URL


def attempt_login(app, password, address, email=CANDIDATE_EMAIL):
    """A login from somewhere else than the administrator's browser."""
    return app.test_client().post(
        "/api/v1/auth/login",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def lock_from(app, address, failures=5, email=CANDIDATE_EMAIL):
    """`failures` wrong passwords for `email` from `address`, each refused as such."""
    for _ in range(failures):
        assert attempt_login(app, "wrong-password", address, email).status_code == 401
