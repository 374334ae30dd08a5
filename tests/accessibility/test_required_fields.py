"""Required fields say so in words in their label (RGAA 11.10), not only to screen readers."""

from __future__ import annotations

import re

from questionnaire.auth.models import Role
from tests.conftest import login

REQUIRED = '<span class="required">(obligatoire)</span>'


def _label(html: str, field_id: str) -> str:
    return re.search(rf'<label for="{field_id}">(.*?)</label>', html, re.S).group(1)


def test_login_labels_say_both_fields_are_required(client):
    html = client.get("/connexion").get_data(as_text=True)
    assert REQUIRED in _label(html, "email") and REQUIRED in _label(html, "password")


def test_a_form_mixing_required_and_optional_fields_tells_them_apart(client, make_user):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    other = make_user(Role.CANDIDATE, email="cand@example.org")
    login(client, admin.email)
    html = client.get(f"/admin/utilisateurs/{other.id}").get_data(as_text=True)
    assert _label(html, "display_name") == "Nom affiché " + REQUIRED
    assert "obligatoire" not in _label(html, "password")  # empty: the password is kept
    assert re.search(r'<input[^>]*id="display_name"[^>]*required', html)
