"""The candidate's role is not taken away from someone who still has to compose: the candidate
pages need it, and the copy being written would be lost to its author."""

from sqlalchemy import select

from questionnaire.attempts.services import find_enrolment, start_attempt, submit_attempt
from questionnaire.auth.models import Role, User
from tests.conftest import form_token, page_text


def edit_roles(client, user, roles):
    url = f"/admin/utilisateurs/{user.id}"
    data = {
        "csrf_token": form_token(client, url),
        "display_name": user.display_name,
        "roles": roles,
        "active": "y",
    }
    return client.post(url, data=data)


def roles_of(db, user) -> set[Role]:
    db.session.expire_all()
    return db.session.execute(select(User).where(User.id == user.id)).scalar_one().roles


def test_an_enrolled_candidate_keeps_the_role_until_they_have_composed(
    client, admin, make_session, make_user, db, clock
):
    candidate = make_user(name="Camille Candidat")
    session, _ = make_session(candidate=candidate)
    refused = edit_roles(client, candidate, ["jury"])
    assert refused.status_code == 422
    text = page_text(refused.get_data(as_text=True))
    assert "Camille Candidat est inscrit(e) à la session « Session test »" in text
    assert "Désinscrivez-la d'abord" in text
    assert roles_of(db, candidate) == {Role.CANDIDATE}
    # writing their copy: still refused
    attempt, _ = start_attempt(find_enrolment(candidate, session.id), clock(), 30)
    db.session.commit()
    assert edit_roles(client, candidate, ["jury"]).status_code == 422
    # handed in: the role may go
    submit_attempt(attempt, clock(), 30)
    db.session.commit()
    assert edit_roles(client, candidate, ["jury"]).status_code == 302
    assert roles_of(db, candidate) == {Role.JURY}


def test_an_absent_candidate_of_a_closed_session_may_lose_the_role(
    client, admin, make_session, make_user, db, clock
):
    candidate = make_user()
    make_session(candidate=candidate)
    clock.advance(days=2)  # the session closed without them
    assert edit_roles(client, candidate, ["jury"]).status_code == 302
    assert roles_of(db, candidate) == {Role.JURY}


def test_a_candidate_with_no_enrolment_may_lose_the_role(client, admin, make_user, db):
    candidate = make_user()
    assert edit_roles(client, candidate, ["reviewer"]).status_code == 302
    assert roles_of(db, candidate) == {Role.REVIEWER}
