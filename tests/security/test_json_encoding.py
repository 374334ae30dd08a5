"""A JSON body is read as UTF-8 only (RFC 8259 § 8.1), like the guards that inspect its bytes.

``json.loads`` guesses UTF-16 or UTF-32 from a body's bytes and lets a lone surrogate encoded
in UTF-8 through, so the request guards (NUL, half a UTF-16 pair: ``security.body_limits``),
which read the UTF-8 bytes, were passed round: the password hasher failed on the surrogate (a
server error), and a NUL reached the database (one on PostgreSQL).
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import PASSWORD, login

INVALID = "Le corps de la requête doit être un objet JSON valide, encodé en UTF-8."


def _login(client, body: bytes):
    return client.post("/api/v1/auth/login", data=body, content_type="application/json")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
@pytest.mark.parametrize(
    "document",
    [
        '{"email": "c@example.org", "password": "\\ud800abc"}',  # half a UTF-16 pair
        '{"email": "c\\u0000@example.org", "password": "abc"}',  # a NUL
        json.dumps({"email": "c@example.org", "password": PASSWORD}),
    ],
    ids=["surrogate", "nul", "valid"],
)
def test_a_json_body_in_another_encoding_than_utf8_is_refused(
    app, client, make_user, encoding, document
):
    app.config["PROPAGATE_UNEXPECTED"] = False
    make_user(email="c@example.org")
    response = _login(client, document.encode(encoding))
    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": "invalid_json", "message": INVALID}
    assert client.get("/api/v1/auth/me").status_code == 401


def test_a_lone_surrogate_encoded_in_the_bytes_is_refused(app, client, make_user, make_session):
    app.config["PROPAGATE_UNEXPECTED"] = False
    make_user(email="c@example.org")
    response = _login(client, b'{"email": "c@example.org", "password": "\xed\xa0\x80abc"}')
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"
    # a save too: its text is stored
    session, candidate = make_session()
    token = login(client, candidate.email)
    attempt = client.post(
        f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token}
    ).get_json()
    item_id = attempt["items"][0]["item_id"]
    saved = client.put(
        f"/api/v1/attempts/{attempt['attempt_id']}/responses/{item_id}",
        data=b'{"selected": ["\xed\xb0\x80"], "seq": 1}',
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert saved.status_code == 400
    assert saved.get_json()["error"]["code"] == "invalid_json"


def test_utf8_with_or_without_a_byte_order_mark_is_read(client, make_user):
    make_user(email="c@example.org")
    document = json.dumps({"email": "c@example.org", "password": PASSWORD}, ensure_ascii=False)
    assert _login(client, document.encode("utf-8-sig")).status_code == 200
    make_user(email="é@example.org")
    accented = json.dumps({"email": "é@example.org", "password": PASSWORD}, ensure_ascii=False)
    assert _login(client, accented.encode()).status_code == 200
