"""The « Items à revoir » queue is paged: a bank's worth of flags does not make one endless
table, and the links keep the filters."""

from __future__ import annotations

from sqlalchemy import select

from questionnaire.auth.models import Role
from questionnaire.banks.models import Item
from tests.conftest import bank_yaml, login
from tests.itemstats.test_queue import _add


def test_the_queue_shows_fifty_items_a_page_and_keeps_its_filters(
    client, db, clock, make_user, loaded_bank
):
    theme = loaded_bank(bank_yaml(topics={"alpha": 55}))
    for item in db.session.execute(select(Item)).scalars():
        _add(db, clock, item.latest_version, ["unused_distractor:C"])
    db.session.commit()
    login(client, make_user(Role.REVIEWER).email)

    first = client.get(f"/statistiques/a-revoir?theme={theme.slug}").get_data(as_text=True)
    assert "55 items à revoir" in first
    assert first.count('<th scope="row">') == 50
    assert ">TST-0050</a>" in first and ">TST-0051</a>" not in first
    assert f"/statistiques/a-revoir?page=2&amp;theme={theme.slug}" in first
    assert "Page 1 sur 2" in first

    second = client.get(f"/statistiques/a-revoir?theme={theme.slug}&page=2").get_data(as_text=True)
    assert second.count('<th scope="row">') == 5
    assert ">TST-0051</a>" in second and ">TST-0055</a>" in second
    assert "Page 2 sur 2" in second
    assert "Page précédente" in second and "Page suivante" not in second

    garbage = client.get("/statistiques/a-revoir?page=99999999999999999999")
    assert garbage.status_code == 200  # not a page number: the first
    page = garbage.get_data(as_text=True)
    assert page.count('<th scope="row">') == 50
    assert 'href="/statistiques/a-revoir?page=2"' in page  # no empty filter in the link
    beyond = client.get("/statistiques/a-revoir?page=7").get_data(as_text=True)
    assert beyond.count('<th scope="row">') == 5  # past the end: the last page


def test_an_author_narrows_the_queue_to_the_versions_they_wrote(
    client, db, clock, make_user, loaded_bank
):
    from questionnaire.authoring.models import VersionAuthorship

    loaded_bank(bank_yaml(topics={"alpha": 3}))
    author = make_user(Role.AUTHOR)
    versions = {
        item.external_id: item.latest_version for item in db.session.execute(select(Item)).scalars()
    }
    for version in versions.values():
        _add(db, clock, version, ["unused_distractor:C"])
    db.session.add(VersionAuthorship(version=versions["TST-0002"], author_id=author.id))
    db.session.commit()
    login(client, author.email)

    everything = client.get("/statistiques/a-revoir").get_data(as_text=True)
    assert everything.count('<th scope="row">') == 3
    assert '<input type="checkbox" id="mine" name="mine" value="1">' in everything
    assert '<label for="mine">Seulement les versions que j\'ai écrites</label>' in everything

    mine = client.get("/statistiques/a-revoir?mine=1").get_data(as_text=True)
    assert mine.count('<th scope="row">') == 1
    assert ">TST-0002</a>" in mine
    assert "checked" in mine[mine.index('id="mine"') - 30 : mine.index('id="mine"') + 60]
