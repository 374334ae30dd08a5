"""A referential file may not drop a block that candidates' records point to.

Observed interviews (seed 003) and capitalised blocks reference their block: deleting it broke
the load on PostgreSQL (foreign key) and, on SQLite, left those records pointing nowhere.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from questionnaire.certification.loader import ReferentialLoadError, load_referentials
from questionnaire.certification.models import Block, ObservedInterview
from tests.certification.conftest import SHIPPED
from tests.certification.test_observations import RECEPTION, cqp, record  # noqa: F401


def renamed_block_file(tmp_path):
    """Seed 003 with its block B1 renamed B1-bis (its competencies keep their codes)."""
    text = SHIPPED[RECEPTION].read_text(encoding="utf-8")
    assert text.count("- code: B1\n") == 1
    folder = tmp_path / "refs"
    folder.mkdir()
    (folder / SHIPPED[RECEPTION].name).write_text(
        text.replace("- code: B1\n", "- code: B1-bis\n"), encoding="utf-8"
    )
    return folder


def test_a_block_with_observed_interviews_cannot_be_dropped(cqp, clock, db, tmp_path):  # noqa: F811
    enrolment, expert, _second = cqp
    record(enrolment, expert, clock)
    db.session.commit()
    certification_id = enrolment.certification.id

    with pytest.raises(ReferentialLoadError) as caught:
        load_referentials(renamed_block_file(tmp_path), clock())
    db.session.rollback()

    assert [(p.file, p.where, p.message) for p in caught.value.problems] == [
        (
            SHIPPED[RECEPTION].name,
            "bloc B1",
            "bloc où des entretiens observés sont enregistrés : il ne peut pas être retiré.",
        )
    ]
    codes = db.session.execute(
        select(Block.code).where(Block.certification_id == certification_id)
    ).scalars()
    assert sorted(codes) == ["B1", "B2", "B3", "B4"]
    count = db.session.execute(select(func.count()).select_from(ObservedInterview))
    assert count.scalar_one() == 1


def test_a_block_without_records_can_still_be_renamed(cqp, clock, db, tmp_path):  # noqa: F811
    report = load_referentials(renamed_block_file(tmp_path), clock())
    db.session.commit()
    assert report.updated == [RECEPTION]
    certification = cqp[0].certification
    assert [b.code for b in certification.blocks] == ["B1-bis", "B2", "B3", "B4"]
