"""The erasure page shows the account found before erasing it: an address mistyped by one letter
(« h.dupont » for « h.dupond ») must not erase another person for good."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from questionnaire.auth.models import Role, User
from questionnaire.privacy.models import Erasure
from tests.conftest import form_token, page_text

URL = "/admin/rgpd/effacement"


def erase_through_the_form(client, email: str, reason: str = "Demande écrite du 3 mars"):
    """Both steps of the page: check the account, then confirm; the last response."""
    shown = client.post(
        URL, data={"email": email, "reason": reason, "csrf_token": form_token(client, URL)}
    )
    if shown.status_code != 200:
        return shown
    account = re.search(r'name="account"[^>]*value="(\d+)"', shown.get_data(as_text=True))
    assert account, "the checked account is carried to the second step"
    return client.post(
        URL,
        data={
            "email": email,
            "reason": reason,
            "account": account.group(1),
            "confirm": "y",
            "csrf_token": form_token(client, URL),
        },
    )


def _post(client, **data):
    return client.post(URL, data={"csrf_token": form_token(client, URL), **data})


def test_the_first_submission_shows_the_account_and_erases_nothing(
    client, admin, make_session, make_user, db
):
    candidate = make_user(email="h.dupond@example.org", name="Hélène Dupond")
    make_session(candidate=candidate)
    # the box ticked at once changes nothing: it is asked for once the account is shown
    response = _post(client, email="h.dupond@example.org", reason="Demande du 3 mars", confirm="y")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = page_text(page)
    assert "Compte à effacer : vérifiez qu'il s'agit bien de la personne" in text
    assert "Nom Hélène Dupond" in text and "Adresse électronique h.dupond@example.org" in text
    assert "Rôles Candidat" in text and "Copies (conservées sous le pseudonyme) 0" in text
    assert "dont le compte sera désinscrit « Session test »" in text
    # focused on load (no script needed), as an error summary is: the next thing to read
    assert (
        '<section aria-labelledby="account-title" class="notice" tabindex="-1" autofocus>' in page
    )
    assert f'value="{candidate.id}"' in page
    assert 'id="confirm"' in page and "checked" not in unescape(page).split('id="confirm"')[1][:40]
    db.session.expire_all()
    assert db.session.get(User, candidate.id).active
    assert db.session.execute(select(Erasure)).first() is None


def test_the_second_submission_erases_the_account_shown(client, admin, make_user, db):
    candidate = make_user(email="h.dupond@example.org", name="Hélène Dupond")
    response = erase_through_the_form(client, candidate.email)
    assert response.status_code == 302
    assert db.session.execute(select(Erasure.user_id)).scalar_one() == candidate.id


def test_another_address_at_the_second_step_is_shown_first(client, admin, make_user, db):
    shown = make_user(email="h.dupond@example.org", name="Hélène Dupond")
    other = make_user(email="h.dupont@example.org", name="Henri Dupont")
    response = _post(
        client,
        email=other.email,
        reason="Demande du 3 mars",
        account=str(shown.id),
        confirm="y",
    )
    assert response.status_code == 200
    assert "Nom Henri Dupont" in page_text(response.get_data(as_text=True))
    assert db.session.execute(select(Erasure)).first() is None


def test_the_second_step_without_the_box_says_so_and_shows_the_account_again(
    client, admin, make_user, db
):
    candidate = make_user(email="h.dupond@example.org", name="Hélène Dupond")
    response = _post(
        client, email=candidate.email, reason="Demande du 3 mars", account=str(candidate.id)
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<a href="#confirm">Cochez la case de confirmation de l&#39;effacement.</a>' in page
    assert "Nom Hélène Dupond" in page_text(page)
    assert db.session.execute(select(Erasure)).first() is None


def test_a_refusal_is_said_at_the_first_step(client, admin, make_user):
    response = _post(client, email=admin.email, reason="Demande du 3 mars")
    assert response.status_code == 422
    assert "propre compte" in response.get_data(as_text=True)
    assert "Compte à effacer" not in response.get_data(as_text=True)
    assert make_user(Role.CANDIDATE)  # the page still serves (no transaction left open)
