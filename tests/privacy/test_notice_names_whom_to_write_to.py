"""Art. 13-1 a/b: the notice gives the contact details of the controller (or its DPO), so that
a person knows where to ask for rectification or erasure; « adressez-vous au certificateur »
named no one."""

from __future__ import annotations

from questionnaire import create_app
from tests.conftest import login

CONTACT = "dpo@certificateur.example"


def test_the_notice_and_my_data_give_the_configured_address(app, client, make_user):
    app.config["PRIVACY_CONTACT_EMAIL"] = CONTACT
    notice = client.get("/confidentialite").get_data(as_text=True)
    assert f'<a href="mailto:{CONTACT}">{CONTACT}</a>' in notice
    login(client, make_user().email)
    assert f'<a href="mailto:{CONTACT}">{CONTACT}</a>' in client.get("/mes-donnees").get_data(
        as_text=True
    )


def test_without_an_address_the_notice_says_whom_to_ask(client):
    notice = client.get("/confidentialite").get_data(as_text=True)
    assert "mailto:" not in notice
    assert "l'organisme qui vous a inscrit" in notice.replace("&#39;", "'")


def test_the_address_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QUESTIONNAIRE_PRIVACY_CONTACT", CONTACT)
    app = create_app({"CONFIG": "testing"})
    assert app.config["PRIVACY_CONTACT_EMAIL"] == CONTACT
