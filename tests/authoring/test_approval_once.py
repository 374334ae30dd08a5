"""A version is approved once: a second reviewer's approval (a page left open, a double click,
two reviewers at once) is refused and the first approver stays on record."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from questionnaire.auth.models import Role
from questionnaire.authoring import services
from questionnaire.authoring.models import EventKind, ReviewEvent
from tests.authoring.test_lifecycle import parsed
from tests.conftest import form_token, page_text
from tests.web.test_candidate_pages import html_login


def _approved_once(db, clock, loaded_bank, author, reviewer):
    version = services.save_item(None, loaded_bank(), parsed(), author, clock())
    services.submit(version, author, clock())
    services.approve(version, reviewer, clock(), "Clair et exact.")
    db.session.commit()
    return version


def _approvals(db, version) -> int:
    return db.session.execute(
        select(func.count(ReviewEvent.id)).where(
            ReviewEvent.version_id == version.id, ReviewEvent.kind == EventKind.APPROVED
        )
    ).scalar_one()


def test_a_second_approval_is_refused_and_the_first_approver_kept(
    db, clock, loaded_bank, author, reviewer, make_user
):
    version = _approved_once(db, clock, loaded_bank, author, reviewer)
    other = make_user(Role.REVIEWER, email="autre-relecteur@example.org", name="Sacha Deux")
    clock.advance(minutes=5)
    with pytest.raises(services.AuthoringError, match="déjà approuvée") as refused:
        services.approve(version, other, clock())
    assert reviewer.display_name in str(refused.value)
    db.session.rollback()
    record = services.authorship_of(version)
    assert record.approved_by_id == reviewer.id
    assert _approvals(db, version) == 1


def test_the_page_left_open_says_the_version_is_already_approved(
    client, db, clock, loaded_bank, author, reviewer, make_user
):
    version = _approved_once(db, clock, loaded_bank, author, reviewer)
    other = make_user(Role.REVIEWER, email="autre-relecteur@example.org", name="Sacha Deux")
    html_login(client, other.email)
    url = f"/atelier/items/{version.item.external_id}/versions/{version.number}"
    token = form_token(client, f"/atelier/items/{version.item.external_id}")
    response = client.post(f"{url}/approuver", data={"csrf_token": token, "comment": ""})
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "déjà approuvée" in page
    assert services.authorship_of(version).approved_by_id == reviewer.id
    assert _approvals(db, version) == 1
