"""The jury corrects an item's key for one session: attempts re-graded, audited, reported."""

from __future__ import annotations

import re

from sqlalchemy import select

from questionnaire.attempts.grading import neutralise_item
from questionnaire.attempts.models import Attempt, DecisionKind, GradeChange, ScoringDecision
from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role
from questionnaire.reports.session_report import build_session_report
from tests.conftest import form_token, login


def _version_of(attempts, position):
    return next(ai.version for ai in attempts[0].items if ai.position == position)


def _checked(page: str) -> list[str]:
    return sorted(
        re.findall(r'<input checked id="keys-\d" name="keys" type="checkbox" value="(\w)"', page)
    )


def _url(session, version=None) -> str:
    base = f"/rapports/sessions/{session.id}/corriger-cle"
    return base if version is None else f"{base}?item={version.id}"


def test_correcting_a_key_regrades_the_session_and_is_reported(
    client, make_user, sit_session, db, clock
):
    session, _, attempts = sit_session()
    jury = make_user(Role.JURY, email="jury@example.org", name="Membre Jury")
    login(client, jury.email)
    assert "Corriger la clé d'un item" in client.get(f"/rapports/sessions/{session.id}").text
    version = _version_of(attempts, 4)  # TST-0004, single answer, key A; the wrong answers chose B
    chooser = client.get(_url(session))
    assert (
        chooser.status_code == 200 and f'<option value="{version.id}">TST-0004 v1' in chooser.text
    )
    page = client.get(_url(session, version))
    assert page.status_code == 200
    assert _checked(page.text) == ["A"]  # the key in effect, ticked
    assert "Réponse B de la question 4" in page.text and "<legend>" in page.text

    data = {"csrf_token": form_token(client, _url(session, version)), "keys": "B",
            "reason": "Clé erronée signalée par l'analyse"}  # fmt: skip
    response = client.post(_url(session, version), data=data)
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).text
    assert "Clé corrigée : 10 copie(s) recalculée(s), 7 note(s) modifiée(s)." in shown
    decision = db.session.execute(select(ScoringDecision)).scalar_one()
    assert (decision.kind, decision.session_id, decision.correct_keys) == (
        DecisionKind.REKEY, session.id, ["B"],
    )  # fmt: skip
    # By hand, from the patterns: item 4 now right for those who answered B (wrong before),
    # wrong for those who answered A; blanks stay 0. 3 of 4 needed (60 % of 4 = 2.4).
    scores = [
        (a.score, a.passed)
        for a in db.session.execute(select(Attempt).order_by(Attempt.id)).scalars()
    ]
    assert scores == [
        (3, True), (4, True), (2, False), (2, False), (3, True),
        (3, True), (2, False), (1, False), (1, False), (0, False),
    ]  # fmt: skip
    assert len(db.session.execute(select(GradeChange)).scalars().all()) == 7
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert actions.count("scoring.rekey") == 1 and actions.count("grade.change") == 7
    (row,) = build_session_report(session, clock()).table("decisions").rows
    # notes changed, passes turned into failures (copies 3, 4), failures into passes (5, 6)
    assert row[1:] == ("TST-0004 v1", "clé corrigée", "B", "Clé erronée signalée par l'analyse",
                       "Membre Jury", 7, 2, 2)  # fmt: skip
    assert version.correct_keys == frozenset({"A"})  # the bank's version is unchanged

    page = client.get(_url(session, version))
    assert _checked(page.text) == ["B"]
    # a second tab, opened before the decision, sends the same correction
    response = client.post(_url(session, version), data=data)
    assert response.status_code == 422
    assert "C&#39;est déjà la clé en vigueur dans cette session" in response.text
    assert len(db.session.execute(select(ScoringDecision)).scalars().all()) == 1


def test_refused_corrections_change_nothing_and_keep_what_was_typed(
    client, make_user, sit_session, db, clock
):
    session, _, attempts = sit_session()
    jury = make_user(Role.JURY, email="jury@example.org")
    login(client, jury.email)
    version = _version_of(attempts, 4)
    url = _url(session, version)
    token = form_token(client, url)
    cases = [
        ({"keys": "B", "reason": " "}, "Indiquez le motif de la correction."),
        ({"reason": "Motif gardé"}, "Cochez au moins une bonne réponse."),
        ({"keys": ["B", "C"], "reason": "Motif gardé"},
         "Un item à réponse unique n&#39;a qu&#39;une bonne réponse."),
        ({"keys": "Z", "reason": "Motif gardé"}, "Choisissez parmi les options de l&#39;item."),
    ]  # fmt: skip
    for fields, message in cases:
        response = client.post(url, data={"csrf_token": token, **fields})
        assert response.status_code == 422, fields
        assert message in response.text, fields
        assert 'role="alert"' in response.text
        if fields["reason"].strip():
            assert "Motif gardé</textarea>" in response.text
    assert _checked(client.post(url, data={"csrf_token": token, "keys": ["B", "C"]}).text) == [
        "B", "C",
    ]  # fmt: skip
    assert db.session.execute(select(ScoringDecision)).first() is None
    assert db.session.execute(select(GradeChange)).first() is None


def test_only_an_item_scored_in_the_session_can_be_corrected(
    client, make_user, sit_session, db, clock
):
    session, _, attempts = sit_session()
    other, _, other_attempts = sit_session()
    jury = make_user(Role.JURY, email="jury@example.org")
    neutralised = _version_of(attempts, 1)
    neutralise_item(neutralised, session, jury, "Ambigu", clock())
    db.session.commit()
    login(client, jury.email)
    for item in (str(neutralised.id), "999999", "abc", "-1"):
        response = client.get(f"{_url(session)}?item={item}")
        assert response.status_code == 422, item
        assert "<select" in response.text and "Corriger la clé et recalculer" not in response.text
        if item != "abc":
            assert "Choisissez un item noté dans cette session." in response.text
    assert f'value="{neutralised.id}"' not in client.get(_url(session)).text
    response = client.post(
        f"{_url(session)}?item={neutralised.id}",
        data={"csrf_token": form_token(client, _url(session)), "keys": "A", "reason": "x"},
    )
    assert response.status_code == 422
    assert (
        len(db.session.execute(select(ScoringDecision)).scalars().all()) == 1
    )  # the neutralisation
    assert other.id != session.id and other_attempts


def test_only_the_jury_corrects_keys_and_a_form_needs_its_token(client, make_user, sit_session, db):
    session, _, attempts = sit_session()
    version = _version_of(attempts, 4)
    for role in (Role.ADMIN, Role.AUTHOR, Role.CANDIDATE):
        login(client, make_user(role, email=f"{role.value}@example.org").email)
        assert client.get(_url(session, version)).status_code == 403, role
        client.post("/deconnexion", data={"csrf_token": form_token(client, "/")})
    login(client, make_user(Role.JURY, email="jury@example.org").email)
    response = client.post(_url(session, version), data={"keys": "B", "reason": "Sans jeton"})
    assert response.status_code in (302, 400)
    assert db.session.execute(select(ScoringDecision)).first() is None
