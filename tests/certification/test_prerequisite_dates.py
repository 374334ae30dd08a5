"""The day a prerequisite was met: typed without a date picker, at Paris midnight, in the title."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from questionnaire.auth.models import Role
from questionnaire.certification import services
from tests.conftest import form_token, login

AMF = "cqp-charge-clientele-professionnels"


@pytest.fixture
def attest(client, referentials, enrol_candidate, make_user):
    """Post a date to the attestation form of seed 002's AMF prerequisite, as a jury member."""
    certification = referentials[AMF]
    enrolment = enrol_candidate(certification)
    make_user(Role.JURY, email="jury-amf@example.org")
    (prerequisite,) = certification.prerequisites
    transcript = f"/certifications/inscriptions/{enrolment.id}"
    login(client, "jury-amf@example.org")

    def _post(typed: str):
        return client.post(
            f"{transcript}/prerequis/{prerequisite.id}",
            data={
                "csrf_token": form_token(client, transcript),
                f"p{prerequisite.id}-met_on": typed,
            },
        )

    _post.enrolment = enrolment
    return _post


@pytest.mark.parametrize("typed", ["abc", "2026-02-30", "31/02/2026", "2026/02/20"])
def test_what_is_not_a_date_gets_a_french_message_not_an_error_page(attest, typed, db):
    """Without a date picker (a text box), anything can be typed: it is refused on the page."""
    refused = attest(typed)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'class="error-summary"' in html
    assert "Indiquez une date valide, au format jj/mm/aaaa (par exemple 04/11/2025)." in html
    assert "Not a valid" not in html and "invalide" not in html
    db.session.refresh(attest.enrolment)
    assert attest.enrolment.prerequisite_records == []


def test_a_date_typed_the_french_way_is_accepted(attest, db):
    assert attest("20/02/2026").status_code == 302
    db.session.refresh(attest.enrolment)
    assert [r.met_on for r in attest.enrolment.prerequisite_records] == [date(2026, 2, 20)]


def test_the_future_message_says_which_day_is_today_in_paris(attest, clock):
    """23:30 UTC on 1 March is already 2 March in Paris: the 2nd is today, the 3rd the future."""
    clock.now = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    html = attest("2026-03-03").get_data(as_text=True)
    assert (
        "ne peut pas être postérieure à aujourd'hui (02/03/2026, heure de Paris)."
        in html.replace("&#39;", "'")
    )
    assert attest("2026-03-02").status_code == 302


def test_the_title_is_dated_by_the_day_met_from_paris_midnight(
    referentials, enrol_candidate, make_user, clock
):
    """In summer Paris is UTC+2: a prerequisite met on 1 July counts from 30 June 22:00 UTC."""
    enrolment = enrol_candidate(referentials[AMF])
    (prerequisite,) = enrolment.certification.prerequisites
    clock.now = datetime(2026, 7, 1, 21, 0, tzinfo=UTC)
    with pytest.raises(services.CertificationError, match="postérieure"):
        services.record_prerequisite(
            enrolment, prerequisite, date(2026, 7, 2), make_user(Role.JURY), clock()
        )
    record = services.record_prerequisite(
        enrolment, prerequisite, date(2026, 7, 1), make_user(Role.JURY), clock()
    )
    assert services.met_at(record) == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
