"""RGPD: the designated evaluators and the prerequisites' dates in the export; erasure keeps them."""

from __future__ import annotations

from datetime import date

from questionnaire.auth.models import Role
from questionnaire.certification import services
from questionnaire.certification.models import DesignatedEvaluator, EvaluatorQuality
from questionnaire.certification.rules import Status
from questionnaire.privacy.services import erase_user
from tests.certification.conftest import enrol_candidate, referentials  # noqa: F401
from tests.certification.test_services import evaluate_all
from tests.conftest import login

RECEPTION = "cqp-charge-accueil-relation-clients-adherents"


def _designated(referentials, enrol_candidate, make_user, clock, db):  # noqa: F811
    candidate = make_user(Role.CANDIDATE, email="cand@example.org")
    enrolment = enrol_candidate(referentials[RECEPTION], candidate)
    expert = make_user(Role.JURY, email="expert@example.org", name="Éva Experte")
    second = make_user(Role.JURY, email="second@example.org", name="Sam Second")
    services.designate_evaluators(
        enrolment, expert, second, EvaluatorQuality.EXPERT_INTERNE, expert, clock()
    )
    db.session.commit()
    return enrolment, expert, second


def test_the_candidate_export_names_their_designated_evaluators(
    client,
    referentials,  # noqa: F811
    enrol_candidate,  # noqa: F811
    make_user,
    clock,
    db,
):
    _enrolment, _expert, _second = _designated(referentials, enrol_candidate, make_user, clock, db)
    login(client, "cand@example.org")
    (certification,) = client.get("/mes-donnees/export.json").get_json()["certifications"]
    assert [
        (d["evaluator"], d["quality"], d["designated_at"])
        for d in certification["designated_evaluators"]
    ] == [
        ("Éva Experte", "expert_habilite", clock().isoformat()),
        ("Sam Second", "expert_interne", clock().isoformat()),
    ]
    assert certification["designated_evaluators"][1]["quality_label"].startswith("expert interne")


def test_the_evaluator_export_lists_their_designations_without_the_candidates(
    client,
    referentials,  # noqa: F811
    enrol_candidate,  # noqa: F811
    make_user,
    clock,
    db,
):
    enrolment, _expert, _second = _designated(referentials, enrol_candidate, make_user, clock, db)
    login(client, "second@example.org")
    document = client.get("/mes-donnees/export.json").get_json()
    (designation,) = document["designated_as_evaluator"]
    assert designation == {
        "certification": enrolment.certification.title,
        "quality": "expert_interne",
        "quality_label": EvaluatorQuality.EXPERT_INTERNE.label,
        "designated_at": clock().isoformat(),
    }
    assert "cand@example.org" not in str(document)


def test_the_export_dates_each_prerequisite_when_it_was_met(
    client,
    referentials,  # noqa: F811
    enrol_candidate,  # noqa: F811
    make_user,
    clock,
    db,
):
    certification = referentials["cqp-charge-clientele-professionnels"]
    enrolment = enrol_candidate(certification, make_user(Role.CANDIDATE, email="amf@example.org"))
    (prerequisite,) = certification.prerequisites
    services.record_prerequisite(
        enrolment, prerequisite, date(2025, 11, 4), make_user(Role.JURY), clock()
    )
    db.session.commit()
    login(client, "amf@example.org")
    (exported,) = client.get("/mes-donnees/export.json").get_json()["certifications"]
    assert exported["prerequisites"][0]["met_on"] == "2025-11-04"


def test_erasing_an_evaluator_or_the_candidate_keeps_the_result(
    referentials,  # noqa: F811
    enrol_candidate,  # noqa: F811
    make_user,
    clock,
    db,
):
    """The designations decide which evaluations count: they stay, under the pseudonyms."""
    enrolment, expert, second = _designated(referentials, enrol_candidate, make_user, clock, db)
    evaluate_all(enrolment, expert, clock, acquired=True)
    evaluate_all(enrolment, second, clock, acquired=True)
    db.session.commit()
    before = services.transcript(enrolment)
    assert before.status is Status.VALIDATED  # referential 003 has no questionnaire
    admin = make_user(Role.ADMIN)
    erase_user(second, admin, "Départ de l'entreprise", clock())
    erase_user(enrolment.user, admin, "Demande écrite", clock())
    db.session.commit()
    assert db.session.query(DesignatedEvaluator).count() == 2
    after = services.transcript(enrolment)
    assert after.status is Status.VALIDATED and after.validated_at == before.validated_at
