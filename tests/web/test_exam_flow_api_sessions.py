"""GET /sessions lists a copy still being written after its session closed to new starts."""

from datetime import timedelta

from tests.conftest import login
from tests.web.test_api import api  # noqa: F401 (fixture)


def _listed(api) -> list[int]:  # noqa: F811
    return [session["id"] for session in api.call("GET", "/api/v1/sessions").get_json()]


def test_a_copy_started_just_before_the_close_can_still_be_found_and_resumed(
    client,
    api,  # noqa: F811
    make_session,
    clock,
):
    # opened 1 hour ago for a day: the close is 23 hours ahead
    session, candidate = make_session(duration=30)
    api.token = login(client, candidate.email)
    clock.now = session.closes_at - timedelta(minutes=1)
    started = api.call("POST", f"/api/v1/sessions/{session.id}/attempt")
    assert started.status_code == 201
    clock.now = session.closes_at + timedelta(minutes=5)  # 24 minutes of the copy left
    # another browser, or the application restarted: the candidate's copy is found again
    api.token = login(client, candidate.email)
    assert _listed(api) == [session.id]
    resumed = api.call("POST", f"/api/v1/sessions/{session.id}/attempt")
    assert resumed.status_code == 200 and resumed.get_json()["status"] == "in_progress"


def test_a_closed_session_is_not_listed_once_the_copy_is_over(
    client,
    api,  # noqa: F811
    make_session,
    clock,
):
    session, candidate = make_session(duration=30)
    api.token = login(client, candidate.email)
    clock.now = session.closes_at - timedelta(minutes=1)
    api.call("POST", f"/api/v1/sessions/{session.id}/attempt")
    clock.now = session.closes_at + timedelta(minutes=40)  # deadline and grace past
    assert _listed(api) == []


def test_a_closed_session_never_started_is_not_listed(client, api, make_session, clock):  # noqa: F811
    session, candidate = make_session()
    api.token = login(client, candidate.email)
    clock.now = session.closes_at
    assert _listed(api) == []
