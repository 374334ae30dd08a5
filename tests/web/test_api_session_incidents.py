"""GET /api/v1/sessions gives the minutes granted to the whole session after an incident."""

from __future__ import annotations

import jsonschema
from sqlalchemy import select

from questionnaire.api.openapi import openapi_document
from questionnaire.auth.models import Role
from questionnaire.exams.models import Enrolment
from questionnaire.incidents.services import grant_extra_time
from tests.conftest import login


def sessions_schema(app) -> dict:
    """The list answer's schema from the served document, its references resolvable."""
    with app.test_request_context():
        document = openapi_document()
    answer = document["paths"]["/sessions"]["get"]["responses"]["200"]
    return {**answer["content"]["application/json"]["schema"], "components": document["components"]}


def test_the_sessions_list_gives_the_incident_minutes_of_each_session(
    app, client, make_session, make_user, loaded_bank, db, clock
):
    theme = loaded_bank()
    struck, candidate = make_session(theme=theme, extra=33)
    calm, _ = make_session(theme=theme, candidate=candidate)
    admin = make_user(Role.ADMIN)
    grant_extra_time(struck, 10, "Coupure du réseau", admin, clock())
    grant_extra_time(struck, 5, "Coupure du réseau, encore", admin, clock())
    db.session.commit()
    login(client, candidate.email)
    answer = client.get("/api/v1/sessions").get_json()
    by_id = {session["id"]: session for session in answer}
    assert by_id[struck.id]["incident_minutes"] == 15  # the sum of the grants, in minutes
    assert by_id[struck.id]["extra_time_percent"] == 33  # the candidate's own, apart
    assert by_id[calm.id]["incident_minutes"] == 0
    jsonschema.validate(answer, sessions_schema(app))


def test_the_document_requires_the_incident_minutes_as_a_whole_number(app):
    schema = sessions_schema(app)
    session = schema["components"]["schemas"]["Session"]
    assert "incident_minutes" in session["required"]
    assert session["properties"]["incident_minutes"]["type"] == "integer"
    without = {
        "id": 1,
        "title": "Session",
        "theme": "fiscalite",
        "purpose": "certification",
        "opens_at": "2026-03-02T08:00:00Z",
        "closes_at": "2026-03-02T10:00:00Z",
        "duration_minutes": 30,
        "item_count": 2,
        "pass_mark": 0.6,
    }
    try:
        jsonschema.validate([without], schema)
    except jsonschema.ValidationError as refused:
        assert "incident_minutes" in refused.message
    else:
        raise AssertionError("a session without incident_minutes passed the document")
    jsonschema.validate([{**without, "incident_minutes": 0}], schema)


def test_a_grant_to_another_session_does_not_count(
    client, make_session, make_user, loaded_bank, db, clock
):
    theme = loaded_bank()
    mine, candidate = make_session(theme=theme)
    other, _ = make_session(theme=theme)
    grant_extra_time(other, 20, "Panne électrique", make_user(Role.ADMIN), clock())
    db.session.commit()
    assert db.session.execute(select(Enrolment).where(Enrolment.session_id == mine.id)).first()
    login(client, candidate.email)
    (listed,) = client.get("/api/v1/sessions").get_json()
    assert (listed["id"], listed["incident_minutes"]) == (mine.id, 0)
