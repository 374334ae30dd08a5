"""Retention purge: a candidate whose certification file the jury is still working on is not
dormant, whatever their last login.

An erased record takes no more evaluation, accommodation or attestation
(docs/rgpd-register.md): pseudonymising a candidate the night after the jury evaluated them
would stop their certification half-way. A candidate of referential 003, evaluated in interviews
observed at work, may well not log in for years.
"""

from __future__ import annotations

from datetime import date

import pytest

from questionnaire.auth.models import Role, User
from questionnaire.certification import services
from questionnaire.privacy.services import purge
from tests.certification.conftest import enrol_candidate, referentials  # noqa: F401

PROFESSIONALS = "cqp-charge-clientele-professionnels"
RETENTION = 1825


def _accommodation(enrolment, jury, clock):
    services.add_accommodation(enrolment, "Tiers temps", jury, clock())


def _prerequisite(enrolment, jury, clock):
    (prerequisite,) = enrolment.certification.prerequisites
    services.record_prerequisite(enrolment, prerequisite, date(2031, 1, 6), jury, clock())


def _evaluation(enrolment, jury, clock):
    competency = next(c for c in enrolment.certification.competencies if c.is_jury_evaluated)
    outcome = {"grid_score": 3} if enrolment.certification.grading.value == "grid" else {}
    services.record_evaluation(
        enrolment, competency, jury, clock(), comment="Observé.", **(outcome or {"acquired": True})
    )


@pytest.mark.parametrize("work", [_accommodation, _prerequisite, _evaluation])
def test_a_record_of_the_jury_within_the_retention_keeps_the_account(
    work,
    referentials,  # noqa: F811
    enrol_candidate,  # noqa: F811
    make_user,
    clock,
    db,
):
    candidate = make_user(email="ancien@example.org")
    enrolment = enrol_candidate(referentials[PROFESSIONALS], candidate)
    jury = make_user(Role.JURY, email="jury@example.org")
    clock.advance(days=RETENTION + 10)  # no login, no enrolment since
    work(enrolment, jury, clock)
    db.session.commit()
    report = purge(clock(), audit_days=365, account_days=RETENTION)
    db.session.commit()
    assert report.accounts_pseudonymised == 0
    assert db.session.get(User, candidate.id).email == "ancien@example.org"


def test_a_record_older_than_the_retention_keeps_nothing(
    referentials,  # noqa: F811
    enrol_candidate,  # noqa: F811
    make_user,
    clock,
    db,
):
    candidate = make_user(email="ancien@example.org")
    enrolment = enrol_candidate(referentials[PROFESSIONALS], candidate)
    _accommodation(enrolment, make_user(Role.JURY, email="jury@example.org"), clock)
    db.session.commit()
    clock.advance(days=RETENTION + 10)
    assert purge(clock(), audit_days=365, account_days=RETENTION).accounts_pseudonymised == 1
    db.session.commit()
    assert db.session.get(User, candidate.id).email.endswith("@efface.invalid")
