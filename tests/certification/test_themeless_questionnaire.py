"""A questionnaire modality tied to no platform theme (seed 002's « déclinaison par
thématique ») is recorded by the jury: a competency evaluated by it alone waits for the jury.

It used to wait for nothing: neither a theme to pass nor a jury decision, so every candidate had
it validated, undated, the day they registered, and the transcript of a candidate whose blocks
were all such answered 500 (the title's date taken from no date at all).
"""

from __future__ import annotations

from questionnaire.auth.models import Role
from questionnaire.certification.loader import load_referentials
from questionnaire.certification.rules import Status
from questionnaire.certification.services import certifications, record_evaluation, transcript
from tests.certification.test_loader import write
from tests.conftest import login

THEMELESS = """\
slug: essai
title: Certification d'essai
blocks:
  - code: B1
    title: Bloc un
    competencies:
      - code: C1
        title: Première compétence
        modalities:
          - kind: questionnaire
            label: Questionnaire (déclinaison par thématique)
"""


def _enrolment(db, clock, tmp_path, enrol_candidate, make_user):
    load_referentials(write(tmp_path, THEMELESS), clock())
    db.session.commit()
    (certification,) = certifications()
    return enrol_candidate(certification, make_user(Role.CANDIDATE, email="cand@example.org"))


def test_a_competency_of_a_themeless_questionnaire_waits_for_the_jury(
    db, clock, tmp_path, enrol_candidate, make_user
):
    enrolment = _enrolment(db, clock, tmp_path, enrol_candidate, make_user)
    competency = enrolment.certification.competencies[0]
    assert enrolment.jury_evaluates(competency)
    result = transcript(enrolment)
    assert (result.status, result.blocks[0].status) == (Status.PENDING, Status.PENDING)
    decided_at = clock()
    record_evaluation(enrolment, competency, make_user(Role.JURY), decided_at, acquired=True)
    db.session.commit()
    result = transcript(enrolment)
    assert (result.status, result.validated_at) == (Status.VALIDATED, decided_at)


def test_the_transcript_of_such_a_candidate_answers(
    client, db, clock, tmp_path, enrol_candidate, make_user
):
    enrolment = _enrolment(db, clock, tmp_path, enrol_candidate, make_user)
    login(client, "cand@example.org")
    response = client.get(f"/certifications/inscriptions/{enrolment.id}")
    assert response.status_code == 200
    assert "en attente" in response.get_data(as_text=True)
