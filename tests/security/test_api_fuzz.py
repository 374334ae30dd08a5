"""Property-based fuzzing of the JSON API from its OpenAPI document: never a server error.

A light, bounded version (a few derandomised examples per operation, in-process) that runs in
the test suite; schemathesis generates bodies, parameters and headers from the document.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from questionnaire.api.openapi import openapi_document
from tests.conftest import login


@pytest.fixture
def candidate_headers(client, make_session):
    """A logged-in candidate with a started attempt, so that some generated ids exist."""
    session, candidate = make_session()
    token = login(client, candidate.email)
    client.post(f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token})
    cookie = client.get_cookie("questionnaire_session")
    return {"Cookie": f"questionnaire_session={cookie.value}", "X-CSRFToken": token}


schema = schemathesis.openapi.from_dict(openapi_document())


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_answers_a_server_error(case, app, candidate_headers):
    headers = {**(case.headers or {}), **candidate_headers}
    response = case.call(app=app, headers=headers)
    assert response.status_code < 500, (case.method, case.path, response.status_code)
