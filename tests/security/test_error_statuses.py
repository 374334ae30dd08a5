"""Every HTTP error gets a page (or JSON) that says what happened: a client error is never
told « Une erreur interne est survenue ; elle a été enregistrée. », which is neither."""

from __future__ import annotations

import pytest
from flask import abort

from tests.conftest import page_text

INTERNAL = "Une erreur interne est survenue"


def test_a_range_past_the_end_of_a_file_is_said_so(client):
    """A download resumed (``Range``) after the file changed: 416, not an internal error."""
    response = client.get("/static/css/app.css", headers={"Range": "bytes=99999999-"})
    text = page_text(response.get_data(as_text=True))
    response.close()
    assert response.status_code == 416
    assert INTERNAL not in text
    assert "La partie demandée du fichier n'existe pas" in text


@pytest.mark.parametrize("path", ["/essai-410", "/api/v1/essai-410"])
def test_a_client_error_without_its_own_message_is_not_called_internal(app, client, path):
    app.add_url_rule(path, path, lambda: abort(410))
    response = client.get(path)
    assert response.status_code == 410
    if path.startswith("/api/"):
        assert response.get_json()["error"] == {
            "code": "bad_request",
            "message": "Requête invalide.",
        }
    else:
        text = page_text(response.get_data(as_text=True))
        assert INTERNAL not in text and "Requête invalide." in text
