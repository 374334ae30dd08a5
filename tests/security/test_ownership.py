"""Ownership, attacked with real data: candidate Bob changes ids in URLs and bodies to reach
Alice's copies, results, sessions and records, on the HTML pages and the JSON API; author Bea
tries the same on Alice's drafts.

Each refusal is checked twice: by its status, and by the absence of Alice's data in the body
(her name, address, session title, the questions of her copy). Then nothing of hers changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from questionnaire.attempts import services as attempts
from questionnaire.attempts.models import Attempt, AttemptStatus
from questionnaire.auth.models import Role
from questionnaire.banks.models import Item, VersionStatus
from questionnaire.exams.models import ReleasePolicy, SessionPurpose
from tests.authoring.conftest import editor_data
from tests.certification.conftest import referentials  # noqa: F401 (fixture)
from tests.conftest import form_token, login, page_text
from tests.web.test_candidate_pages import html_login

ALICE, ALICE_EMAIL = "Alice Victime", "alice.victime@example.org"


@dataclass
class World:
    """Alice's copies and records, and Bob's own sessions, by name."""

    ids: dict
    secrets: list[str]  # what of Alice's must never appear in a page given to Bob


def _title(session, title, db):
    session.title = title
    db.session.commit()
    return session


@pytest.fixture
def world(db, clock, make_session, make_user, referentials):  # noqa: F811
    from questionnaire.certification.services import register_candidate

    alice = make_user(email=ALICE_EMAIL, name=ALICE)
    bob = make_user(email="bob.intrus@example.org", name="Bob Intrus")
    admin = make_user(Role.ADMIN, email="admin-own@example.org")
    open_session, _ = make_session(candidate=alice)
    _title(open_session, "Session d'Alice en cours", db)
    training, _ = make_session(
        candidate=alice, release=ReleasePolicy.IMMEDIATE, purpose=SessionPurpose.TRAINING
    )
    _title(training, "Entraînement d'Alice remis", db)
    own, _ = make_session(candidate=bob)
    later, _ = make_session(candidate=bob, opens_in=timedelta(days=2))
    closed, _ = make_session(candidate=bob)
    closed.opens_at, closed.closes_at = clock() - timedelta(days=3), clock() - timedelta(days=2)

    in_progress, _ = attempts.start_attempt(
        attempts.find_enrolment(alice, open_session.id), clock(), 30
    )
    first = in_progress.items[0]
    attempts.save_response(in_progress, first, [first.option_order[0]], 1, clock(), 30)
    done, _ = attempts.start_attempt(attempts.find_enrolment(alice, training.id), clock(), 30)
    attempts.submit_attempt(done, clock(), 30)
    bobs, _ = attempts.start_attempt(attempts.find_enrolment(bob, own.id), clock(), 30)
    drawn = {ai.external_id for ai in bobs.items}
    outside = db.session.execute(
        select(Item.external_id).where(Item.external_id.not_in(drawn)).order_by(Item.id)
    ).scalars()
    certification = referentials["charge-clientele-particuliers"]
    transcript = register_candidate(certification, alice.email, admin, clock())
    db.session.commit()
    stems = [ai.version.stem for ai in (*in_progress.items, *done.items)]
    return World(
        ids={
            "open": in_progress.id,
            "done": done.id,
            "item": first.external_id,
            "selected": first.selected,
            "alice_session": open_session.id,
            "alice_training": training.id,
            "bob_attempt": bobs.id,
            "outside_item": next(iter(outside)),
            "later": later.id,
            "closed": closed.id,
            "transcript": transcript.id,
            "bob": bob.email,
        },
        secrets=[ALICE, ALICE_EMAIL, open_session.title, training.title, *stems],
    )


def _alice_untouched(db, world: World) -> None:
    db.session.expire_all()
    copy = db.session.get(Attempt, world.ids["open"])
    assert copy.status is AttemptStatus.IN_PROGRESS
    first = next(ai for ai in copy.items if ai.external_id == world.ids["item"])
    assert first.selected == world.ids["selected"]
    assert not any(ai.flagged for ai in copy.items)


def _no_secret(body: str, world: World) -> None:
    leaked = [secret for secret in world.secrets if secret in body]
    assert leaked == []


# (method, URL, form or JSON body, expected status); {names} are the world's ids
HTML_CASES = [
    ("GET", "/copies/{open}/questions/1", None, 404),
    ("GET", "/copies/{open}/questions/2", None, 404),
    ("POST", "/copies/{open}/questions/1", {"answer": "A", "flagged": "y"}, 404),
    ("GET", "/copies/{open}/revue", None, 404),
    ("POST", "/copies/{open}/revue", {"confirm": "y"}, 404),
    ("GET", "/copies/{open}/resultat", None, 404),
    ("GET", "/copies/{done}/resultat", None, 404),
    ("GET", "/copies/{done}/revue", None, 404),
    ("GET", "/sessions/{alice_session}", None, 404),
    ("POST", "/sessions/{alice_session}", {}, 404),
    ("POST", "/sessions/{alice_training}", {}, 404),
    ("GET", "/certifications/inscriptions/{transcript}", None, 404),
    ("GET", "/certifications/inscriptions/{transcript}/attestation.pdf", None, 404),
    ("GET", "/certifications", None, 200),
    ("GET", "/", None, 200),
    ("GET", "/mes-donnees/export.json", None, 200),
]

API_CASES = [
    ("GET", "/api/v1/attempts/{open}", None, 404),
    ("GET", "/api/v1/attempts/{open}/deadline", None, 404),
    ("GET", "/api/v1/attempts/{done}", None, 404),
    ("PUT", "/api/v1/attempts/{open}/responses/{item}", {"selected": ["B"], "seq": 9}, 404),
    ("PUT", "/api/v1/attempts/{open}/flags/{item}", {"flagged": True}, 404),
    ("POST", "/api/v1/attempts/{open}/submit", None, 404),
    ("POST", "/api/v1/attempts/{done}/submit", None, 404),
    ("POST", "/api/v1/sessions/{alice_session}/attempt", None, 404),
    ("POST", "/api/v1/sessions/{alice_training}/attempt", None, 404),
    ("GET", "/api/v1/sessions", None, 200),
    # Bob's own copy, with an item of the bank his form did not draw, or of Alice's copy
    ("PUT", "/api/v1/attempts/{bob_attempt}/responses/{outside_item}", {"selected": []}, 404),
    ("PUT", "/api/v1/attempts/{bob_attempt}/flags/{outside_item}", {"flagged": True}, 404),
]


def _ids(cases):
    return [f"{method} {url}" for method, url, *_ in cases]


@pytest.mark.parametrize(("method", "url", "data", "status"), HTML_CASES, ids=_ids(HTML_CASES))
def test_a_candidate_reaches_nothing_of_another_on_the_pages(
    client, db, world, method, url, data, status
):
    html_login(client, world.ids["bob"])
    url = url.format(**world.ids)
    if method == "POST":
        data = {**data, "csrf_token": form_token(client, "/")}
    response = client.open(url, method=method, data=data)
    assert response.status_code == status
    _no_secret(response.get_data(as_text=True), world)
    _alice_untouched(db, world)
    if url.endswith(".json"):  # Bob's own data, nothing else
        exported = json.loads(response.get_data(as_text=True))
        assert {a["attempt_id"] for a in exported["attempts"]} == {world.ids["bob_attempt"]}


@pytest.mark.parametrize(("method", "url", "body", "status"), API_CASES, ids=_ids(API_CASES))
def test_a_candidate_reaches_nothing_of_another_through_the_api(
    client, db, world, method, url, body, status
):
    token = login(client, world.ids["bob"])
    if body is not None and "selected" in body:
        body = {"seq": 9, **body}
    response = client.open(
        url.format(**world.ids), method=method, json=body, headers={"X-CSRFToken": token}
    )
    assert response.status_code == status, response.get_json()
    assert response.is_json
    _no_secret(response.get_data(as_text=True), world)
    _alice_untouched(db, world)
    if status == 404:
        assert response.get_json()["error"]["code"] in ("not_found", "not_enrolled", "unknown_item")
    if url == "/api/v1/sessions":
        listed = {s["id"] for s in response.get_json()}
        assert world.ids["alice_session"] not in listed
        assert world.ids["alice_training"] not in listed


@pytest.mark.parametrize("when", ["later", "closed"])
def test_an_enrolled_candidate_starts_no_copy_outside_the_session_hours(client, db, world, when):
    session_id = world.ids[when]
    token = login(client, world.ids["bob"])
    response = client.post(f"/api/v1/sessions/{session_id}/attempt", headers={"X-CSRFToken": token})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "session_not_open"
    client.post("/api/v1/auth/logout", headers={"X-CSRFToken": token})
    html_login(client, world.ids["bob"])
    page = f"/sessions/{session_id}"
    response = client.post(page, data={"csrf_token": form_token(client, page)})
    assert response.status_code == 302 and response.headers["Location"] == page
    assert "La session n'est pas ouverte." in page_text(client.get(page).get_data(as_text=True))
    assert (
        db.session.execute(
            select(Attempt).where(Attempt.session_id == session_id)
        ).scalar_one_or_none()
        is None
    )


# ---------------------------------------------------------------- authoring


@pytest.fixture
def drafts(db, clock, loaded_bank, make_user):
    """Alice's own draft and her version in review; Bea, another author, and a reviewer."""
    from questionnaire.authoring import services as authoring
    from tests.authoring.test_lifecycle import parsed

    theme = loaded_bank()
    alice = make_user(Role.AUTHOR, email="alice.auteur@example.org", name=ALICE)
    bea = make_user(Role.AUTHOR, email="bea.autrice@example.org", name="Bea Autrice")
    draft = authoring.save_item(None, theme, parsed("Brouillon secret d'Alice ?"), alice, clock())
    review = authoring.save_item(
        None, theme, parsed("Version d'Alice en relecture ?"), alice, clock()
    )
    authoring.submit(review, alice, clock())
    db.session.commit()
    return {"draft": draft.item.external_id, "review": review.item.external_id, "bea": bea.email}


HIJACK = editor_data("", stem="Énoncé remplacé par Bea ?")
AUTHORING_CASES = [
    # (method, URL, form, what Bea is told)
    ("GET", "/atelier/items/{draft}/modifier", None, "brouillon d'un autre auteur"),
    ("POST", "/atelier/items/{draft}/modifier", HIJACK, "brouillon d'un autre auteur"),
    ("POST", "/atelier/items/{draft}/versions/1/soumettre", {}, "Seul l'auteur du brouillon"),
    ("POST", "/atelier/items/{draft}/versions/1/prendre-en-charge", {}, "sans auteur"),
    ("POST", "/atelier/items/{review}/versions/1/reprendre", {}, "Seul l'auteur peut retirer"),
    ("POST", "/atelier/items/{review}/modifier", HIJACK, "en relecture"),
]


@pytest.mark.parametrize(
    ("method", "url", "data", "told"), AUTHORING_CASES, ids=_ids(AUTHORING_CASES)
)
def test_an_author_changes_nothing_of_another_authors_versions(
    client, db, drafts, method, url, data, told
):
    from questionnaire.authoring import services as authoring

    def state():
        db.session.expire_all()
        return {
            key: [
                (v.number, v.status, v.stem, authoring.authorship_of(v).author_id)
                for v in authoring.find_item(drafts[key]).versions
            ]
            for key in ("draft", "review")
        }

    before = state()
    login(client, drafts["bea"])
    url = url.format(**drafts)
    if method == "POST":
        data = {**data, "csrf_token": form_token(client, "/atelier/")}
    response = client.open(url, method=method, data=data)
    if method == "POST" and url.endswith("/modifier"):
        # refused on the editor itself, what was typed kept (tests/authoring)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith(
            url.split("/versions")[0].replace("/modifier", "")
        )
        page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert told in page_text(page).replace("&#39;", "'")
    assert state() == before
    assert before["draft"][0][1] is VersionStatus.DRAFT
    assert before["review"][0][1] is VersionStatus.IN_REVIEW


# ---------------------------------------------------------------- jury and administrators

SEED_002 = "cqp-charge-clientele-professionnels"  # prerequisites, one evaluator
SEED_003 = "cqp-charge-accueil-relation-clients-adherents"  # observations, two evaluators


@pytest.fixture
def own_candidacy(db, clock, make_user, referentials):  # noqa: F811
    """Jules, of the jury, is also a candidate of seeds 002 and 003; Jeanne, of the jury, and an
    administrator have already recorded on his candidacy what he may not remove."""
    from questionnaire.certification import observations
    from questionnaire.certification.models import EvaluatorQuality
    from questionnaire.certification.services import (
        add_accommodation,
        designate_evaluators,
        register_candidate,
    )

    admin = make_user(Role.ADMIN, email="admin-cert@example.org")
    jules = make_user(Role.JURY, Role.CANDIDATE, email="jules@example.org", name="Jules Juré")
    jeanne = make_user(Role.JURY, email="jeanne@example.org", name="Jeanne Jury")
    paul = make_user(Role.JURY, email="paul@example.org", name="Paul Jury")
    own_002 = register_candidate(referentials[SEED_002], jules.email, admin, clock())
    own_003 = register_candidate(referentials[SEED_003], jules.email, admin, clock())
    accommodation = add_accommodation(own_002, "Tiers temps", admin, clock())
    designate_evaluators(own_003, jeanne, paul, EvaluatorQuality.EXPERT_INTERNE, admin, clock())
    observed = observations.observed_blocks(own_003)[0].block
    observation = observations.record_observation(
        own_003, observed, clock().date(), "telephone", False, "", jeanne, clock()
    )
    db.session.commit()
    competency = next(
        c for c in referentials[SEED_002].blocks[0].competencies if c.is_jury_evaluated
    )
    return {
        "jules": jules.email,
        "jules_id": jules.id,
        "paul_id": paul.id,
        "own_002": own_002.id,
        "own_003": own_003.id,
        "accommodation": accommodation.id,
        "observation": observation.id,
        "code": observed.code,
        "competency": competency.id,
        "prerequisite": referentials[SEED_002].prerequisites[0].id,
    }


def _records(db, ids) -> dict:
    from questionnaire.certification.models import (
        Accommodation,
        CertificationEnrolment,
        JuryEvaluation,
        ObservedInterview,
    )

    db.session.expire_all()
    counts = {
        model.__name__: db.session.execute(select(sa.func.count()).select_from(model)).scalar()
        for model in (Accommodation, JuryEvaluation, ObservedInterview)
    }
    enrolments = [db.session.get(CertificationEnrolment, ids[k]) for k in ("own_002", "own_003")]
    counts["prerequisites"] = sum(len(e.prerequisite_records) for e in enrolments)
    counts["designated"] = sorted(
        d.evaluator_id for e in enrolments for d in e.designated_evaluators
    )
    return counts


# (what Jules tries on his own candidacy, URL, form[, what he is told]) — each is refused
OWN_CANDIDACY_CASES = [
    ("adapt", "/certifications/inscriptions/{own_002}/amenagements", {"description": "1/3"}),
    (
        "unadapt",
        "/certifications/inscriptions/{own_002}/amenagements/{accommodation}/suppression",
        {},
    ),
    (
        "attest",
        "/certifications/inscriptions/{own_002}/prerequis/{prerequisite}",
        {"p{prerequisite}-met_on": "2026-03-01"},
        "atteste vos prérequis",
    ),
    (
        "evaluate",
        "/certifications/inscriptions/{own_002}/evaluation",
        {"competency": "{competency}", "c{competency}-outcome": "acquired"},
    ),
    (
        "designate",
        "/certifications/inscriptions/{own_003}/evaluateurs",
        {"expert": "{jules_id}", "second": "{paul_id}", "second_quality": "expert_interne"},
        "désigne vos évaluateurs",
    ),
    (
        "observe",
        "/certifications/inscriptions/{own_003}/observations/{code}",
        {"observed_on": "2026-03-01", "channel": "telephone"},
    ),
    (
        "unobserve",
        "/certifications/inscriptions/{own_003}/observations/{observation}/suppression",
        {},
    ),
]


@pytest.mark.parametrize(
    ("action", "url", "data", "told"),
    [(*case, "propre candidature")[:4] for case in OWN_CANDIDACY_CASES],
    ids=[case[0] for case in OWN_CANDIDACY_CASES],
)
def test_a_jury_member_records_nothing_on_their_own_candidacy(
    client, db, own_candidacy, action, url, data, told
):
    ids = own_candidacy
    before = _records(db, ids)
    login(client, ids["jules"])
    transcript = f"/certifications/inscriptions/{ids['own_002']}"
    form = {key.format(**ids): value.format(**ids) for key, value in data.items()}
    response = client.post(
        url.format(**ids), data={**form, "csrf_token": form_token(client, transcript)}
    )
    assert response.status_code in (400, 403, 422), response.status_code
    shown = page_text(response.get_data(as_text=True))
    assert told in shown
    assert _records(db, ids) == before


@pytest.fixture
def two_of_each(db, clock, make_session, make_user, referentials):  # noqa: F811
    """Two of each parent (session, certification enrolment), a child under the second."""
    from questionnaire.certification.services import add_accommodation, register_candidate

    admin = make_user(Role.ADMIN, email="admin-two@example.org")
    first, _ = make_session()
    second, other = make_session()
    enrolments = [
        register_candidate(referentials[slug], make_user().email, admin, clock())
        for slug in ("charge-clientele-particuliers", SEED_002)
    ]
    accommodation = add_accommodation(enrolments[1], "Tiers temps", admin, clock())
    db.session.commit()
    from questionnaire.admin.services import find_enrolment

    return {
        "admin": admin.email,
        "session": first.id,
        "foreign_enrolment": find_enrolment(second, other).id,
        "enrolment": enrolments[0].id,
        "foreign_accommodation": accommodation.id,
        "foreign_prerequisite": referentials[SEED_002].prerequisites[0].id,
    }


# a child named under another parent than its own: the URL's pair must hold together
CROSSED_CASES = [
    ("POST", "/admin/sessions/{session}/inscriptions/{foreign_enrolment}", {"extra_time": "50"}),
    ("GET", "/admin/sessions/{session}/inscriptions/{foreign_enrolment}/supprimer", None),
    ("POST", "/admin/sessions/{session}/inscriptions/{foreign_enrolment}/supprimer", {}),
    (
        "POST",
        "/certifications/inscriptions/{enrolment}/amenagements/{foreign_accommodation}/suppression",
        {},
    ),
    (
        "POST",
        "/certifications/inscriptions/{enrolment}/prerequis/{foreign_prerequisite}",
        {"p{foreign_prerequisite}-met_on": "2026-03-01"},
    ),
]


@pytest.mark.parametrize(("method", "url", "data"), CROSSED_CASES, ids=_ids(CROSSED_CASES))
def test_a_child_named_under_another_parent_is_not_found(
    client, db, two_of_each, method, url, data
):
    from questionnaire.certification.models import Accommodation, CertificationEnrolment
    from questionnaire.exams.models import Enrolment

    ids = two_of_each
    login(client, ids["admin"])
    if method == "POST":
        data = {key.format(**ids): v for key, v in data.items()}
        data["csrf_token"] = form_token(client, "/")
    response = client.open(url.format(**ids), method=method, data=data)
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Enrolment, ids["foreign_enrolment"]).extra_time_percent == 0
    assert db.session.get(Accommodation, ids["foreign_accommodation"]) is not None
    assert db.session.get(CertificationEnrolment, ids["enrolment"]).prerequisite_records == []


def test_a_data_export_gives_no_address_a_staff_member_acted_from(
    app, client, make_user, clock, db
):
    """The journal keeps the address of whoever acted; an event about a candidate done by an
    administrator is in the candidate's export, the administrator's address is not."""
    from questionnaire.audit.services import record

    candidate, admin = make_user(), make_user(Role.ADMIN)
    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.9"}):
        record("admin.enrolment_update", clock(), actor_id=admin.id, subject_id=candidate.id)
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.5"}):
        record("auth.login_failed", clock(), subject_id=candidate.id)
    db.session.commit()
    login(client, candidate.email)
    exported = client.get("/mes-donnees/export.json")
    events = {e["action"]: e["address"] for e in json.loads(exported.get_data())["audit_events"]}
    assert events["admin.enrolment_update"] is None
    assert "198.51.100.9" not in exported.get_data(as_text=True)
    assert events["auth.login_failed"] == "203.0.113.5"  # a login to their account: theirs to see
    assert events["auth.login"] == "127.0.0.1"
