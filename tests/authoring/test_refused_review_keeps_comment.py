"""A review comment typed while the version moved on (its author withdrew it, another reviewer
acted first) is not lost: the refusal brings it back in the thread's comment box."""

from __future__ import annotations

import re

from sqlalchemy import select

from questionnaire.auth.models import Role
from questionnaire.authoring import services
from questionnaire.banks.models import Item, VersionStatus
from tests.authoring.test_pages import review_flow
from tests.conftest import form_token, page_text

COMMENT = "L'énoncé doit dater le plafond (2026) ; la justification cite un article abrogé."


def _item(db) -> Item:
    item = db.session.execute(select(Item).where(Item.external_id == "TST-0009")).scalar_one()
    db.session.refresh(item)
    return item


def test_a_send_back_on_a_version_withdrawn_meanwhile_keeps_the_comment(
    client, loaded_bank, author, reviewer, db, clock
):
    loaded_bank()
    item_url = review_flow(client, db, author, reviewer)
    token = form_token(client, item_url)  # the reviewer's page, comment being typed
    services.withdraw(_item(db).latest_version, author, clock())  # the author takes it back
    db.session.commit()

    response = client.post(
        f"{item_url}/versions/1/renvoyer", data={"csrf_token": token, "comment": COMMENT}
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    box = re.search(r'<textarea name="comment" id="thread-comment"[^>]*>([^<]*)</textarea>', html)
    assert box is not None and page_text(box.group(1)).replace("&#39;", "'") == COMMENT
    assert (
        "Renvoi refusé : il faut être relecteur, et ne pas être l'auteur. Votre commentaire n'a "
        "pas été enregistré : il est reporté dans « Ajouter un commentaire », à publier dans le "
        "fil de l'item si vous le souhaitez."
    ) in page_text(html).replace("&#39;", "'")
    assert _item(db).latest_version.status is VersionStatus.DRAFT
    assert all(event.comment != COMMENT for event in services.thread(_item(db)))


def test_an_approval_after_another_reviewer_sent_it_back_keeps_the_comment(
    client, loaded_bank, author, reviewer, make_user, db, clock
):
    loaded_bank()
    item_url = review_flow(client, db, author, reviewer)
    token = form_token(client, item_url)
    other = make_user(Role.REVIEWER, email="relecteur2@example.org")
    services.send_back(_item(db).latest_version, other, "À revoir.", clock())
    db.session.commit()

    response = client.post(
        f"{item_url}/versions/1/approuver", data={"csrf_token": token, "comment": COMMENT}
    )

    assert response.status_code == 422
    assert 'id="thread-comment" rows="3" required aria-invalid="true"' in response.get_data(
        as_text=True
    )


def test_an_action_refused_without_a_comment_still_goes_back_to_the_item(
    client, loaded_bank, author, reviewer, db, clock
):
    loaded_bank()
    item_url = review_flow(client, db, author, reviewer)
    token = form_token(client, item_url)
    services.withdraw(_item(db).latest_version, author, clock())
    db.session.commit()
    response = client.post(
        f"{item_url}/versions/1/approuver", data={"csrf_token": token, "comment": ""}
    )
    assert response.status_code == 302
