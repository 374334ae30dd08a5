"""Property-based fuzzing of the JSON API from its OpenAPI document: never a server error, and
every answer as the document describes it.

A light, bounded version (a few derandomised examples per operation, in-process) that runs in
the test suite; schemathesis generates bodies, parameters and headers from the document. The
candidate is really logged in (with the same User-Agent, which the session's protection binds)
and the attempt and item paths name a real attempt for half the cases, so the bodies reach the
views rather than a 401 or a 404.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from questionnaire.api.openapi import openapi_document
from tests.conftest import PASSWORD

AGENT = "api-fuzz"
COOKIE = "questionnaire_session"

#: Beyond « no server error »: the status is documented, the body and headers are those the
#: document gives for it, a 405 names the allowed methods. (Whether a schema-valid save is
#: accepted is not checked: the option keys it must name are the item's, which no schema says.)
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    allow_header_conformance,
]


@pytest.fixture
def candidate(client, make_session):
    """A logged-in candidate with two started attempts: one takes the saves and flags, the other
    the submission (a first submission would close the attempt the saves go to)."""
    session, candidate = make_session()
    second, _ = make_session(candidate=candidate)
    login = client.post(
        "/api/v1/auth/login",
        json={"email": candidate.email, "password": PASSWORD},
        headers={"User-Agent": AGENT},
    )
    assert login.status_code == 200, login.get_json()
    token = login.get_json()["csrf_token"]
    attempts = [
        client.post(
            f"/api/v1/sessions/{s.id}/attempt",
            headers={"X-CSRFToken": token, "User-Agent": AGENT},
        ).get_json()
        for s in (session, second)
    ]
    session_cookie = client.get_cookie("questionnaire_session").value
    return {"X-CSRFToken": token, "User-Agent": AGENT}, session_cookie, attempts


def aim(case, attempts) -> None:
    """Half the cases (by the generated item id's length) name the real attempt and item."""
    parameters = case.path_parameters or {}
    if "attempt_id" not in parameters:
        return
    generated = str(parameters.get("item_id", ""))
    if len(generated) % 2:
        return
    attempt = attempts[1] if case.path.endswith("/submit") else attempts[0]
    parameters["attempt_id"] = attempt["attempt_id"]
    if "item_id" in parameters:
        parameters["item_id"] = attempt["items"][0]["item_id"]


schema = schemathesis.openapi.from_dict(openapi_document())


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_documented_and_never_a_server_error(case, app, client, candidate):
    headers, session_cookie, attempts = candidate
    aim(case, attempts)
    # the candidate's own session for every case (schemathesis removes, after a call, a cookie
    # it generated from the security scheme, which would log the client out for the next ones)
    if case.cookies:
        case.cookies.pop(COOKIE, None)
    client.set_cookie(COOKIE, session_cookie, domain="localhost")
    # through the test client that logged in: its cookie jar holds the session, and it gives
    # the request the remote address the session's protection expects (a bare werkzeug client,
    # schemathesis's default, gives none)
    case.call_and_validate(
        app=app, session=client, headers={**(case.headers or {}), **headers}, checks=CHECKS
    )
