"""A file over the web page's limit: the import page names the limit, to its users only."""

from __future__ import annotations

from datetime import timedelta

from questionnaire.auth.models import Role
from tests.conftest import form_token, login, page_text

TOO_LARGE = b"x" * (2 * 1024 * 1024 + 1)
MESSAGE = (
    "Fichier trop volumineux : la page accepte 2 Mio au plus (la commande « questionnaire banks "
    "import » en accepte 5) ; rien n'a été importé."
)


def _upload(client, token: str):
    """The form with a file over the limit, encoded here: the test client would spool a large
    multipart body to a temporary file that nothing closes once the server refuses to read it."""
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
    body += TOO_LARGE + f"\r\n--{boundary}--\r\n".encode()
    return client.post(
        "/echanges/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_an_author_gets_the_import_form_back_with_the_limit(client, loaded_bank, make_user):
    loaded_bank()
    make_user(Role.AUTHOR, email="a@example.org")
    login(client, "a@example.org")
    response = _upload(client, form_token(client, "/echanges/"))
    text = page_text(response.get_data(as_text=True)).replace("&#39;", "'")
    assert response.status_code == 413
    assert MESSAGE in text
    # the page itself, with its form to send a smaller file, not a bare error page
    assert 'action="/echanges/import"' in response.get_data(as_text=True)
    assert "Revenir à l'accueil" not in text


def test_others_get_the_usual_error_page(client, loaded_bank, make_user):
    loaded_bank()
    make_user(Role.CANDIDATE, email="c@example.org")
    login(client, "c@example.org")
    response = _upload(client, form_token(client, "/"))
    text = page_text(response.get_data(as_text=True))
    assert response.status_code == 413
    assert "La requête est trop volumineuse." in text
    assert "Importer un fichier" not in text


def test_an_author_still_to_sit_a_certification_gets_the_usual_error_page(
    client, make_session, make_user, db, clock
):
    from questionnaire.exams.models import Enrolment

    session, _ = make_session(opens_in=timedelta(days=3))
    author = make_user(Role.AUTHOR, email="a@example.org")
    db.session.add(Enrolment(session=session, user=author, created_at=clock()))
    db.session.commit()
    login(client, author.email)
    response = _upload(client, form_token(client, "/"))
    assert response.status_code == 413
    assert "Importer un fichier" not in page_text(response.get_data(as_text=True))
