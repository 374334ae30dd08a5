"""The incidents page names the sessions it lists as what they are."""

from datetime import timedelta

from questionnaire.auth.models import Role
from tests.conftest import login, page_text


def test_the_list_says_it_holds_sessions_to_come_and_each_ones_state(
    client, make_session, make_user, clock
):
    make_session()  # open
    make_session(opens_in=timedelta(days=3))  # to come
    login(client, make_user(Role.ADMIN).email)
    text = page_text(client.get("/admin/incidents").get_data(as_text=True))
    assert "Sessions à venir, ouvertes ou closes depuis moins d'un jour" in text
    assert "Sessions ouvertes ou récentes" not in text
    assert text.count(" ouverte ") == 1 and text.count(" à venir ") == 1


def test_without_any_such_session_the_page_says_so(client, make_user):
    login(client, make_user(Role.ADMIN).email)
    text = page_text(client.get("/admin/incidents").get_data(as_text=True))
    assert "Aucune session à venir, ouverte ou close depuis moins d'un jour." in text
