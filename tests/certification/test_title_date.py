"""A title is obtained on the day the jury deliberated, never before: the blocks keep the days
they were validated, the title the day of the deliberation that capitalised the last of them."""

from __future__ import annotations

from datetime import date

from questionnaire.auth.models import Role
from questionnaire.certification import services
from tests.certification.test_deliberation import CQP, deliberate, validate_block
from tests.certification.test_views import pdf_prose
from tests.conftest import login, page_text


def test_the_title_is_obtained_on_the_day_of_the_deliberation(
    client, db, clock, referentials, enrol_candidate, make_user
):
    certification = referentials[CQP]
    candidate = make_user(Role.CANDIDATE, email="cand@example.org")
    enrolment = enrol_candidate(certification, candidate)
    jury = make_user(Role.JURY, email="jury@example.org")
    for block in certification.blocks:  # every block validated on 2 March
        validate_block(enrolment, block, jury, clock())
    (amf,) = certification.prerequisites
    services.record_prerequisite(enrolment, amf, date(2026, 3, 2), jury, clock())
    db.session.commit()
    clock.advance(days=10)  # the jury deliberates on 12 March
    deliberate(certification, jury, clock())
    db.session.commit()

    result = services.transcript(enrolment)
    assert result.is_awarded
    assert {block.validated_at.date() for block in result.blocks} == {date(2026, 3, 2)}

    login(client, "cand@example.org")
    text = page_text(client.get(f"/certifications/inscriptions/{enrolment.id}").get_data(True))
    assert "Titre : obtenu le 12/03/2026" in text
    assert "obtenu le 02/03/2026" not in text
    pdf = pdf_prose(
        client.get(f"/certifications/inscriptions/{enrolment.id}/attestation.pdf").get_data()
    )
    assert "le titre est obtenu le 12/03/2026" in pdf
    assert "Validé le" in pdf and "02/03/2026" in pdf  # the blocks keep their own days
