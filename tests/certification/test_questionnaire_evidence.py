"""The transcript and the grid say on what a questionnaire modality was acquired: the day and
the score of the first sitting that reached the referential's 60 %."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from questionnaire.auth.models import Role
from questionnaire.certification import rules
from tests.conftest import login, page_text


def test_the_first_qualifying_sitting_is_the_evidence():
    at = rules.Sitting
    t0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
    first = at("rgpd", t0, 18, 30)  # exactly 60 %
    passes, failures = rules.outcome_sittings(
        [
            at("rgpd", t0 + timedelta(days=9), 30, 30),
            first,
            at("rgpd", t0 - timedelta(days=1), 29, 49),  # 59.2 %: a failure before the pass
            at("risques", t0, 28, 48),  # 58.3 %
            at("risques", t0 + timedelta(days=2), 1, 5),
            at("reglementation", t0, 0, 0),  # every question neutralised: no evidence
        ]
    )
    assert passes == {"rgpd": first}
    assert failures == {"risques": at("risques", t0 + timedelta(days=2), 1, 5)}
    assert rules.questionnaire_outcomes([first]) == ({"rgpd": t0}, {})


def test_the_transcript_and_the_grid_give_the_day_and_score_of_the_pass(
    client, db, clock, referentials, enrol_candidate, make_user, pass_theme
):
    certification = referentials["charge-clientele-particuliers"]
    candidate = make_user(Role.CANDIDATE, email="cand@example.org")
    enrolment = enrol_candidate(certification, candidate)
    make_user(Role.JURY, email="jury@example.org")
    pass_theme(candidate, "fiscalite", at=clock() - timedelta(days=3))  # 2 / 2
    pass_theme(candidate, "fiscalite", at=clock() - timedelta(days=1))  # a retake: not evidence
    day = (clock() - timedelta(days=3)).strftime("%d/%m/%Y")

    login(client, "cand@example.org")
    text = page_text(client.get(f"/certifications/inscriptions/{enrolment.id}").get_data(True))
    assert f"Fiscalité : réussi le {day} (2 / 2 bonnes réponses)" in text
    assert "RGPD : à réussir" in text  # never sat: no evidence

    login(client, "jury@example.org")
    grid = f"/certifications/inscriptions/{enrolment.id}/evaluation"
    text = page_text(client.get(grid).get_data(as_text=True))
    assert f"Fiscalité réussi le {day} (2 / 2 bonnes réponses)" in text
