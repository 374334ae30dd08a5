"""A new session whose closing is already past would be born closed: no enrolment, and its
dates could never be corrected (a closed session is not reopened). The form refuses it."""

from sqlalchemy import func, select

from questionnaire.exams.models import ExamSession
from tests.conftest import form_token, page_text


def create(client, questionnaire_id: int, opens_at: str, closes_at: str):
    url = "/admin/sessions/nouvelle"
    data = {
        "csrf_token": form_token(client, url),
        "questionnaire": str(questionnaire_id),
        "title": "Session de janvier",
        "opens_at": opens_at,
        "closes_at": closes_at,
        "release_policy": "after_close",
        "purpose": "certification",
    }
    return client.post(url, data=data)


def sessions(db) -> int:
    return db.session.execute(select(func.count(ExamSession.id))).scalar_one()


def test_a_closing_already_past_is_refused_beside_its_field(client, admin, make_session, db):
    existing, _ = make_session()
    before = sessions(db)
    # the clock reads 2 March 2026, 9 h in Paris: the year typed is last year's
    response = create(client, existing.questionnaire_id, "2025-03-10T09:00", "2025-03-10T12:00")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'aria-describedby="closes_at-errors"' in html
    assert "La clôture (10/03/2025 à 12 h 00) est déjà passée" in page_text(html)
    assert sessions(db) == before
    # a closing a minute before now is past too
    late = create(client, existing.questionnaire_id, "2026-03-02T08:00", "2026-03-02T08:59")
    assert late.status_code == 422
    assert sessions(db) == before


def test_a_session_already_open_that_closes_later_is_created(client, admin, make_session, db):
    existing, _ = make_session()
    before = sessions(db)
    response = create(client, existing.questionnaire_id, "2026-03-02T08:00", "2026-03-02T12:00")
    assert response.status_code == 302
    assert sessions(db) == before + 1
