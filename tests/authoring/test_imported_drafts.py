"""Drafts imported without an author: taken over by an author (recorded), four eyes still hold."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaire.auth.models import Role
from questionnaire.authoring import services
from questionnaire.authoring.models import EventKind
from questionnaire.banks.models import Item, VersionStatus
from questionnaire.exchange.services import import_file
from tests.authoring.conftest import editor_data
from tests.authoring.test_lifecycle import parsed
from tests.conftest import form_token, login
from tests.exchange.conftest import sample


def _imported(db, clock, loaded_bank):
    """``choice.xml`` imported as the CLI does without ``--author``."""
    loaded_bank()
    import_file(sample("choice.xml"), "choice.xml", "qti", "fiscalite", clock())
    db.session.commit()
    item = db.session.execute(select(Item).where(Item.external_id == "choice")).scalar_one()
    return item, item.latest_version


def test_import_without_author_is_an_ownerless_draft_noted_in_the_thread(db, clock, loaded_bank):
    item, version = _imported(db, clock, loaded_bank)
    assert services.authorship_of(version) is None
    assert services.is_ownerless_draft(version)
    [event] = services.thread(item)
    assert event.kind is EventKind.IMPORTED and event.actor is None
    assert event.comment == "Fichier : choice.xml"


def test_an_author_takes_over_then_submits_and_cannot_approve(
    db, clock, loaded_bank, make_user, reviewer
):
    item, version = _imported(db, clock, loaded_bank)
    taker = make_user(Role.AUTHOR, Role.REVIEWER, email="preneur@example.org")
    other_author = make_user(Role.AUTHOR, email="autre@example.org")
    assert services.can_edit(item, taker) and services.can_edit(item, other_author)
    with pytest.raises(services.NotAllowed, match="prenez-le en charge"):
        services.submit(version, taker, clock())
    with pytest.raises(services.NotAllowed):
        services.take_over(version, reviewer, clock())  # reviewers do not write
    services.take_over(version, taker, clock())
    assert services.authorship_of(version).author_id == taker.id
    assert services.thread(item)[-1].kind is EventKind.TAKEN_OVER
    assert not services.can_edit(item, other_author)
    with pytest.raises(services.NotAllowed):
        services.take_over(version, other_author, clock())  # only once
    with pytest.raises(services.AuthoringError, match="référence juridique est vide"):
        services.submit(version, taker, clock())  # the QTI file had no reference nor rationale
    services.save_item(item, item.theme, parsed(), taker, clock())
    services.submit(version, taker, clock())
    with pytest.raises(services.NotAllowed, match="pris en charge"):
        services.approve(version, taker, clock())
    services.approve(version, reviewer, clock())
    services.publish(version, reviewer, clock())
    assert version.status is VersionStatus.PUBLISHED


def test_the_importer_named_with_author_cannot_approve_either(db, clock, loaded_bank, make_user):
    loaded_bank()
    both = make_user(Role.AUTHOR, Role.REVIEWER, email="importeur@example.org")
    import_file(sample("choice.xml"), "choice.xml", "qti", "fiscalite", clock(), author=both)
    version = db.session.execute(select(Item)).scalars().all()
    version = next(i for i in version if i.external_id == "choice").latest_version
    services.save_item(version.item, version.item.theme, parsed(), both, clock())
    services.submit(version, both, clock())
    assert not services.can_review(version, both)


def test_saving_an_ownerless_draft_in_the_editor_takes_it_over(
    client, db, clock, loaded_bank, author
):
    item, version = _imported(db, clock, loaded_bank)
    login(client, author.email)
    page = client.get("/atelier/items/choice")
    assert "Prendre en charge ce brouillon" in page.text
    assert "importé sans auteur" in page.text
    token = form_token(client, "/atelier/items/choice/modifier")
    response = client.post("/atelier/items/choice/modifier", data=editor_data(token))
    assert response.status_code == 302
    db.session.expire_all()
    assert services.authorship_of(version).author_id == author.id
    assert [e.kind for e in services.thread(item)] == [EventKind.IMPORTED, EventKind.TAKEN_OVER]
    assert version.stem == "Quel est le plafond du livret A pour un particulier ?"


def test_take_over_button(client, db, clock, loaded_bank, author, reviewer):
    _, version = _imported(db, clock, loaded_bank)
    login(client, reviewer.email)
    page = client.get("/atelier/items/choice")
    assert "Prendre en charge ce brouillon" not in page.text
    token = form_token(client, "/atelier/items/choice")
    url = f"/atelier/items/choice/versions/{version.number}/prendre-en-charge"
    assert client.post(url, data={"csrf_token": token}).status_code == 403
    login(client, author.email)
    assert client.post(url, data={}).status_code in (302, 400)  # no CSRF token: nothing done
    db.session.expire_all()
    assert services.authorship_of(version) is None
    token = form_token(client, "/atelier/items/choice")
    response = client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "Brouillon pris en charge" in response.text
    assert "Soumettre à la relecture" in response.text
    db.session.expire_all()
    assert services.authorship_of(version).author_id == author.id


def test_list_flags_ownerless_drafts(client, db, clock, loaded_bank, author):
    _imported(db, clock, loaded_bank)
    login(client, author.email)
    page = client.get("/atelier/?flag=sans-auteur").get_data(as_text=True)
    assert ">choice</a>" in page and "TST-0001" not in page
    assert "aucun (import)" in page and "importée sans auteur, à prendre en charge" in page


def test_an_imported_competency_outside_the_theme_blocks_the_review(
    db, clock, loaded_bank, make_user
):
    loaded_bank()
    owner = make_user(Role.AUTHOR, email="auteur2@example.org")
    rows = [
        "id,topic,competency,type,stem,option_a,option_b,option_c,correct,rationale,reference,"
        "valid_as_of",
        "HORS-1,alpha,n'importe quoi,single,Quel taux en 2026 ?,1 %,2 %,3 %,B,Car.,Art. 1,2026-01-10",
        "HORS-2,alpha,C9,single,Quel seuil en 2026 ?,1 €,2 €,3 €,A,Car.,Art. 2,1900-01-01",
    ]
    report = import_file("\n".join(rows).encode(), "items.csv", "csv", "fiscalite", clock(),
                         author=owner)  # fmt: skip
    db.session.commit()
    warnings = [entry.message for entry in report.warnings]
    assert any("[unknown-competency]" in message for message in warnings), warnings
    assert any("[implausible-check]" in message for message in warnings), warnings
    for external_id, reason in (("HORS-1", "compétence « n'importe quoi »"), ("HORS-2", "1900")):
        item = db.session.execute(select(Item).where(Item.external_id == external_id)).scalar_one()
        version = item.latest_version
        with pytest.raises(services.AuthoringError, match=reason):
            services.submit(version, owner, clock())
        assert version.status is VersionStatus.DRAFT
