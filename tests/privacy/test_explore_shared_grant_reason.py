"""Erasure and a reason typed once for several copies (« Poste de Bruno Bloqué figé, ses voisins
dérangés »): the reason naming the erased person is removed from the other candidates' grants
too, where it showed on the incident page and in those candidates' own data exports; a reason
that does not name them stays."""

from __future__ import annotations

from sqlalchemy import select

from questionnaire.attempts.services import find_enrolment, start_attempt, submit_attempt
from questionnaire.auth.models import Role
from questionnaire.exams.services import enrol
from questionnaire.incidents.models import CopyTimeExtension
from questionnaire.incidents.services import grant_copies_extra_time
from questionnaire.privacy.services import ERASED_GRANT_REASON, erase_user
from tests.conftest import login

SHARED = "Poste de Bruno Bloqué figé, ses voisins dérangés"


def test_a_shared_reason_naming_the_erased_person_leaves_the_others_grants(
    client, make_session, make_user, db, clock
):
    bruno = make_user(name="Bruno Bloqué", email="bruno@example.org")
    camille = make_user(name="Camille Calme", email="camille@example.org")
    denis = make_user(name="Denis Voisin", email="denis@example.org")
    session, _ = make_session(duration=30, candidate=bruno)
    for user in (camille, denis):
        enrol(session, user, clock())
    copies = {
        user.id: start_attempt(find_enrolment(user, session.id), clock(), 30)[0]
        for user in (bruno, camille, denis)
    }
    admin = make_user(Role.ADMIN, email="ada@example.org", name="Ada Admin")
    clock.advance(minutes=10)
    grant_copies_extra_time(
        session, [copies[bruno.id].id, copies[camille.id].id], 10, SHARED, admin, clock(), 30
    )
    grant_copies_extra_time(session, [copies[denis.id].id], 5, "Coupure réseau", admin, clock(), 30)
    for copy in copies.values():
        submit_attempt(copy, clock(), 30)
    db.session.commit()

    erase_user(bruno, admin, "Demande écrite du 3 mars", clock())
    db.session.commit()

    reasons = {
        grant.attempt.user_id: grant.reason
        for grant in db.session.execute(select(CopyTimeExtension)).scalars()
    }
    assert reasons == {
        bruno.id: ERASED_GRANT_REASON,
        camille.id: ERASED_GRANT_REASON,
        denis.id: "Coupure réseau",
    }
    login(client, "camille@example.org")
    (grant,) = client.get("/mes-donnees/export.json").get_json()["copy_extra_time"]
    assert "Bruno" not in grant["reason"] and grant["minutes"] == 10
