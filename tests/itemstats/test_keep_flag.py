"""A reviewer keeps a version despite a statistics flag: the flag leaves the « Items à revoir »
queue for that version, stays on the item page with who decided, when and why, and a new
version starts with no decision."""

from __future__ import annotations

import html

from sqlalchemy import func, select

from questionnaire.auth.models import Role
from questionnaire.itemstats.models import FlagReview
from tests.conftest import form_token, login, page_text
from tests.itemstats import test_views

BANK = test_views.BANK
analysed = test_views.analysed  # the fixture

URL = "/statistiques/items/TST-0002/versions/1/signalements"
REASON = "Distracteur piège voulu : il vise une confusion fréquente, on le garde."


def _text(response) -> str:
    return html.unescape(page_text(response.get_data(as_text=True)))


def _queue_row(client, external_id: str) -> str | None:
    """The text of the item's row in the queue (None when it is not listed)."""
    page = client.get("/statistiques/a-revoir").get_data(as_text=True)
    start = page.find(f">{external_id}</a>")
    if start < 0:
        return None
    return html.unescape(page_text(page[start : page.index("</tr>", start)]))


def _keep(client, flag="unused_distractor:D", reason=REASON):
    token = form_token(client, "/statistiques/items/TST-0002")
    return client.post(URL, data={"csrf_token": token, "flag": flag, "reason": reason})


def test_a_reviewer_keeps_the_version_and_the_flag_leaves_the_queue(
    client,
    db,
    make_user,
    analysed,
):
    reviewer = make_user(Role.REVIEWER, name="Camille Roux")
    login(client, reviewer.email)
    page = client.get("/statistiques/items/TST-0002").get_data(as_text=True)
    assert "<legend>Distracteur D jamais choisi</legend>" in page
    assert "Distracteur D jamais choisi" in _queue_row(client, "TST-0002")

    response = _keep(client)

    assert response.status_code == 302
    row = _queue_row(client, "TST-0002")
    assert "Distracteur D jamais choisi" not in row
    assert "Distracteur B jamais choisi" in row  # its other flag is still to decide
    assert _keep(client, flag="unused_distractor:B").status_code == 302
    assert _queue_row(client, "TST-0002") is None
    text = _text(client.get(response.headers["Location"]))
    assert "Signalements examinés : version conservée" in text
    assert "Examiné par Camille Roux le" in text and "sur 10 copie(s) ; version conservée" in text
    assert f"« {REASON} »" in text
    assert "<legend>Distracteur D jamais choisi</legend>" not in text
    review = db.session.execute(
        select(FlagReview).where(FlagReview.flag == "unused_distractor:D")
    ).scalar_one()
    assert (review.flag, review.attempts, review.reviewed_by_id) == (
        "unused_distractor:D",
        10,
        reviewer.id,
    )


def test_a_reason_is_required_and_the_typed_text_is_kept(client, db, make_user, analysed):
    login(client, make_user(Role.ADMIN).email)
    response = _keep(client, reason="   ")
    assert response.status_code == 422
    assert "Donnez le motif : pourquoi la version peut rester telle quelle." in _text(response)
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert "<title>Erreur : Statistiques de l'item TST-0002" in html.unescape(page)
    # the summary links to the flag's own textarea (D is the second open flag: B, then D)
    assert 'class="error-summary"' in page and 'href="#reason-2"' in page
    assert 'id="reason-2" name="reason"' in page
    assert db.session.scalar(select(func.count(FlagReview.id))) == 0


def test_a_flag_the_version_does_not_have_is_refused(client, db, make_user, analysed):
    login(client, make_user(Role.REVIEWER).email)
    response = _keep(client, flag="negative_discrimination")
    assert response.status_code == 422
    assert "Ce signalement ne figure plus dans les statistiques de cette version" in _text(response)
    assert _keep(client).status_code == 302
    again = _keep(client)
    assert again.status_code == 422
    assert "Ce signalement a déjà été examiné" in _text(again)
    assert db.session.scalar(select(func.count(FlagReview.id))) == 1


def test_an_author_reads_the_flags_but_cannot_dismiss_them(app, client, make_user, analysed):
    login(client, make_user(Role.AUTHOR).email)
    page = client.get("/statistiques/items/TST-0002").get_data(as_text=True)
    assert "Conserver la version malgré ce signalement" not in page
    assert "/atelier/items/TST-0002?version=1" in page  # where a new version is written
    token = form_token(client, "/statistiques/items/TST-0002")
    response = client.post(URL, data={"csrf_token": token, "flag": "unused_distractor:D"})
    assert response.status_code == 403


def test_without_csrf_token_nothing_is_recorded(client, db, make_user, analysed):
    login(client, make_user(Role.REVIEWER).email)
    response = client.post(URL, data={"flag": "unused_distractor:D", "reason": REASON})
    assert response.status_code in (400, 403)
    assert db.session.scalar(select(func.count(FlagReview.id))) == 0


def test_a_new_version_does_not_inherit_the_decision(
    client,
    make_user,
    analysed,
    loaded_bank,
):
    login(client, make_user(Role.REVIEWER).email)
    assert _keep(client).status_code == 302
    loaded_bank(BANK.replace("Justification de la question 2.", "Justification revue."))
    text = _text(client.get("/statistiques/items/TST-0002"))
    assert "Statistiques de la version 2" in text
    assert "Signalements examinés" not in text
    old = _text(client.get("/statistiques/items/TST-0002?version=1"))
    assert f"« {REASON} »" in old


def test_a_refused_decision_on_an_item_with_other_versions_is_shown_again(
    client, db, clock, make_user, analysed, loaded_bank, sit, make_session
):
    """The statistics fragment links the other versions from the page's own address: on the
    page a refused post renders, that address is the post's, which has no GET."""
    from questionnaire.itemstats.services import refresh_statistics

    loaded_bank(BANK.replace("Justification de la question 2.", "Justification revue."))
    session, _ = make_session(theme=analysed, item_count=3, blueprint={"alpha": 3}, shuffle=False)
    for answers in test_views.ANSWERS:
        sit(session, answers)
    clock.advance(days=2)
    refresh_statistics(clock())
    db.session.commit()
    reviewer = make_user(Role.REVIEWER)
    login(client, reviewer.email)

    response = _keep(client, reason="")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Donnez le motif" in _text(response)
    assert 'href="/statistiques/items/TST-0002?version=2"' in page

    # the workspace's item page, shown again after a refused (empty) comment
    token = form_token(client, "/atelier/items/TST-0002")
    refused = client.post("/atelier/items/TST-0002/commentaires", data={"csrf_token": token})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'href="/atelier/items/TST-0002?version=1"' in page
    assert "/commentaires?version=" not in page


def test_the_versions_own_author_cannot_dismiss_its_flags_even_as_a_reviewer(
    client, db, make_user, analysed
):
    from questionnaire.authoring.models import VersionAuthorship
    from questionnaire.banks.models import Item

    writer = make_user(Role.AUTHOR, Role.REVIEWER)
    item = db.session.execute(select(Item).where(Item.external_id == "TST-0002")).scalar_one()
    db.session.add(VersionAuthorship(version=item.latest_version, author_id=writer.id))
    db.session.commit()
    login(client, writer.email)

    page = client.get("/statistiques/items/TST-0002").get_data(as_text=True)
    assert "Conserver la version malgré ce signalement" not in page
    assert _keep(client).status_code == 403
    assert db.session.scalar(select(func.count(FlagReview.id))) == 0


def test_only_a_published_version_takes_a_decision(client, db, make_user, analysed, loaded_bank):
    loaded_bank(BANK.replace("Justification de la question 2.", "Justification revue."))
    login(client, make_user(Role.REVIEWER).email)
    page = client.get("/statistiques/items/TST-0002?version=1").get_data(as_text=True)
    assert "Distracteur D jamais choisi" in page  # the superseded version's statistics
    assert "Conserver la version malgré ce signalement" not in page
    response = _keep(client)
    assert response.status_code == 422
    assert (
        "Seule une version publiée se conserve malgré un signalement : la version 1 est "
        "remplacée." in _text(response)
    )
    assert db.session.scalar(select(func.count(FlagReview.id))) == 0
