"""Training sessions never count toward a certification (competencies, blocks, deliberation)."""

from __future__ import annotations

from questionnaire.auth.models import Role
from questionnaire.certification import exports, services
from questionnaire.certification.rules import Status
from questionnaire.exams.models import SessionPurpose
from tests.certification.test_services import evaluate_all

THEMES = ("fiscalite", "risques", "reglementation", "rgpd")
TRAINING = SessionPurpose.TRAINING


def test_training_passes_are_not_questionnaire_passes(make_user, pass_theme, clock):
    candidate = make_user()
    pass_theme(candidate, "fiscalite", purpose=TRAINING)
    pass_theme(candidate, "rgpd", purpose=TRAINING, passed=False)
    assert services.questionnaire_passes([candidate.id]) == {}
    certified = pass_theme(candidate, "risques")
    assert services.questionnaire_passes([candidate.id]) == {
        candidate.id: {"risques": certified.ended_at}
    }


def test_a_title_needs_certification_sittings_training_ones_leave_it_pending(
    referentials, enrol_candidate, make_user, pass_theme, clock, db
):
    certification = referentials["charge-clientele-particuliers"]
    enrolment = enrol_candidate(certification)
    for theme in THEMES:
        pass_theme(enrolment.user, theme, purpose=TRAINING)
    evaluate_all(enrolment, make_user(Role.JURY), clock, acquired=True)
    db.session.commit()
    result = services.transcript(enrolment)
    # B1 has no questionnaire; B2 (C9 fiscalité) and B3 (C19–C22) wait for certification copies
    assert [b.status for b in result.blocks] == [Status.VALIDATED, Status.PENDING, Status.PENDING]
    assert result.status is not Status.VALIDATED
    assert [(e.id, b.code) for e, b in services.blocks_to_capitalise(certification)] == [
        (enrolment.id, "B1")
    ]
    rows = exports.deliberation_table(
        certification, services.results_for(certification, [enrolment])
    )
    title, blocks = rows[0].index("Titre"), rows[0].index("Blocs validés")
    assert rows[1][blocks] == "1 / 3" and rows[1][title] == "non délivré"
    # a failed training copy is not a failure of the certification either
    c9 = next(c for c in result.blocks[1].competencies if c.code.startswith("C9"))
    assert c9.missing_themes == ("fiscalite",) and c9.failed_at("fiscalite") is None
    for theme in THEMES:
        pass_theme(enrolment.user, theme)
    assert services.transcript(enrolment).status is Status.VALIDATED


def test_training_extra_time_is_not_in_the_jury_dossier(
    referentials, enrol_candidate, make_session, db
):
    enrolment = enrol_candidate(referentials["charge-clientele-particuliers"])
    make_session(candidate=enrolment.user, extra=50, purpose=TRAINING)
    certified, _ = make_session(candidate=enrolment.user, extra=33)
    found = services.exam_accommodations(enrolment.user_id)
    assert [(e.session_id, e.extra_time_percent) for e in found] == [(certified.id, 33)]
