"""The incidents page names the sessions it lists as what they are."""

from datetime import timedelta

from questionnaire.auth.models import Role
from tests.conftest import login, page_text


def test_the_list_says_it_holds_open_and_recently_closed_sessions_and_each_ones_state(
    client, make_session, make_user, db, clock
):
    recent, _ = make_session(opens_in=timedelta(hours=-20))
    recent.title, recent.closes_at = "Session d'hier", clock() - timedelta(hours=2)
    make_session()  # open
    make_session(opens_in=timedelta(days=3))  # to come: no incident yet
    db.session.commit()
    login(client, make_user(Role.ADMIN).email)
    text = page_text(client.get("/admin/incidents").get_data(as_text=True))
    assert "Sessions ouvertes ou closes depuis moins d'un jour" in text
    assert "Sessions ouvertes ou récentes" not in text
    assert text.count(" ouverte ") == 1 and text.count(" close ") == 1
    assert "Session d'hier" in text


def test_without_any_such_session_the_page_says_so(client, make_user):
    login(client, make_user(Role.ADMIN).email)
    text = page_text(client.get("/admin/incidents").get_data(as_text=True))
    assert "Aucune session ouverte ou close depuis moins d'un jour." in text
