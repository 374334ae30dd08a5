"""Security headers, per-route body limits, trusted proxies."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from questionnaire import create_app
from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role
from tests.conftest import PASSWORD, form_token, login


def test_pages_forbid_inline_code_framing_and_needless_browser_features(client):
    response = client.get("/connexion")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_production_sends_hsts(monkeypatch, tmp_path):
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QUESTIONNAIRE_DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    app = create_app("production")
    response = app.test_client().get("/connexion", base_url="https://exam.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_an_oversized_save_is_refused_with_413_json(client, make_session):
    session, candidate = make_session()
    token = login(client, candidate.email)
    attempt = client.post(
        f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token}
    ).get_json()
    item_id = attempt["items"][0]["item_id"]
    response = client.put(
        f"/api/v1/attempts/{attempt['attempt_id']}/responses/{item_id}",
        json={"selected": ["A" * 20_000], "seq": 1},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    normal = client.put(
        f"/api/v1/attempts/{attempt['attempt_id']}/responses/{item_id}",
        json={"selected": ["A"], "seq": 1},
        headers={"X-CSRFToken": token},
    )
    assert normal.status_code == 200


def test_an_oversized_login_is_refused(client):
    response = client.post(
        "/api/v1/auth/login", json={"email": "a@example.org", "password": "p" * 10_000}
    )
    assert response.status_code == 413 and response.is_json


def test_the_client_address_comes_from_the_trusted_proxy(app, client, make_user, db):
    make_user(email="cand@example.org")
    headers = {"X-Forwarded-For": "203.0.113.7"}
    client.post(
        "/api/v1/auth/login",
        json={"email": "cand@example.org", "password": PASSWORD},
        headers=headers,
    )
    assert db.session.execute(select(AuditEvent.address)).scalar_one() == "127.0.0.1"


def test_with_one_proxy_the_forwarded_address_is_recorded(monkeypatch, tmp_path):
    from questionnaire.auth.models import Role
    from questionnaire.auth.services import create_user
    from questionnaire.extensions import db
    from tests.conftest import T0

    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QUESTIONNAIRE_PROXY_COUNT", "1")
    app = create_app({"CONFIG": "testing"})
    with app.app_context():
        db.create_all()
        create_user("cand@example.org", PASSWORD, "Cand", [Role.CANDIDATE], T0)
        db.session.commit()
        app.test_client().post(
            "/api/v1/auth/login",
            json={"email": "cand@example.org", "password": PASSWORD},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
        assert db.session.execute(select(AuditEvent.address)).scalar_one() == "203.0.113.7"
        db.session.remove()


def test_nul_characters_are_refused_before_reaching_the_database(client, make_user):
    admin = make_user(Role.ADMIN)
    token = form_token(client, "/connexion")
    page = client.post(
        "/connexion", data={"email": "a\x00@b.fr", "password": "x", "csrf_token": token}
    )
    assert page.status_code == 400 and "Caractère nul interdit" in page.get_data(as_text=True)
    login(client, admin.email)
    assert client.get("/admin/journal?action=auth%00").status_code == 400
    assert client.get("/admin/journal?action=auth.login").status_code == 200
    api = client.get("/api/v1/attempts/1%00")
    assert (api.status_code, api.get_json()["error"]["code"]) == (400, "bad_request")


@pytest.mark.parametrize(
    "body",
    [
        rb'{"email": "a@example.org", "password": "\ud800"}',
        rb'{"email": "\udfff@example.org", "password": "x"}',
        rb'{"email": "a@example.org", "password": "x", "\ud83d": 1}',
    ],
)
def test_half_a_utf16_pair_in_json_is_refused_before_the_hasher_or_the_database(
    client, make_user, body
):
    """JSON may escape half a surrogate pair and Python parses it, but no UTF-8 text holds it."""
    make_user(email="a@example.org")
    response = client.post("/api/v1/auth/login", data=body, content_type="application/json")
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "bad_request")


def test_a_whole_surrogate_pair_is_text_and_half_of_one_in_a_save_is_refused(client, make_session):
    session, candidate = make_session()
    wrong = client.post(
        "/api/v1/auth/login",
        data=b'{"email": "%s", "password": "\\ud83d\\ude00"}' % candidate.email.encode(),
        content_type="application/json",
    )
    assert wrong.status_code == 401
    token = login(client, candidate.email)
    started = client.post(f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token})
    item = started.get_json()["items"][0]["item_id"]
    save = client.put(
        f"/api/v1/attempts/{started.get_json()['attempt_id']}/responses/{item}",
        data=b'{"selected": ["\\udbff"], "seq": 1}',
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert save.status_code == 400


def test_json_nested_deeper_than_the_parser_goes_is_unreadable_json(client, make_session):
    """1,500 brackets (3 kB, within every body limit) made the parser's RecursionError a 500."""
    session, candidate = make_session()
    nested = b"[" * 1500 + b"]" * 1500
    anonymous = client.post(
        "/api/v1/auth/login",
        data=b'{"email": %s, "password": "x"}' % nested,
        content_type="application/json",
    )
    assert (anonymous.status_code, anonymous.get_json()["error"]["code"]) == (400, "invalid_json")
    token = login(client, candidate.email)
    started = client.post(f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token})
    attempt, item = started.get_json()["attempt_id"], started.get_json()["items"][0]["item_id"]
    for inner in (b'"A"', b'"\\ud800"'):
        body = b'{"selected": %s, "seq": 1}' % (b"[" * 1500 + inner + b"]" * 1500)
        save = client.put(
            f"/api/v1/attempts/{attempt}/responses/{item}",
            data=body,
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        assert (save.status_code, save.get_json()["error"]["code"]) == (400, "invalid_json")


def test_pages_for_a_logged_in_user_are_never_cached(client, make_session):
    """A transcript, a data export or a result left in the cache of an exam centre's shared
    computer would be readable by the next person; public pages and static files may be cached."""
    session, candidate = make_session()
    assert "Cache-Control" not in client.get("/connexion").headers
    login(client, candidate.email)
    for url in ("/", f"/sessions/{session.id}", "/mes-donnees", "/mes-donnees/export.json"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("Cache-Control") == "no-store", url
    static = client.get("/static/css/app.css")
    static.close()
    assert static.headers.get("Cache-Control") != "no-store"


def test_an_item_bank_download_with_its_answer_keys_is_not_stored(client, make_user, loaded_bank):
    """send_file says « no-cache » (revalidate, yet keep a copy): the bank must not stay on disk."""
    loaded_bank()
    login(client, make_user(Role.AUTHOR, email="a@example.org").email)
    response = client.get("/echanges/export?theme=fiscalite&format=yaml&status=published")
    assert response.status_code == 200 and b"id: TST-0001" in response.data
    assert response.headers.get("Cache-Control") == "no-store"


def test_the_health_probe_of_a_logged_in_user_is_not_cached_yet_loads_no_user(
    app, client, make_session, db
):
    """The probe the exam page and the load balancer call often: the header comes from the
    session's login claim, so the user is not read from the database only to set it."""
    _session, candidate = make_session()
    login(client, candidate.email)
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with app.app_context():  # a fresh ``g``: no user already loaded, as in production
        response = client.get("/sante")
    assert response.status_code == 200 and response.headers.get("Cache-Control") == "no-store"
    assert statements == ["SELECT 1"]


def test_the_exam_forms_without_javascript_have_the_api_limits(client, make_session):
    """The plain HTML save and submission are the API's twins: a large body is abuse there too."""
    session, candidate = make_session()
    login(client, candidate.email)
    token = form_token(client, f"/sessions/{session.id}")
    started = client.post(f"/sessions/{session.id}", data={"csrf_token": token})
    question = started.headers["Location"]
    review = question.split("/questions/")[0] + "/revue"
    for url, padding in ((question, 20_000), (review, 5_000), (f"/sessions/{session.id}", 5_000)):
        response = client.post(url, data={"csrf_token": token, "padding": "x" * padding})
        assert response.status_code == 413, url
    normal = client.post(question, data={"csrf_token": token, "answer": "A", "action": "next"})
    assert normal.status_code == 302
