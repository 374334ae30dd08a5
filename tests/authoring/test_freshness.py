"""The « À revalider » queue: yearly figures, recent facts, old content, changed references."""

from datetime import date

from sqlalchemy import select, update

from questionnaire.authoring import freshness
from questionnaire.authoring.models import Revalidation
from questionnaire.banks.models import Item, ItemVersion, Volatility
from tests.conftest import T0  # 2 March 2026


def version_of(db, external_id):
    return db.session.execute(
        select(ItemVersion).join(Item).where(Item.external_id == external_id)
    ).scalar_one()


def set_validity(db, external_id, valid_as_of, volatility=Volatility.STABLE, reference=None):
    version = version_of(db, external_id)
    values = {"valid_as_of": valid_as_of, "volatility": volatility}
    if reference:
        values["reference"] = reference
    db.session.execute(update(ItemVersion).where(ItemVersion.id == version.id).values(**values))
    db.session.commit()
    db.session.refresh(version)
    return version


def reasons(db):
    return {
        entry.version.item.external_id: list(entry.reasons)
        for entry in freshness.revalidation_queue(T0.date())
    }


def test_nothing_is_due_in_a_fresh_bank(db, loaded_bank):
    loaded_bank()  # every item checked on 2026-01-15, stable
    assert reasons(db) == {}


def test_each_reason_is_given(db, loaded_bank, make_user, clock):
    loaded_bank()
    set_validity(db, "TST-0001", date(2025, 12, 31), Volatility.ANNUELLE)
    set_validity(db, "TST-0002", date(2026, 1, 1), Volatility.ANNUELLE)  # checked this year
    set_validity(db, "TST-0003", date(2025, 8, 1), Volatility.RECENTE)
    set_validity(db, "TST-0004", date(2022, 3, 1), Volatility.STABLE)
    set_validity(db, "TST-0005", date(2025, 12, 1), reference="Art. 197 CGI ; loi de finances")
    set_validity(db, "TST-0006", date(2025, 12, 1), reference="Art. 1970 CGI")  # another article
    user = make_user()
    freshness.record_reference_change("art. 197  CGI", date(2026, 2, 20), "LF 2026", user, clock())
    db.session.commit()
    assert reasons(db) == {
        "TST-0001": ["chiffre annuel vérifié le 31/12/2025, avant le 1er janvier 2026"],
        "TST-0003": ["fait récent vérifié le 01/08/2025, il y a plus de six mois"],
        "TST-0004": ["vérifié le 01/03/2022, il y a plus de 3 ans"],
        "TST-0005": [
            "la référence « art. 197 CGI » a changé le 20/02/2026 (item vérifié le 01/12/2025)"
        ],
    }


def test_a_future_reference_change_is_not_due_yet(db, loaded_bank, make_user, clock):
    loaded_bank()
    set_validity(db, "TST-0001", date(2025, 12, 1), reference="Art. 1 CGI")
    freshness.record_reference_change("Art. 1 CGI", date(2026, 6, 1), "", make_user(), clock())
    db.session.commit()
    assert reasons(db) == {}


def test_revalidation_records_who_and_when_and_keeps_the_version(db, loaded_bank, make_user, clock):
    from questionnaire.auth.models import Role

    loaded_bank()
    version = set_validity(db, "TST-0001", date(2025, 6, 30), Volatility.ANNUELLE)
    before = (version.valid_as_of, version.content_hash, version.number)
    reviewer = make_user(Role.REVIEWER)
    freshness.revalidate(version, reviewer, clock())
    db.session.commit()
    record = db.session.execute(select(Revalidation)).scalar_one()
    assert record.validated_by_id == reviewer.id
    assert record.validated_at == T0
    assert record.valid_as_of == date(2026, 3, 2)
    assert "avant le 1er janvier 2026" in record.reason
    assert (version.valid_as_of, version.content_hash, version.number) == before
    assert reasons(db) == {}


def test_candidates_cannot_revalidate(db, loaded_bank, make_user, clock):
    import pytest

    loaded_bank()
    version = version_of(db, "TST-0001")
    with pytest.raises(freshness.FreshnessError):
        freshness.revalidate(version, make_user(), clock())


def test_cites_matches_whole_references_only():
    assert freshness.cites("Art. 197 CGI ; LF 2026", "art. 197 cgi")
    assert not freshness.cites("Art. 1970 CGI", "Art. 197")
    assert not freshness.cites("Art. 19 CGI", "Art. 197")


def test_a_change_on_the_day_of_the_check_counts_until_revalidated(
    db, loaded_bank, make_user, clock
):
    from questionnaire.auth.models import Role

    loaded_bank()  # versions written at T0
    set_validity(db, "TST-0001", T0.date(), reference="Art. 197 CGI")
    clock.advance(hours=1)
    freshness.record_reference_change("Art. 197 CGI", T0.date(), "", make_user(), clock())
    db.session.commit()
    today = T0.date()
    assert [e.version.item.external_id for e in freshness.revalidation_queue(today)] == ["TST-0001"]
    clock.advance(hours=1)
    freshness.revalidate(version_of(db, "TST-0001"), make_user(Role.REVIEWER), clock())
    db.session.commit()
    assert freshness.revalidation_queue(today) == []
