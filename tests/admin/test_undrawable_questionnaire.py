"""A session whose questionnaire the bank can no longer fill (items retired since it was made)
would answer every candidate « copie impossible à tirer » on exam day: the administrator is told
when creating the session, and on its page while it is to come or open."""

from datetime import timedelta

from sqlalchemy import select, update

from questionnaire.admin.forms import to_local
from questionnaire.banks.models import ItemVersion, Topic, VersionStatus
from questionnaire.exams.models import ExamSession
from tests.conftest import form_token, page_text


def retire_topic(db, slug: str) -> None:
    topic_id = db.session.execute(select(Topic.id).where(Topic.slug == slug)).scalar_one()
    db.session.execute(
        update(ItemVersion)
        .where(ItemVersion.topic_id == topic_id)
        .values(status=VersionStatus.RETIRED)
    )
    db.session.commit()


def test_a_new_session_on_a_questionnaire_the_bank_cannot_fill_is_refused(
    client, admin, make_session, db, clock
):
    existing, _ = make_session()  # draws one item of alpha and one of beta
    retire_topic(db, "alpha")
    url = "/admin/sessions/nouvelle"
    opens = to_local(clock() + timedelta(days=1))
    response = client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "questionnaire": str(existing.questionnaire_id),
            "title": "Session de juin",
            "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": opens.replace(hour=23).strftime("%Y-%m-%dT%H:%M"),
            "release_policy": "after_close",
            "purpose": "certification",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'aria-describedby="questionnaire-errors"' in html
    text = page_text(html)
    assert (
        "La banque ne peut pas remplir le plan : Sujet alpha (0 publié(s) pour 1 demandé(s))"
        in text
    )
    assert (
        db.session.execute(
            select(ExamSession).where(ExamSession.title == "Session de juin")
        ).first()
        is None
    )


def test_the_page_of_an_open_session_says_its_copies_cannot_be_drawn(
    client, admin, make_session, db
):
    session, _ = make_session()
    url = f"/admin/sessions/{session.id}"
    assert "ne peut plus être tiré" not in page_text(client.get(url).get_data(as_text=True))
    retire_topic(db, "alpha")
    text = page_text(client.get(url).get_data(as_text=True))
    assert "Le questionnaire de cette session ne peut plus être tiré" in text
    assert "Sujet alpha (0 publié(s) pour 1 demandé(s))" in text
