"""A judge of an Angoff panel has read its items: they are not enrolled as a candidate in a
certification session of the theme while the bank can still draw one of those items."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import select

from questionnaire.auth.models import Role
from questionnaire.banks.models import ItemVersion, VersionStatus
from questionnaire.exams.models import Enrolment, SessionPurpose
from questionnaire.exams.services import ExamConfigError, enrol
from questionnaire.reports import angoff
from tests.admin.test_admin import enrol_one, upload
from tests.conftest import bank_yaml, page_text

REFUSED = (
    "Bruno Blanc est juge du panel Angoff « Seuil 2026 » (session « Session test ») de ce "
    "thème : ayant lu ses items, que la banque peut encore tirer, cette personne ne peut pas "
    "être inscrite comme candidate à une session de certification de ce thème."
)


@pytest.fixture
def judged(make_session, make_user, loaded_bank, clock, db):
    """A panel on a session of the theme judged by Bruno (jury and candidate), and a session
    of the same theme ahead."""
    theme = loaded_bank(bank_yaml(topics={"alpha": 2, "beta": 2}))
    judged_session, _ = make_session(theme=theme)
    ada = make_user(Role.JURY, email="ada@example.org", name="Ada Arnaud")
    bruno = make_user(Role.JURY, Role.CANDIDATE, email="bruno@example.org", name="Bruno Blanc")
    panel = angoff.create_panel(judged_session, "Seuil 2026", [ada, bruno], ada, clock())
    ahead, _ = make_session(theme=theme, opens_in=timedelta(days=3))
    db.session.commit()
    return panel, ahead, bruno


def _enrolled(db, user) -> set[int]:
    return set(
        db.session.execute(select(Enrolment.session_id).where(Enrolment.user_id == user.id))
        .scalars()
        .all()
    )


def _text(response) -> str:
    return html.unescape(page_text(response.get_data(as_text=True)))


def test_the_enrolment_form_refuses_a_judge_of_the_theme(client, admin, judged, db):
    _panel, ahead, bruno = judged
    _url, _token, response = enrol_one(client, ahead, bruno.email, "0")
    assert response.status_code == 422 and REFUSED in _text(response)
    assert _enrolled(db, bruno) == set()


def test_the_enrolment_file_refuses_a_judge_of_the_theme(client, admin, judged, make_user, db):
    _panel, ahead, bruno = judged
    other = make_user(email="other@example.org")
    response = upload(client, ahead, f"Courriel\n{other.email}\n{bruno.email}\n", "i.csv")
    assert response.status_code == 422
    assert f"Ligne 3 : {REFUSED}" in _text(response)
    assert _enrolled(db, bruno) == set() and _enrolled(db, other) == set()  # all or nothing


def test_the_service_refuses_a_judge_and_lets_the_others_through(judged, make_user, clock):
    _panel, ahead, bruno = judged
    with pytest.raises(ExamConfigError, match="juge du panel Angoff « Seuil 2026 »"):
        enrol(ahead, bruno, clock())
    assert enrol(ahead, make_user(Role.JURY, Role.CANDIDATE), clock()) is not None


def test_a_training_session_or_a_panel_whose_items_left_the_bank_does_not_refuse(
    judged, make_session, db, clock
):
    panel, ahead, bruno = judged
    training, _ = make_session(
        theme=ahead.questionnaire.theme, purpose=SessionPurpose.TRAINING, opens_in=timedelta(1)
    )
    assert enrol(training, bruno, clock()) is not None  # its copies never count
    versions = db.session.execute(
        select(ItemVersion).where(ItemVersion.id.in_(panel.item_version_ids))
    ).scalars()
    for version in versions:  # every item of the panel retired: nothing read can be drawn
        version.status = VersionStatus.RETIRED
    db.session.flush()
    assert enrol(ahead, bruno, clock()) is not None
