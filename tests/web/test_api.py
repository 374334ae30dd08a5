"""JSON API v1: contract, CSRF, errors as JSON, no answer key before release."""

from datetime import datetime, timedelta

import pytest

from questionnaire.exams.models import ReleasePolicy
from tests.conftest import PASSWORD, login


@pytest.fixture
def api(client):
    class Api:
        token = ""

        def call(self, method, url, json=None, token=True):
            headers = {"X-CSRFToken": self.token} if token else {}
            return client.open(url, method=method, json=json, headers=headers)

    return Api()


def correct_keys(app, attempt_id):
    from questionnaire.attempts.models import Attempt
    from questionnaire.extensions import db

    attempt = db.session.get(Attempt, attempt_id)
    return {ai.external_id: sorted(ai.version.correct_keys) for ai in attempt.items}


def test_login_returns_token_and_user(client, make_user):
    user = make_user(email="cand@example.org")
    response = client.post(
        "/api/v1/auth/login", json={"email": "CAND@example.org", "password": PASSWORD}
    )
    body = response.get_json()
    assert response.status_code == 200
    assert body["csrf_token"] and body["user"]["email"] == user.email
    assert body["user"]["roles"] == ["candidate"]
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"email": "cand@example.org", "password": "wrong-password"}, 401, "invalid_credentials"),
        ({"email": "nobody@example.org", "password": PASSWORD}, 401, "invalid_credentials"),
        ({"email": "cand@example.org"}, 422, "invalid_credentials_format"),
        ({"email": "", "password": PASSWORD}, 422, "invalid_credentials_format"),
    ],
)
def test_bad_logins_answer_json_errors(client, make_user, payload, status, code):
    make_user(email="cand@example.org")
    response = client.post("/api/v1/auth/login", json=payload)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]


def test_login_requires_json(client):
    response = client.post("/api/v1/auth/login", data="email=x")
    assert response.status_code == 415 and response.is_json


def test_unauthenticated_calls_get_401_json_not_a_redirect(client):
    for method, url in [
        ("GET", "/api/v1/sessions"),
        ("POST", "/api/v1/sessions/1/attempt"),
        ("GET", "/api/v1/attempts/1"),
        ("PUT", "/api/v1/attempts/1/responses/X"),
    ]:
        response = client.open(url, method=method, json={})
        # without a session, the refusal says so, before any CSRF check (the document's 401)
        assert response.status_code == 401, (url, response.status_code)
        assert response.get_json()["error"]["code"] == "unauthenticated"


def test_a_logged_in_call_without_its_csrf_token_is_refused_400(client, api, make_session):
    session, candidate = make_session()
    login(client, candidate.email)
    response = api.call("POST", f"/api/v1/sessions/{session.id}/attempt", token=False)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("DELETE", "/api/v1/sessions", {"GET", "HEAD", "OPTIONS"}),
        ("TRACE", "/api/v1/auth/login", {"POST", "OPTIONS"}),
        ("PUT", "/connexion", {"GET", "HEAD", "OPTIONS", "POST"}),
    ],
)
def test_a_method_not_served_answers_405_with_the_allowed_ones(client, method, url, allowed):
    response = client.open(url, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == allowed


def test_a_body_member_the_document_does_not_declare_is_refused(client, api, make_session):
    session, candidate = make_session()
    typo = client.post(
        "/api/v1/auth/login",
        json={"email": candidate.email, "password": PASSWORD, "remember": True},
    )
    assert typo.status_code == 422
    error = typo.get_json()["error"]
    assert error["code"] == "unknown_fields" and "« remember »" in error["message"]
    api.token = login(client, candidate.email)
    body = api.call("POST", f"/api/v1/sessions/{session.id}/attempt").get_json()
    item = body["items"][0]["item_id"]
    url = f"/api/v1/attempts/{body['attempt_id']}"
    extra = api.call("PUT", f"{url}/responses/{item}", {"selected": [], "seq": 1, "sequence": 2})
    assert extra.status_code == 422 and "« sequence »" in extra.get_json()["error"]["message"]
    flag = api.call("PUT", f"{url}/flags/{item}", {"flagged": True, "note": "x"})
    assert flag.status_code == 422
    # JSON has one number type: 3.0 is the integer 3, as the document's schema says
    saved = api.call("PUT", f"{url}/responses/{item}", {"selected": [], "seq": 3.0})
    assert saved.status_code == 200 and saved.get_json()["seq"] == 3
    half = api.call("PUT", f"{url}/responses/{item}", {"selected": [], "seq": 3.5})
    assert half.status_code == 422


def test_full_candidate_path(client, api, make_session, clock, app):
    session, candidate = make_session(release=ReleasePolicy.IMMEDIATE)
    api.token = login(client, candidate.email)
    sessions = api.call("GET", "/api/v1/sessions").get_json()
    assert sessions == [
        {
            "id": session.id,
            "title": "Session test",
            "theme": "fiscalite",
            "purpose": "training",  # « dès la remise » is for training sessions only
            "opens_at": sessions[0]["opens_at"],
            "closes_at": sessions[0]["closes_at"],
            "duration_minutes": 30,
            "extra_time_percent": 0,
            "incident_minutes": 0,
            "item_count": 2,
            "pass_mark": 0.6,
        }
    ]
    started = api.call("POST", f"/api/v1/sessions/{session.id}/attempt")
    assert started.status_code == 201
    body = started.get_json()
    assert set(body) >= {"attempt_id", "deadline", "server_time", "items", "responses"}
    assert body["responses"] == {}
    attempt_id = body["attempt_id"]
    keys = correct_keys(app, attempt_id)
    first = body["items"][0]
    assert set(first) >= {"item_id", "position", "stem", "multiple", "options"}
    assert all(set(option) == {"key", "text"} for option in first["options"])

    saved = api.call(
        "PUT",
        f"/api/v1/attempts/{attempt_id}/responses/{first['item_id']}",
        json={"selected": keys[first["item_id"]], "seq": 1},
    )
    assert saved.status_code == 200 and saved.get_json()["seq"] == 1

    resumed = api.call("POST", f"/api/v1/sessions/{session.id}/attempt")
    assert resumed.status_code == 200
    assert resumed.get_json()["attempt_id"] == attempt_id
    assert resumed.get_json()["responses"] == {first["item_id"]: keys[first["item_id"]]}

    submitted = api.call("POST", f"/api/v1/attempts/{attempt_id}/submit")
    result = submitted.get_json()
    assert submitted.status_code == 200
    assert (
        result["score"],
        result["max_score"],
        result["percent"],
        result["passed"],
        result["pass_mark"],
    ) == (
        1,
        2,
        50.0,
        False,
        0.6,
    )
    assert api.call("POST", f"/api/v1/attempts/{attempt_id}/submit").get_json() == result
    state = api.call("GET", f"/api/v1/attempts/{attempt_id}").get_json()
    assert state["status"] == "submitted" and state["result"]["score"] == 1
    assert {c["item_id"]: c["correct_keys"] for c in state["result"]["correction"]} == keys


def test_exactly_sixty_percent_passes_and_just_below_fails(
    client, api, make_session, loaded_bank, app, clock
):
    from tests.conftest import bank_yaml

    theme = loaded_bank(bank_yaml(topics={"alpha": 10, "beta": 10}))
    outcomes = {}
    for right in (3, 2):
        session, candidate = make_session(
            item_count=5, blueprint={"alpha": 3, "beta": 2}, theme=theme
        )
        api.token = login(client, candidate.email)
        body = api.call("POST", f"/api/v1/sessions/{session.id}/attempt").get_json()
        keys = correct_keys(app, body["attempt_id"])
        for n, item in enumerate(body["items"]):
            good = keys[item["item_id"]]
            wrong = [o["key"] for o in item["options"] if o["key"] not in good][:1]
            api.call(
                "PUT",
                f"/api/v1/attempts/{body['attempt_id']}/responses/{item['item_id']}",
                json={"selected": good if n < right else wrong, "seq": 1},
            )
        outcomes[right] = api.call(
            "POST", f"/api/v1/attempts/{body['attempt_id']}/submit"
        ).get_json()
        client.post("/api/v1/auth/logout", headers={"X-CSRFToken": api.token})
    assert (outcomes[3]["score"], outcomes[3]["percent"], outcomes[3]["passed"]) == (3, 60.0, True)
    assert (outcomes[2]["score"], outcomes[2]["percent"], outcomes[2]["passed"]) == (2, 40.0, False)


def test_save_errors(client, api, make_session, clock, app):
    session, candidate = make_session()
    api.token = login(client, candidate.email)
    body = api.call("POST", f"/api/v1/sessions/{session.id}/attempt").get_json()
    attempt_id = body["attempt_id"]
    single = next(i for i in body["items"] if not i["multiple"])
    url = f"/api/v1/attempts/{attempt_id}/responses/{single['item_id']}"
    cases = [
        ({"selected": ["Z"], "seq": 1}, 422, "invalid_selection"),
        ({"selected": ["A", "B"], "seq": 1}, 422, "invalid_selection"),
        ({"selected": "A", "seq": 1}, 422, "invalid_selection"),
        ({"selected": ["A"], "seq": -1}, 422, "invalid_seq"),
        ({"selected": ["A"], "seq": "1"}, 422, "invalid_seq"),
        ({"selected": ["A"], "seq": 2**60}, 422, "invalid_seq"),
        ({"selected": ["A"], "seq": 2**53}, 422, "invalid_seq"),  # above the document's maximum
    ]
    for payload, status, code in cases:
        response = api.call("PUT", url, json=payload)
        assert (response.status_code, response.get_json()["error"]["code"]) == (status, code), (
            payload
        )
    unknown = api.call(
        "PUT", f"/api/v1/attempts/{attempt_id}/responses/NOPE-1", json={"selected": [], "seq": 1}
    )
    assert unknown.status_code == 404
    # out-of-order and duplicate saves are acknowledged without effect
    assert api.call("PUT", url, json={"selected": ["A"], "seq": 7}).get_json()["seq"] == 7
    late = api.call("PUT", url, json={"selected": ["B"], "seq": 6})
    assert late.status_code == 200 and late.get_json() == {
        **late.get_json(),
        "seq": 7,
        "applied": False,
    }
    state = api.call("GET", f"/api/v1/attempts/{attempt_id}").get_json()
    assert state["responses"][single["item_id"]] == ["A"]


def test_save_after_deadline_and_grace_is_409(client, api, make_session, clock, app):
    session, candidate = make_session(duration=10)
    api.token = login(client, candidate.email)
    body = api.call("POST", f"/api/v1/sessions/{session.id}/attempt").get_json()
    url = f"/api/v1/attempts/{body['attempt_id']}/responses/{body['items'][0]['item_id']}"
    clock.advance(minutes=10, seconds=30)
    assert api.call("PUT", url, json={"selected": ["A"], "seq": 1}).status_code == 200
    clock.advance(seconds=1)
    late = api.call("PUT", url, json={"selected": ["B"], "seq": 2})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "attempt_closed"
    state = api.call("GET", f"/api/v1/attempts/{body['attempt_id']}").get_json()
    assert state["status"] == "expired" and state["responses"][body["items"][0]["item_id"]] == ["A"]


def test_state_changes_require_the_csrf_header(client, api, make_session):
    session, candidate = make_session()
    api.token = login(client, candidate.email)
    response = api.call("POST", f"/api/v1/sessions/{session.id}/attempt", token=False)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"


def test_another_candidates_attempt_is_404(client, api, make_session, make_user):
    session, candidate = make_session()
    api.token = login(client, candidate.email)
    attempt_id = api.call("POST", f"/api/v1/sessions/{session.id}/attempt").get_json()["attempt_id"]
    client.post("/api/v1/auth/logout", headers={"X-CSRFToken": api.token})
    intruder = make_user()
    api.token = login(client, intruder.email)
    assert api.call("GET", f"/api/v1/attempts/{attempt_id}").status_code == 404
    assert api.call("POST", f"/api/v1/attempts/{attempt_id}/submit").status_code == 404
    save = api.call(
        "PUT", f"/api/v1/attempts/{attempt_id}/responses/TST-0001", json={"selected": [], "seq": 1}
    )
    assert save.status_code == 404
    flag = api.call("PUT", f"/api/v1/attempts/{attempt_id}/flags/TST-0001", json={"flagged": True})
    assert flag.status_code == 404
    assert api.call("POST", f"/api/v1/sessions/{session.id}/attempt").status_code == 404


def test_no_answer_key_before_release(client, api, make_session, app, clock):
    session, candidate = make_session(release=ReleasePolicy.AFTER_CLOSE)
    api.token = login(client, candidate.email)
    started = api.call("POST", f"/api/v1/sessions/{session.id}/attempt")
    raw = started.get_data(as_text=True)
    for forbidden in ("correct", "is_correct", "rationale", "Justification", "CGI"):
        assert forbidden not in raw
    attempt_id = started.get_json()["attempt_id"]
    submitted = api.call("POST", f"/api/v1/attempts/{attempt_id}/submit").get_data(as_text=True)
    assert "correct_keys" not in submitted
    state = api.call("GET", f"/api/v1/attempts/{attempt_id}").get_json()
    assert state["result"]["correction_released"] is False and "correction" not in state["result"]
    clock.now = session.closes_at + timedelta(seconds=1)
    state = api.call("GET", f"/api/v1/attempts/{attempt_id}").get_json()
    assert (
        state["result"]["correction_released"] is True and len(state["result"]["correction"]) == 2
    )


def test_openapi_document_is_valid_and_covers_the_routes(client, app, make_user):
    from openapi_spec_validator import validate

    login(client, make_user().email)
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    api_rules = {
        rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
    }
    assert api_rules == set(document["paths"])
    # any call may meet the database out of reach: each operation says to send it again
    for operations in document["paths"].values():
        for operation in operations.values():
            unavailable = operation["responses"]["503"]
            assert "Retry-After" in unavailable["headers"]


def test_unknown_api_route_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_no_answer_key_while_a_candidate_with_extra_time_is_still_composing(
    client, api, make_session, make_user, clock, db
):
    """The pentest's scenario: close and publish while a 100 % extra-time copy is running."""
    from questionnaire.admin.services import AdminError, close_session, release_correction
    from questionnaire.exams.services import enrol

    session, slow = make_session(release=ReleasePolicy.MANUAL, extra=100)
    fast = make_user()
    enrol(session, fast, clock())
    db.session.commit()
    api.token = login(client, slow.email)
    late = api.call("POST", f"/api/v1/sessions/{session.id}/attempt").get_json()
    client.post("/api/v1/auth/logout", headers={"X-CSRFToken": api.token})
    api.token = login(client, fast.email)
    mine = api.call("POST", f"/api/v1/sessions/{session.id}/attempt").get_json()["attempt_id"]
    api.call("POST", f"/api/v1/attempts/{mine}/submit")
    clock.advance(minutes=40)
    close_session(session, clock())
    with pytest.raises(AdminError, match="copie en cours"):
        release_correction(session, clock(), app_grace(client))
    db.session.commit()
    result = api.call("GET", f"/api/v1/attempts/{mine}").get_json()["result"]
    assert result["correction_released"] is False and "correction" not in result
    clock.now = session.closes_at + timedelta(minutes=25)  # the late copy still runs
    assert "correction" not in api.call("GET", f"/api/v1/attempts/{mine}").get_json()["result"]
    clock.now = datetime.fromisoformat(late["deadline"]) + timedelta(seconds=app_grace(client) + 1)
    release_correction(session, clock(), app_grace(client))
    db.session.commit()
    result = api.call("GET", f"/api/v1/attempts/{mine}").get_json()["result"]
    assert result["correction_released"] is True and len(result["correction"]) == 2


def test_after_close_keys_wait_for_the_last_copy(client, api, make_session, make_user, clock, db):
    from questionnaire.admin.services import close_session
    from questionnaire.attempts.services import find_enrolment, start_attempt
    from questionnaire.exams.services import enrol

    session, slow = make_session(release=ReleasePolicy.AFTER_CLOSE, extra=100)
    running, _ = start_attempt(find_enrolment(slow, session.id), clock(), 30)
    fast = make_user()
    enrol(session, fast, clock())
    db.session.commit()
    api.token = login(client, fast.email)
    mine = api.call("POST", f"/api/v1/sessions/{session.id}/attempt").get_json()["attempt_id"]
    api.call("POST", f"/api/v1/attempts/{mine}/submit")
    clock.advance(minutes=10)
    close_session(session, clock())
    db.session.commit()
    result = api.call("GET", f"/api/v1/attempts/{mine}").get_json()["result"]
    assert result["correction_released"] is False and "correction" not in result
    clock.now = running.deadline + timedelta(seconds=app_grace(client) + 1)
    assert api.call("GET", f"/api/v1/attempts/{mine}").get_json()["result"]["correction_released"]


def app_grace(client) -> int:
    return client.application.config["GRACE_SECONDS"]


def test_the_sessions_of_a_theme_outside_the_shipped_four_conform_to_the_document(
    client, api, make_session, loaded_bank
):
    """Banks may bring any theme (its slug is the file's name): the document listed only the
    four shipped ones, so a session of another theme broke a client checking its schema."""
    import jsonschema

    from questionnaire.api.openapi import SCHEMAS
    from tests.conftest import bank_yaml

    _session, candidate = make_session(theme=loaded_bank(bank_yaml("credit"), theme="credit"))
    api.token = login(client, candidate.email)
    sessions = api.call("GET", "/api/v1/sessions").get_json()
    assert [s["theme"] for s in sessions] == ["credit"]
    jsonschema.validate(sessions[0], SCHEMAS["Session"])


def test_a_copy_whose_every_question_was_neutralised_answers_its_percent_as_a_number(
    client, api, make_session, make_user, clock, db
):
    """0 out of 0: the submission said « percent: null », which the document does not allow,
    where the copy's state says 0.0."""
    import jsonschema

    from questionnaire.api.openapi import SCHEMAS
    from questionnaire.attempts.grading import neutralise_item
    from questionnaire.attempts.models import Attempt
    from questionnaire.auth.models import Role

    session, candidate = make_session()
    api.token = login(client, candidate.email)
    attempt_id = api.call("POST", f"/api/v1/sessions/{session.id}/attempt").get_json()["attempt_id"]
    for attempt_item in db.session.get(Attempt, attempt_id).items:
        neutralise_item(attempt_item.version, session, make_user(Role.ADMIN), "Erreur", clock())
    db.session.commit()

    submitted = api.call("POST", f"/api/v1/attempts/{attempt_id}/submit").get_json()

    assert (submitted["score"], submitted["max_score"], submitted["percent"]) == (0, 0, 0.0)
    jsonschema.validate(submitted, SCHEMAS["SubmitResult"])
    state = api.call("GET", f"/api/v1/attempts/{attempt_id}").get_json()
    assert state["result"]["percent"] == 0.0
