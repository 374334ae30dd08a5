"""Who may be designated, and by whom; the form chooses nobody until told (seed 003)."""

from __future__ import annotations

import re

import pytest

from questionnaire.auth.models import Role
from questionnaire.certification import services
from questionnaire.certification.models import EvaluatorQuality
from tests.certification.test_views import designate, logged_in

RECEPTION = "cqp-charge-accueil-relation-clients-adherents"
INTERNE = EvaluatorQuality.EXPERT_INTERNE


def test_a_deactivated_jury_account_is_not_designated(
    referentials, enrol_candidate, make_user, clock, db
):
    enrolment = enrol_candidate(referentials[RECEPTION])
    expert, second = make_user(Role.JURY), make_user(Role.JURY)
    second.active = False
    db.session.commit()
    with pytest.raises(services.CertificationError, match="est désactivé"):
        services.designate_evaluators(enrolment, expert, second, INTERNE, expert, clock())
    assert enrolment.designated_evaluators == []


def test_a_jury_member_who_is_the_candidate_designates_nobody_nor_attests(
    referentials, enrol_candidate, make_user, clock
):
    """A jury member enrolled as a candidate would choose their own evaluators."""
    candidate = make_user(Role.CANDIDATE, Role.JURY)
    enrolment = enrol_candidate(referentials[RECEPTION], candidate)
    expert, second = make_user(Role.JURY), make_user(Role.JURY)
    with pytest.raises(services.CertificationError, match=r"désigne\s+vos évaluateurs"):
        services.designate_evaluators(enrolment, expert, second, INTERNE, candidate, clock())
    assert enrolment.designated_evaluators == []
    amf = enrol_candidate(referentials["cqp-charge-clientele-professionnels"], candidate)
    (prerequisite,) = amf.certification.prerequisites
    with pytest.raises(services.CertificationError, match="atteste vos prérequis"):
        services.record_prerequisite(amf, prerequisite, clock().date(), candidate, clock())


def test_the_form_chooses_nobody_until_told_and_never_swaps_a_member_who_left(
    client, referentials, enrol_candidate, make_user, clock, db
):
    enrolment = enrol_candidate(referentials[RECEPTION])
    expert = make_user(Role.JURY, email="expert@example.org", name="Éva Experte")
    second = make_user(Role.JURY, email="second@example.org", name="Sam Second")
    make_user(Role.JURY, email="autre@example.org", name="Aline Autre")  # first in the list
    transcript = f"/certifications/inscriptions/{enrolment.id}"
    page = logged_in(client, "expert@example.org").get(transcript).get_data(as_text=True)
    for name in ("expert", "second"):
        select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)[1]
        assert re.match(r'\s*<option selected value="">— Choisir un membre du jury —', select)
    assert designate(client, enrolment, expert, second, "expert_interne").status_code == 302
    # the second evaluator leaves the jury: the page says so and offers nobody in their place
    second.active = False
    db.session.commit()
    page = logged_in(client, "expert@example.org").get(transcript).get_data(as_text=True)
    assert "Sam Second — expert interne" in page and "ne peut plus évaluer" in page
    select = re.search(r'<select[^>]*name="second"[^>]*>(.*?)</select>', page, re.S)[1]
    # nobody else is marked chosen: the browser shows the first option, « Choisir … »
    assert "selected" not in select and "Sam Second" not in select
    assert select.lstrip().startswith('<option value="">— Choisir un membre du jury —')
    # sent without a choice, it is refused in French instead of designating the first member
    empty = client.post(
        f"{transcript}/evaluateurs",
        data={
            "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1],
            "expert": str(expert.id),
            "second": "",
            "second_quality": "expert_interne",
        },
    )
    html = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "Choisissez le second évaluateur." in html
    db.session.refresh(enrolment)
    assert {d.evaluator_id for d in enrolment.designated_evaluators} == {expert.id, second.id}
