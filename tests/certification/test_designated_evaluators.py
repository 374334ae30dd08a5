"""Seed 003: two designated evaluators (« 1 expert « habilité » … + 1 expert interne … OU 1
responsable pédagogique ») alone evaluate the candidate, and « doivent être d'accord »."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role
from questionnaire.certification import services
from questionnaire.certification.models import EvaluatorQuality, JuryEvaluation
from questionnaire.certification.rules import Status
from tests.certification.test_services import competency, evaluate_all
from tests.certification.test_views import designate, logged_in
from tests.conftest import form_token

RECEPTION = "cqp-charge-accueil-relation-clients-adherents"
INTERNE = EvaluatorQuality.EXPERT_INTERNE


def test_an_undesignated_jury_member_does_not_evaluate(
    referentials, enrol_candidate, make_user, clock
):
    enrolment = enrol_candidate(referentials[RECEPTION])
    jury, expert, second = (make_user(Role.JURY) for _ in range(3))
    b2 = enrolment.certification.blocks[1].competencies[0]
    with pytest.raises(services.CertificationError, match="deux évaluateurs désignés"):
        services.record_evaluation(enrolment, b2, jury, clock(), acquired=True)
    services.designate_evaluators(enrolment, expert, second, INTERNE, jury, clock())
    with pytest.raises(services.CertificationError, match="vous n'en faites pas partie"):
        services.record_evaluation(enrolment, b2, jury, clock(), acquired=True)
    services.record_evaluation(enrolment, b2, second, clock(), acquired=True)


def test_the_designation_follows_the_referential(referentials, enrol_candidate, make_user, clock):
    enrolment = enrol_candidate(referentials[RECEPTION])
    expert, second = make_user(Role.JURY), make_user(Role.JURY)
    author = make_user(Role.AUTHOR)
    for args, message in (
        ((expert, expert, INTERNE), "deux personnes différentes"),
        ((expert, author, INTERNE), "pas de compte membre du jury"),
        ((expert, second, EvaluatorQuality.EXPERT_HABILITE), "expert interne"),
    ):
        with pytest.raises(services.CertificationError, match=message):
            services.designate_evaluators(enrolment, *args, expert, clock())
    assert enrolment.designated_evaluators == []
    other = enrol_candidate(referentials["charge-clientele-particuliers"])
    with pytest.raises(services.CertificationError, match="ne prévoit pas"):
        services.designate_evaluators(other, expert, second, INTERNE, expert, clock())


def test_replacing_an_evaluator_settles_the_disagreement_their_evaluation_caused(
    referentials, enrol_candidate, make_user, clock, db
):
    enrolment = enrol_candidate(referentials[RECEPTION])
    expert, leaving, replacing = (make_user(Role.JURY) for _ in range(3))
    services.designate_evaluators(enrolment, expert, leaving, INTERNE, expert, clock())
    evaluate_all(enrolment, expert, clock, acquired=True)
    evaluate_all(enrolment, leaving, clock, except_codes=("B1.C2",), acquired=True)
    b1_c2 = competency(enrolment.certification, "B1.C2")
    services.record_evaluation(enrolment, b1_c2, leaving, clock(), acquired=False, comment="Non")
    db.session.commit()
    assert services.transcript(enrolment).disagreements == ("B1.C2",)
    clock.advance(days=1)
    services.designate_evaluators(
        enrolment, expert, replacing, EvaluatorQuality.RESPONSABLE_PEDAGOGIQUE, expert, clock()
    )
    db.session.commit()
    # the leaving evaluator's word no longer counts: every competency waits for the new one
    result = services.transcript(enrolment)
    assert result.disagreements == () and {b.status for b in result.blocks} == {Status.PENDING}
    evaluate_all(enrolment, replacing, clock, acquired=True)
    db.session.commit()
    result = services.transcript(enrolment)
    assert result.status is Status.VALIDATED and result.validated_at == clock()
    assert {(d.evaluator_id, d.quality) for d in enrolment.designated_evaluators} == {
        (expert.id, EvaluatorQuality.EXPERT_HABILITE),
        (replacing.id, EvaluatorQuality.RESPONSABLE_PEDAGOGIQUE),
    }
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "certification.evaluators")
    ).scalars()
    assert [e.details for e in events] == [
        {"expert_habilite": expert.id, "expert_interne": leaving.id},
        {
            "expert_habilite": expert.id,
            "responsable_pedagogique": replacing.id,
            "replaced_evaluators": [leaving.id],
        },
    ]


def test_the_transcript_designates_them_for_the_jury_only(
    client, referentials, enrol_candidate, make_user, db
):
    enrolment = enrol_candidate(
        referentials[RECEPTION], make_user(Role.CANDIDATE, email="c@example.org")
    )
    expert = make_user(Role.JURY, email="expert@example.org", name="Éva Experte")
    second = make_user(Role.JURY, email="second@example.org", name="Sam Second")
    transcript = f"/certifications/inscriptions/{enrolment.id}"
    candidate_page = logged_in(client, "c@example.org").get(transcript).get_data(as_text=True)
    assert "Aucun évaluateur désigné" in candidate_page and "/evaluateurs" not in candidate_page
    refused = designate(
        client, enrolment, expert, second, "expert_interne", as_email="c@example.org"
    )
    assert refused.status_code == 403
    same = designate(client, enrolment, expert, expert, "expert_interne")
    html = same.get_data(as_text=True)
    assert same.status_code == 422 and 'class="error-summary"' in html
    assert "Les deux évaluateurs sont deux personnes différentes." in html
    assert "<title>Erreur" in html
    page = client.get(transcript).get_data(as_text=True)
    assert "<legend>Qualité du second évaluateur" in page
    assert designate(client, enrolment, expert, second, "expert_interne").status_code == 302
    shown = logged_in(client, "c@example.org").get(transcript).get_data(as_text=True)
    assert "Éva Experte — expert « habilité »" in shown
    assert "Sam Second — expert interne à l&#39;entreprise" in shown
    other = enrol_candidate(referentials["charge-clientele-particuliers"])
    logged_in(client, "expert@example.org")
    token = form_token(client, transcript)
    assert (
        client.post(
            f"/certifications/inscriptions/{other.id}/evaluateurs", data={"csrf_token": token}
        ).status_code
        == 404
    )


def test_the_grid_tells_an_undesignated_jury_member_up_front(
    client, referentials, enrol_candidate, make_user, db
):
    """No form to fill in vain: the grid names the designated pair; a stale page's post says why."""
    from tests.certification.test_views import evaluate

    enrolment = enrol_candidate(referentials[RECEPTION])
    expert = make_user(Role.JURY, email="expert@example.org", name="Éva Experte")
    second = make_user(Role.JURY, email="second@example.org", name="Sam Second")
    make_user(Role.JURY, email="outsider@example.org", name="Oscar Dehors")
    grid = f"/certifications/inscriptions/{enrolment.id}/evaluation"
    b2 = enrolment.certification.blocks[1].competencies[0]
    html = logged_in(client, "outsider@example.org").get(grid).get_data(as_text=True)
    assert "Vous ne pouvez pas évaluer ce candidat" in html
    assert "aucun ne l&#39;est encore" in html and 'name="competency"' not in html
    assert designate(client, enrolment, expert, second, "expert_interne").status_code == 302
    html = logged_in(client, "outsider@example.org").get(grid).get_data(as_text=True)
    assert "vous n&#39;en faites pas partie" in html and 'name="competency"' not in html
    assert "<li>Éva Experte — expert « habilité »" in html
    assert "<li>Sam Second — expert interne à l&#39;entreprise" in html
    assert "Évaluation réservée aux évaluateurs désignés" in html
    # a page opened before the designation (or a forged post) posts the line anyway
    token = form_token(client, grid)
    refused = evaluate(client, enrolment, b2, token, outcome="acquired", comment="Bien")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "<title>Erreur" in html
    assert re.search(r'class="error-summary".*href="#evaluation-refusee"', html, re.S)
    assert "<li>Sam Second — expert interne" in html and 'name="competency"' not in html
    assert db.session.execute(select(JuryEvaluation)).first() is None
    html = logged_in(client, "second@example.org").get(grid).get_data(as_text=True)
    assert "Vous ne pouvez pas évaluer" not in html and 'name="competency"' in html
    response = evaluate(client, enrolment, b2, form_token(client, grid), outcome="acquired")
    assert response.status_code == 302


def test_the_grid_flags_a_designated_evaluator_who_can_no_longer_evaluate(
    client, referentials, enrol_candidate, make_user, db
):
    """The notice sends the jury member to replace them, as the transcript does."""
    enrolment = enrol_candidate(referentials[RECEPTION])
    expert = make_user(Role.JURY, email="expert@example.org", name="Éva Experte")
    second = make_user(Role.JURY, email="second@example.org", name="Sam Second")
    make_user(Role.JURY, email="outsider@example.org", name="Oscar Dehors")
    assert designate(client, enrolment, expert, second, "expert_interne").status_code == 302
    second.active = False
    db.session.commit()
    grid = f"/certifications/inscriptions/{enrolment.id}/evaluation"
    html = logged_in(client, "outsider@example.org").get(grid).get_data(as_text=True)
    flag = "(ne peut plus évaluer : compte désactivé ou retiré du jury ; à remplacer)"
    assert re.search(rf"<li>Sam Second — expert interne[^<]*<strong>{re.escape(flag)}", html)
    assert html.count(flag) == 1  # Éva Experte still evaluates
    transcript = client.get(f"/certifications/inscriptions/{enrolment.id}").get_data(as_text=True)
    assert transcript.count(flag) == 1


def test_the_barrier_is_the_refusal_of_the_recording(
    referentials, enrol_candidate, make_user, clock
):
    enrolment = enrol_candidate(referentials[RECEPTION])
    expert, second, outsider = (make_user(Role.JURY) for _ in range(3))
    assert services.evaluation_barrier(enrolment, expert) == services.NONE_DESIGNATED
    services.designate_evaluators(enrolment, expert, second, INTERNE, outsider, clock())
    assert services.evaluation_barrier(enrolment, outsider) == services.NOT_DESIGNATED
    assert services.evaluation_barrier(enrolment, second) is None
    candidate_jury = make_user(Role.JURY, Role.CANDIDATE)
    own = enrol_candidate(referentials["charge-clientele-particuliers"], candidate_jury)
    assert services.evaluation_barrier(own, candidate_jury) == services.OWN_CANDIDACY
    assert services.evaluation_barrier(own, outsider) is None
