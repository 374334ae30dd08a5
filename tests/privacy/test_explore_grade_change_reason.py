"""The data export and a scoring decision's reason: the reason of a re-key may quote the right
answer (« la bonne réponse est C »), so it waits, as the correction on the results page does,
for the session's correction to be released to the candidate (not while others still compose,
nor before a certification retake of the same theme)."""

from __future__ import annotations

from datetime import timedelta

from questionnaire.attempts.grading import rekey_item
from questionnaire.attempts.models import Attempt
from questionnaire.auth.models import Role
from questionnaire.exams.models import SessionPurpose
from questionnaire.exams.services import create_session, enrol
from tests.conftest import login


def _sit_and_rekey(client, make_session, make_user, db, clock):
    """The candidate gives a wrong answer to the first item and hands in; that item is re-keyed
    to the answer given. Returns the session, the candidate and the reason typed."""
    session, candidate = make_session()
    token = login(client, candidate.email)
    body = client.post(
        f"/api/v1/sessions/{session.id}/attempt", headers={"X-CSRFToken": token}
    ).get_json()
    attempt = db.session.get(Attempt, body["attempt_id"])
    first = attempt.items[0]
    given = next(key for key in "ABCD" if key not in first.version.correct_keys)
    client.put(
        f"/api/v1/attempts/{attempt.id}/responses/{first.external_id}",
        json={"selected": [given], "seq": 1},
        headers={"X-CSRFToken": token},
    )
    client.post(f"/api/v1/attempts/{attempt.id}/submit", headers={"X-CSRFToken": token})
    db.session.expire_all()
    reason = f"Clé erronée : la bonne réponse est {given}."
    jury = make_user(Role.JURY, email="jury@example.org", name="Jeanne Jury")
    rekey_item(first.version, [given], jury, reason, clock(), session)
    db.session.commit()
    return session, candidate, reason


def _exported_changes(client, candidate):
    login(client, candidate.email)
    return client.get("/mes-donnees/export.json").get_json()["grade_changes"]


def test_the_reason_waits_for_the_session_to_close_while_others_still_compose(
    client, make_session, make_user, db, clock
):
    session, candidate, reason = _sit_and_rekey(client, make_session, make_user, db, clock)

    (change,) = _exported_changes(client, candidate)
    assert change["reason"] is None
    assert change["reason_withheld"] is True
    assert (change["new_score"], change["changed_by"]) == (change["old_score"] + 1, "Jeanne Jury")

    clock.now = session.closes_at + timedelta(hours=1)
    (change,) = _exported_changes(client, candidate)
    assert (change["reason"], change["reason_withheld"]) == (reason, False)


def test_the_reason_waits_for_a_certification_retake_of_the_same_theme(
    client, make_session, make_user, db, clock
):
    session, candidate, _reason = _sit_and_rekey(client, make_session, make_user, db, clock)
    clock.now = session.closes_at + timedelta(hours=1)
    retake = create_session(
        session.questionnaire,
        "Rattrapage",
        clock() + timedelta(days=7),
        clock() + timedelta(days=8),
        clock(),
        session.release_policy,
        SessionPurpose.CERTIFICATION,
    )
    enrol(retake, candidate, clock())
    db.session.commit()

    (change,) = _exported_changes(client, candidate)
    assert (change["reason"], change["reason_withheld"]) == (None, True)
