"""A refused answer without JavaScript names the refused keys readably, a few at most."""

import re
from html import unescape

from tests.conftest import form_token
from tests.web.test_candidate_pages import html_login, only_attempt, start_attempt


def refusal(client, make_session, db, answer) -> str:
    """The message of the error summary once ``answer`` is posted for the first question."""
    session, candidate = make_session()
    html_login(client, candidate.email)
    start_attempt(client, session)
    url = f"/copies/{only_attempt(db).id}/questions/1"
    response = client.post(url, data={"csrf_token": form_token(client, url), "answer": answer})
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    return re.search(r'<a href="#option-1">Réponse : (.*?)</a>', html, re.S).group(1)


def test_two_refused_keys_are_quoted_one_by_one(client, make_session, db):
    # WTForms joined them into one quotation: « Y', 'Z » n'est pas un choix valide
    message = refusal(client, make_session, db, ["Z", "Y"])
    assert message == "«\xa0Y\xa0», «\xa0Z\xa0» ne sont pas des choix valides pour ce champ."


def test_many_refused_keys_are_named_five_at_most(client, make_session, db):
    message = refusal(client, make_session, db, [f"K{n:03d}" for n in range(800)])
    assert message == (
        "«\xa0K000\xa0», «\xa0K001\xa0», «\xa0K002\xa0», «\xa0K003\xa0», «\xa0K004\xa0» "
        "et 795 autre(s) ne sont pas des choix valides pour ce champ."
    )


def test_a_long_refused_key_is_shortened(client, make_session, db):
    message = refusal(client, make_session, db, ["X" * 5000])
    assert message == f"«\xa0{'X' * 40}…\xa0» n'est pas un choix valide pour ce champ."


def test_one_refused_key_reads_as_before(client, make_session, db):
    message = refusal(client, make_session, db, ["Q"])
    assert message == "«\xa0Q\xa0» n'est pas un choix valide pour ce champ."
