"""Two bank files of one theme in a folder (« rgpd.yaml » and a left-over « rgpd.yml »).

Both passed ``banks validate`` and ``banks load`` merged them into the theme: its items twice
(under other ids, so no duplicate-id), the plan of whichever file came last, and a candidate
could meet the same question twice in a form.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from questionnaire.banks.findings import Severity
from questionnaire.banks.models import Item
from questionnaire.banks.services import BankLoadError, load_banks, validate_banks
from tests.conftest import bank_yaml


def _folder(tmp_path):
    (tmp_path / "fiscalite.yaml").write_text(bank_yaml(), encoding="utf-8")
    (tmp_path / "fiscalite.yml").write_text(bank_yaml(prefix="COPIE"), encoding="utf-8")
    return tmp_path


def test_a_second_file_of_the_same_theme_is_an_error(tmp_path, clock):
    _banks, findings = validate_banks(_folder(tmp_path), clock().date())
    errors = [f for f in findings if f.severity is Severity.ERROR]
    assert [(f.rule, f.file.endswith("fiscalite.yml")) for f in errors] == [
        ("duplicate-theme", True)
    ]
    assert "fiscalite.yaml" in errors[0].message


def test_nothing_is_loaded_from_two_files_of_one_theme(db, tmp_path, clock):
    with pytest.raises(BankLoadError):
        load_banks(_folder(tmp_path), clock())
    assert db.session.execute(select(func.count()).select_from(Item)).scalar_one() == 0
