"""`GET /api/v1/attempts/{id}/deadline`: what every open exam page asks every few minutes."""

from datetime import datetime, timedelta

from questionnaire.auth.models import Role
from tests.conftest import login


def start(client, session, candidate) -> tuple[int, str]:
    token = login(client, candidate.email)
    body = client.post(
        f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token}
    ).get_json()
    return body["attempt_id"], body["deadline"]


def test_it_answers_the_status_and_the_deadline_that_extra_time_moves(
    client, make_session, make_user, clock, db
):
    from questionnaire.incidents.services import grant_extra_time

    session, candidate = make_session()
    attempt_id, deadline = start(client, session, candidate)
    url = f"/api/v1/attempts/{attempt_id}/deadline"
    body = client.get(url).get_json()
    # the questions are not in it: asked by every page, it stays small
    assert sorted(body) == ["attempt_id", "deadline", "server_time", "status"]
    assert body["attempt_id"] == attempt_id and body["status"] == "in_progress"
    assert body["deadline"] == deadline
    assert datetime.fromisoformat(body["server_time"]) == clock()

    admin = make_user(Role.ADMIN, email="admin@example.org")
    grant_extra_time(session, 10, "Coupure réseau", admin, clock())
    db.session.commit()
    moved = client.get(url).get_json()["deadline"]
    assert datetime.fromisoformat(moved) - datetime.fromisoformat(deadline) == timedelta(minutes=10)


def test_past_the_deadline_and_its_grace_the_copy_is_closed(client, make_session, clock, app):
    session, candidate = make_session()
    attempt_id, deadline = start(client, session, candidate)
    grace = app.config["GRACE_SECONDS"]
    clock.advance(seconds=(datetime.fromisoformat(deadline) - clock()).total_seconds() + grace + 1)
    body = client.get(f"/api/v1/attempts/{attempt_id}/deadline").get_json()
    assert body["status"] == "expired"


def test_only_its_candidate_reads_it(app, client, make_session, make_user):
    session, candidate = make_session()
    attempt_id, _deadline = start(client, session, candidate)
    url = f"/api/v1/attempts/{attempt_id}/deadline"
    assert app.test_client().get(url).status_code == 401
    other_client = app.test_client()
    login(other_client, make_user(email="other@example.org").email)
    response = other_client.get(url)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
