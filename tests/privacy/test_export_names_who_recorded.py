"""Access right (art. 15): the export says who recorded each statement about the candidate.

The register (docs/rgpd-register.md, rows 3 and 3 bis) lists the evaluator of each jury
evaluation, the author of each attestation and of each grade change; the candidate's own
transcript names who recorded an accommodation or attested a prerequisite. Two evaluators grade
each competency of referential 003: without their names, the export gave two different grades
for one competency that nothing told apart.
"""

from __future__ import annotations

from datetime import date, timedelta

from questionnaire.auth.models import Role
from questionnaire.certification import services
from questionnaire.certification.models import EvaluatorQuality
from tests.certification.conftest import enrol_candidate, referentials  # noqa: F401
from tests.certification.test_services import observe_interviews
from tests.conftest import login

RECEPTION = "cqp-charge-accueil-relation-clients-adherents"


def test_each_jury_evaluation_names_its_evaluator(
    client,
    referentials,  # noqa: F811
    enrol_candidate,  # noqa: F811
    make_user,
    clock,
    db,
):
    candidate = make_user(Role.CANDIDATE, email="cand@example.org")
    enrolment = enrol_candidate(referentials[RECEPTION], candidate)
    expert = make_user(Role.JURY, email="expert@example.org", name="Éva Experte")
    second = make_user(Role.JURY, email="second@example.org", name="Sam Second")
    services.designate_evaluators(
        enrolment, expert, second, EvaluatorQuality.EXPERT_INTERNE, expert, clock()
    )
    observe_interviews(enrolment, expert, clock)
    competency = next(c for c in enrolment.certification.competencies if c.is_jury_evaluated)
    services.record_evaluation(
        enrolment, competency, expert, clock(), acquired=True, comment="Accueil maîtrisé."
    )
    services.record_evaluation(
        enrolment, competency, second, clock(), acquired=False, comment="À revoir."
    )
    db.session.commit()
    login(client, "cand@example.org")
    (certification,) = client.get("/mes-donnees/export.json").get_json()["certifications"]
    assert sorted(
        (e["competency"], e["evaluator"], e["acquired"], e["comment"])
        for e in certification["jury_evaluations"]
    ) == [
        (competency.code, "Sam Second", False, "À revoir."),
        (competency.code, "Éva Experte", True, "Accueil maîtrisé."),
    ]


def test_accommodations_and_prerequisites_name_who_recorded_them(
    client,
    referentials,  # noqa: F811
    enrol_candidate,  # noqa: F811
    make_user,
    clock,
    db,
):
    certification = referentials["cqp-charge-clientele-professionnels"]
    candidate = make_user(Role.CANDIDATE, email="amf@example.org")
    enrolment = enrol_candidate(certification, candidate)
    jury = make_user(Role.JURY, email="jury@example.org", name="Jules Jury")
    (prerequisite,) = certification.prerequisites
    services.record_prerequisite(enrolment, prerequisite, date(2025, 11, 4), jury, clock())
    services.add_accommodation(enrolment, "Tiers temps", jury, clock())
    db.session.commit()
    login(client, "amf@example.org")
    (exported,) = client.get("/mes-donnees/export.json").get_json()["certifications"]
    assert exported["prerequisites"][0]["recorded_by"] == "Jules Jury"
    assert exported["accommodations"][0]["recorded_by"] == "Jules Jury"


def test_a_grade_change_names_who_decided_it_and_whether_the_copy_passed_before_and_after(
    client, make_session, make_user, db, clock
):
    from questionnaire.attempts.grading import neutralise_item
    from questionnaire.attempts.models import Attempt

    session, candidate = make_session()
    token = login(client, candidate.email)
    body = client.post(
        f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token}
    ).get_json()
    attempt = db.session.get(Attempt, body["attempt_id"])
    first, second = attempt.items
    right = [option.key for option in first.version.options if option.is_correct]
    client.put(
        f"/api/v1/attempts/{attempt.id}/responses/{first.external_id}",
        json={"selected": right, "seq": 1},
        headers={"X-CSRFToken": token},
    )
    client.post(f"/api/v1/attempts/{attempt.id}/submit", headers={"X-CSRFToken": token})
    db.session.expire_all()
    assert (attempt.score, attempt.max_score, attempt.passed) == (1, 2, False)  # 50 %
    jury = make_user(Role.JURY, email="jury@example.org", name="Jeanne Jury")
    neutralise_item(second.version, session, jury, "Énoncé ambigu", clock())  # now 1 / 1
    db.session.commit()
    clock.now = session.closes_at + timedelta(hours=1)  # the reason waits for the correction
    login(client, candidate.email)
    changes = client.get("/mes-donnees/export.json").get_json()["grade_changes"]
    fields = ("old_score", "old_max", "new_score", "new_max", "old_passed", "new_passed")
    assert [tuple(c[f] for f in (*fields, "changed_by", "reason")) for c in changes] == [
        (1, 2, 1, 1, False, True, "Jeanne Jury", "Énoncé ambigu")
    ]
