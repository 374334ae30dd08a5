"""An administrator who sets their own password on the account form keeps the session in use."""

from flask import g

from tests.conftest import form_token, login

NEW = "Un-tout-nouveau-secret-42"


def test_setting_ones_own_password_keeps_this_session_and_closes_the_others(client, admin, db):
    elsewhere = client.application.test_client()
    login(elsewhere, admin.email)
    g.pop("csrf_token", None)  # the test's requests share one ``g``: not that login's token
    url = f"/admin/utilisateurs/{admin.id}"
    data = {
        "csrf_token": form_token(client, url),
        "display_name": admin.display_name,
        "roles": ["admin"],
        "active": "y",
        "password": NEW,
    }
    response = client.post(url, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/utilisateurs"
    listing = client.get("/admin/utilisateurs")
    assert listing.status_code == 200
    assert "Compte de admin@example.org modifié." in listing.get_data(as_text=True)
    assert elsewhere.get("/admin/utilisateurs").status_code == 302  # to the login
    db.session.refresh(admin)
    assert not admin.must_change_password
    login(client.application.test_client(), admin.email, NEW)
