"""An erased account's enrolment kept for the statistics (a copy handed in) takes no new
accommodation note, extra time or group: the erasure removed the note (possibly health data),
and the pseudonymous record must not receive a new one."""

from __future__ import annotations

from sqlalchemy import select

from questionnaire.attempts.services import find_enrolment, start_attempt, submit_attempt
from questionnaire.audit.models import AuditEvent
from questionnaire.exams.models import Enrolment
from tests.conftest import form_token, page_text


def test_the_enrolment_of_an_erased_account_is_not_edited(
    client, admin, make_session, erase, db, clock
):
    session, candidate = make_session(duration=30)
    copy, _ = start_attempt(find_enrolment(candidate, session.id), clock(), 30)
    submit_attempt(copy, clock(), 30)
    db.session.commit()
    enrolment = find_enrolment(candidate, session.id)
    enrolment.analysis_group = "Particuliers"
    db.session.commit()
    erase(candidate)
    url = f"/admin/sessions/{session.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'/inscriptions/{enrolment.id}"' not in page  # no form to fill in for that row
    assert "Compte effacé (RGPD) : inscription conservée sous pseudonyme" in page

    response = client.post(
        f"{url}/inscriptions/{enrolment.id}",
        data={
            "csrf_token": form_token(client, url),
            "extra_time_percent": "33",
            "note": "Malvoyante (Mme Camille Martin)",
            "group": "Accueil",
        },
    )

    assert response.status_code == 422
    assert "a été effacé (RGPD)" in page_text(response.get_data(as_text=True))
    db.session.expire_all()
    kept = db.session.get(Enrolment, enrolment.id)
    assert (kept.extra_time_percent, kept.accommodation_note, kept.analysis_group) == (
        0,
        None,
        "Particuliers",
    )
    assert (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "admin.enrolment_update")
        ).first()
        is None
    )
