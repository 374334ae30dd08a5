"""The candidate's dashboard: open questionnaires, copies under way, results."""

from datetime import timedelta

from tests.conftest import T0
from tests.web.test_candidate_pages import html_login, only_attempt, start_attempt


def test_a_copy_under_way_stays_on_the_dashboard_after_its_session_closes(
    client, db, clock, make_session
):
    session, candidate = make_session(duration=30)
    session.closes_at = clock() + timedelta(minutes=10)  # started 10 minutes before the close
    db.session.commit()
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    clock.advance(minutes=15)  # the session is closed, the copy runs 15 more minutes

    page = client.get("/").get_data(as_text=True)

    assert session.title in page.split("Mes résultats")[0]
    assert f'href="/sessions/{session.id}"' in page
    assert "Reprendre" in page
    deadline = (T0 + timedelta(minutes=30)).astimezone(_paris()).strftime("%H h %M")
    assert f"Copie en cours : fin de l'épreuve à {deadline}" in page
    assert "Session close depuis le" in page
    assert attempt.status.value == "in_progress"


def test_a_closed_session_without_a_copy_leaves_the_open_list(client, db, clock, make_session):
    session, candidate = make_session()
    session.closes_at = clock() + timedelta(minutes=10)
    db.session.commit()
    html_login(client, candidate.email)
    clock.advance(minutes=15)
    page = client.get("/").get_data(as_text=True)
    assert "Aucun questionnaire ouvert pour le moment." in page
    assert f'href="/sessions/{session.id}"' not in page


def test_a_copy_whose_time_is_up_is_a_result_not_one_to_resume(client, db, clock, make_session):
    """Before the cron job finalises it, a copy past its deadline is not offered to resume."""
    session, candidate = make_session(duration=30)
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    clock.advance(minutes=31)

    page = client.get("/").get_data(as_text=True)

    still_open, results = page.split("Mes résultats")
    assert "Reprendre" not in still_open
    assert f'href="/sessions/{session.id}"' not in still_open
    assert f'href="/copies/{attempt.id}/resultat"' in results
    assert "(temps écoulé)" in results
    db.session.refresh(attempt)
    assert attempt.status.value == "expired"


def _paris():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Paris")


def test_the_dashboard_states_the_time_the_server_will_enforce(
    client, db, clock, make_session, make_user
):
    """As the session page: the candidate's extra time and the minutes granted to the session
    after an incident, which a copy started now gets (the card said « 30 minutes » alone)."""
    from questionnaire.auth.models import Role
    from questionnaire.incidents.services import grant_extra_time
    from tests.conftest import page_text

    session, candidate = make_session(duration=30, extra=33)
    grant_extra_time(session, 10, "Panne du réseau", make_user(Role.ADMIN), clock())
    db.session.commit()
    html_login(client, candidate.email)

    card = page_text(client.get("/").get_data(as_text=True)).split("Mes résultats")[0]

    assert (
        "2 questions · 30 minutes, portée à 49 min 54 s avec votre temps supplémentaire de 33 % "
        "et les 10 minutes accordées à la session après un incident · seuil de réussite 60 %"
    ) in card


def test_without_extra_time_the_dashboard_states_the_duration_alone(client, make_session):
    from tests.conftest import page_text

    _session, candidate = make_session(duration=30)
    html_login(client, candidate.email)

    card = page_text(client.get("/").get_data(as_text=True)).split("Mes résultats")[0]

    assert "2 questions · 30 minutes · seuil de réussite 60 %" in card


def test_a_copy_whose_every_question_was_neutralised_reads_0_percent(
    client, db, clock, make_session, make_user
):
    """0 out of 0 reads « 0 / 0 (0 %) », as on the result page, not « 0 / 0 () »."""
    from questionnaire.attempts.grading import neutralise_item
    from questionnaire.auth.models import Role
    from tests.conftest import page_text

    session, candidate = make_session()
    html_login(client, candidate.email)
    start_attempt(client, session)
    attempt = only_attempt(db)
    admin = make_user(Role.ADMIN)
    for attempt_item in attempt.items:
        neutralise_item(attempt_item.version, session, admin, "Erreur", clock())
    db.session.commit()
    clock.advance(minutes=31)  # the copy closes with its time

    results = page_text(client.get("/").get_data(as_text=True)).split("Mes résultats")[1]

    assert "0 / 0 (0 %)" in results  # page_text reads the non-breaking space as a space
