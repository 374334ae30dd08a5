"""A small factory of sat sessions: candidates answer by a pattern (True right, False wrong, None blank)."""

from __future__ import annotations

import csv
import io
import random

import pytest

from questionnaire.attempts.models import Response
from questionnaire.attempts.services import start_attempt, submit_attempt
from questionnaire.exams.services import enrol

#: Ten candidates on four items (positions 1–4), enough spread for alpha and the flags.
PATTERNS = [
    [True, True, True, True],
    [True, True, True, False],
    [True, True, False, True],
    [True, False, True, True],
    [True, True, False, False],
    [True, False, True, False],
    [False, True, False, False],
    [True, False, False, None],
    [False, False, True, None],
    [False, False, None, None],
]


def answer_for(version, right: bool | None) -> list[str] | None:
    if right is None:
        return None
    if right:
        return sorted(version.correct_keys)
    return [next(o.key for o in version.options if o.key not in version.correct_keys)]


@pytest.fixture
def sit_session(db, clock, make_session, make_user, loaded_bank, bank_yaml_text):
    """Session of 4 items (same form for all) sat by one candidate per pattern."""

    def _sit(patterns=PATTERNS, *, extra: dict[int, int] | None = None, leave_open: int = 0):
        theme = loaded_bank(bank_yaml_text)
        session, first = make_session(
            item_count=4, blueprint={"alpha": 2, "beta": 2}, theme=theme, shuffle=False
        )
        users = [first] + [
            make_user(email=f"cand{session.id}-{i}@example.org", name=f"Nom Candidat{i}")
            for i in range(1, len(patterns) + leave_open)
        ]
        attempts = []
        for i, (user, pattern) in enumerate(
            zip(users, patterns + [None] * leave_open, strict=True)
        ):
            enrolment = enrol(session, user, clock(), extra_time_percent=(extra or {}).get(i, 0))
            db.session.flush()
            attempt, _ = start_attempt(enrolment, clock(), 30, random.Random(i))
            if pattern is not None:
                for attempt_item, right in zip(attempt.items, pattern, strict=True):
                    keys = answer_for(attempt_item.version, right)
                    if keys is not None:  # direct insert: the save path has its own tests
                        attempt_item.response = Response(
                            attempt_id=attempt.id, selected=keys, seq=1, saved_at=clock()
                        )
                clock.advance(minutes=1)
                submit_attempt(attempt, clock(), 30)
            attempts.append(attempt)
        db.session.commit()
        return session, users, attempts

    return _sit


@pytest.fixture
def bank_yaml_text():
    from tests.conftest import bank_yaml

    return bank_yaml(topics={"alpha": 2, "beta": 2})


def csv_rows(archive, name: str) -> list[dict[str, str]]:
    """A table of a report's CSV archive: UTF-8 with a BOM, ``;``, French headings."""
    text = archive.read(name).decode("utf-8")
    assert text.startswith("\ufeff"), name
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";"))


def french_number(text: str) -> float:
    """« 0,8235 » → 0.8235 (the CSV's decimal comma)."""
    return float(text.replace(",", "."))
