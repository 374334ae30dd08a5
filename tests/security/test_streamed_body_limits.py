"""Bodies sent without a Content-Length (``Transfer-Encoding: chunked``) have the same limits.

gunicorn (and werkzeug's own server) set ``wsgi.input_terminated`` and pass such a body
de-chunked; werkzeug then cuts it at the limit without a word, so an oversized body was read
truncated: a 400 « JSON invalide » on the API, and on a form the fields before the cut applied.
"""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

import pytest
from gunicorn.http.errors import ChunkMissingTerminator, InvalidChunkSize
from sqlalchemy import func, select

from questionnaire.attempts.models import Response
from questionnaire.auth.models import Role
from tests.conftest import form_token, login, page_text

# what gunicorn gives the application for a chunked request
STREAMED = {"wsgi.input_terminated": True}
NOT_SAVED = "n'a pas été enregistré"
LENGTH_REQUIRED = (
    "La requête doit annoncer la taille de son corps (en-tête Content-Length) : ce serveur ne "
    "lit pas un corps envoyé en morceaux (Transfer-Encoding: chunked). Rien n'a été enregistré."
)


def _streamed(client, method: str, url: str, body: bytes, content_type: str, **headers):
    """A request whose body comes chunked, without Content-Length."""
    return client.open(
        url,
        method=method,
        input_stream=io.BytesIO(body),
        content_type=content_type,
        headers={"Transfer-Encoding": "chunked", **headers},
        environ_overrides=STREAMED,
    )


def _started(client, make_session):
    session, candidate = make_session()
    token = login(client, candidate.email)
    attempt = client.post(
        f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token}
    ).get_json()
    return session, token, attempt


def _stored_responses(db) -> int:
    return db.session.execute(select(func.count()).select_from(Response)).scalar_one()


def test_an_oversized_streamed_save_is_refused_with_413_json(client, make_session, db):
    _session, token, attempt = _started(client, make_session)
    item_id = attempt["items"][0]["item_id"]
    url = f"/api/v1/attempts/{attempt['attempt_id']}/responses/{item_id}"
    body = json.dumps({"selected": ["A"], "seq": 1, "padding": "x" * 20_000}).encode()
    response = _streamed(client, "PUT", url, body, "application/json", **{"X-CSRFToken": token})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert _stored_responses(db) == 0


def test_a_streamed_save_within_the_limit_is_read_whole(client, make_session, db):
    _session, token, attempt = _started(client, make_session)
    item_id = attempt["items"][0]["item_id"]
    url = f"/api/v1/attempts/{attempt['attempt_id']}/responses/{item_id}"
    body = json.dumps({"selected": ["A"], "seq": 1}).encode()
    response = _streamed(client, "PUT", url, body, "application/json", **{"X-CSRFToken": token})
    assert response.status_code == 200, response.get_json()
    assert _stored_responses(db) == 1


def test_a_streamed_login_at_the_limit_passes_and_one_byte_more_is_refused(client, make_user):
    make_user(email="c@example.org")
    document = json.dumps({"email": "c@example.org", "password": "mauvais-mot-de-passe"})
    at_limit = document.encode().ljust(4 * 1024, b" ")  # api.login takes 4 Kio
    answered = _streamed(client, "POST", "/api/v1/auth/login", at_limit, "application/json")
    assert answered.status_code == 401
    over = _streamed(client, "POST", "/api/v1/auth/login", at_limit + b" ", "application/json")
    assert over.status_code == 413
    assert over.get_json()["error"]["code"] == "payload_too_large"


def test_an_oversized_streamed_exam_form_is_refused_and_nothing_saved(client, make_session, db):
    session, _token, _attempt = _started(client, make_session)
    token = form_token(client, f"/sessions/{session.id}")
    question = client.post(f"/sessions/{session.id}", data={"csrf_token": token}).headers[
        "Location"
    ]
    # the fields that count first, then what a cut at the limit (16 Kio) would have dropped
    fields = {"csrf_token": token, "answer": "A", "action": "next", "padding": "x" * 20_000}
    body = urlencode(fields).encode()
    response = _streamed(client, "POST", question, body, "application/x-www-form-urlencoded")
    assert response.status_code == 413
    text = page_text(response.get_data(as_text=True)).replace("&#39;", "'")
    assert "La requête est trop volumineuse." in text
    assert NOT_SAVED in text and "16 Kio au plus" in text
    assert _stored_responses(db) == 0


def test_a_streamed_exam_form_within_the_limit_is_applied(client, make_session, db):
    session, _token, _attempt = _started(client, make_session)
    token = form_token(client, f"/sessions/{session.id}")
    question = client.post(f"/sessions/{session.id}", data={"csrf_token": token}).headers[
        "Location"
    ]
    body = urlencode({"csrf_token": token, "answer": "A", "action": "next"}).encode()
    response = _streamed(client, "POST", question, body, "application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert _stored_responses(db) == 1


def test_an_oversized_streamed_page_form_is_refused_with_the_general_limit(client, make_user):
    make_user(Role.ADMIN, email="admin@example.org")
    login(client, "admin@example.org")
    token = form_token(client, "/admin/utilisateurs/nouveau")
    fields = {
        "csrf_token": token,
        "email": "nouveau@example.org",
        "display_name": "Nouveau",
        "padding": "x" * (2 * 1024 * 1024),
    }
    body = urlencode(fields).encode()
    response = _streamed(
        client, "POST", "/admin/utilisateurs/nouveau", body, "application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    text = page_text(response.get_data(as_text=True)).replace("&#39;", "'")
    assert NOT_SAVED in text and "2 Mio au plus" in text
    assert "nouveau@example.org" not in client.get("/admin/utilisateurs").get_data(as_text=True)


def test_an_oversized_streamed_upload_gets_the_import_page_with_its_limit(
    client, loaded_bank, make_user
):
    loaded_bank()
    make_user(Role.AUTHOR, email="a@example.org")
    login(client, "a@example.org")
    token = form_token(client, "/echanges/")
    boundary = "limite"
    fields = {"csrf_token": token, "theme": "fiscalite", "format": "gift", "topic": ""}
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="banque.gift"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    body += b"x" * (2 * 1024 * 1024 + 1) + f"\r\n--{boundary}--\r\n".encode()
    response = _streamed(
        client, "POST", "/echanges/import", body, f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    text = page_text(response.get_data(as_text=True)).replace("&#39;", "'")
    assert "Fichier trop volumineux : la page accepte 2 Mio au plus" in text


class BrokenChunks(io.RawIOBase):
    """What gunicorn hands over for a chunked body cut short or badly framed: a few bytes, then
    its parser's error."""

    def __init__(self, error: Exception):
        self.sent, self.error = False, error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.sent:
            raise self.error
        self.sent = True
        buffer[:5] = b'{"a":'
        return 5


@pytest.mark.parametrize(
    "error",
    [InvalidChunkSize(b"zz"), ChunkMissingTerminator(b""), OSError("Invalid chunk header")],
    ids=["bad-size", "cut-short", "werkzeug-server"],
)
def test_a_badly_framed_or_cut_streamed_body_is_a_400_not_a_server_error(app, client, error):
    app.config["PROPAGATE_UNEXPECTED"] = False
    response = client.post(
        "/api/v1/auth/login",
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={**STREAMED, "wsgi.input": BrokenChunks(error)},
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "bad_request",
        "message": "Corps de la requête illisible : envoi interrompu ou mal découpé en morceaux "
        "(Transfer-Encoding: chunked). Rien n'a été enregistré : envoyez-le de nouveau.",
    }


def test_a_streamed_body_the_server_cannot_bound_is_refused_as_411(client, make_user):
    """Without ``wsgi.input_terminated`` werkzeug reads such a body as empty: the call failed
    for another reason than its own (« JSON invalide », a CSRF token missing), nothing said."""
    make_user(email="c@example.org")
    body = json.dumps({"email": "c@example.org", "password": "p" * 10}).encode()
    response = client.post(
        "/api/v1/auth/login",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
    )
    assert response.status_code == 411
    assert response.get_json()["error"] == {"code": "length_required", "message": LENGTH_REQUIRED}
    form = client.post(
        "/connexion",
        input_stream=io.BytesIO(b"email=c%40example.org&password=x"),
        content_type="application/x-www-form-urlencoded",
        headers={"Transfer-Encoding": "chunked"},
    )
    assert form.status_code == 411
    assert LENGTH_REQUIRED in page_text(form.get_data(as_text=True)).replace("&#39;", "'")
