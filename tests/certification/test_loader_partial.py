"""``referentials load <one file>``: an unchanged file changes nothing, the list keeps its order."""

from __future__ import annotations

from questionnaire.certification.loader import DATA_PATH, load_referentials
from questionnaire.certification.services import certifications
from tests.certification.conftest import SHIPPED
from tests.certification.test_loader import MINIMAL, write

SHIPPED_ORDER = [
    "charge-clientele-particuliers",
    "conseiller-clientele-professionnelle",
    "cqp-charge-clientele-professionnels",
    "cqp-charge-accueil-relation-clients-adherents",
    "titre-charge-clientele",
]


def test_loading_one_unchanged_file_alone_changes_nothing(db, clock, all_referentials):
    updated_at = all_referentials["titre-charge-clientele"].updated_at
    clock.advance(days=1)
    report = load_referentials(SHIPPED["titre-charge-clientele"], clock())
    db.session.commit()
    assert (report.created, report.updated) == ([], [])
    assert report.unchanged == ["titre-charge-clientele"]
    assert [c.slug for c in certifications()] == SHIPPED_ORDER
    assert all_referentials["titre-charge-clientele"].updated_at == updated_at


def test_a_new_file_loaded_alone_comes_last_and_the_folder_still_orders(db, clock, tmp_path):
    load_referentials(DATA_PATH, clock())
    db.session.commit()
    assert load_referentials(write(tmp_path, MINIMAL), clock()).created == ["essai"]
    db.session.commit()
    assert [c.slug for c in certifications()] == [*SHIPPED_ORDER, "essai"]
    # the whole folder loaded again keeps the files' order for the certifications it holds
    report = load_referentials(DATA_PATH, clock())
    db.session.commit()
    assert report.updated == [] and len(report.unchanged) == 5
    assert [c.slug for c in certifications()] == [*SHIPPED_ORDER, "essai"]
