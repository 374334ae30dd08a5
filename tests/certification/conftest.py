"""Fixtures of the certification tests: shipped referentials, enrolments, questionnaire passes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from questionnaire.auth.models import Role


def _shipped_files() -> dict:
    """Slug → shipped referential file (parsed once per test run)."""
    from questionnaire.certification.loader import DATA_PATH, parse_referential, referential_files

    files = {}
    for path in referential_files(DATA_PATH):
        parsed, problems = parse_referential(path.read_text(encoding="utf-8"), path.name)
        assert not problems, problems
        files[parsed.slug] = path
    return files


SHIPPED = _shipped_files()


@pytest.fixture
def referentials(db, clock):
    """Slug → Certification; each shipped referential is loaded when a test first asks for it."""
    from questionnaire.certification.loader import load_referentials
    from questionnaire.certification.models import Certification

    class Loaded(dict):
        def __missing__(self, slug):
            load_referentials(SHIPPED[slug], clock())
            db.session.commit()
            self[slug] = db.session.execute(
                db.select(Certification).where(Certification.slug == slug)
            ).scalar_one()
            return self[slug]

    return Loaded()


@pytest.fixture
def all_referentials(db, clock):
    """Every shipped referential, loaded from the data folder as the command does."""
    from questionnaire.certification.loader import DATA_PATH, load_referentials
    from questionnaire.certification.services import certifications

    load_referentials(DATA_PATH, clock())
    db.session.commit()
    return {certification.slug: certification for certification in certifications()}


@pytest.fixture
def enrol_candidate(db, clock, make_user):
    """Register a (new) candidate to a certification; returns the enrolment."""
    from questionnaire.certification.services import register_candidate

    admin = None

    def _enrol(certification, candidate=None):
        nonlocal admin
        admin = admin or make_user(Role.ADMIN, email="admin-cert@example.org")
        candidate = candidate or make_user(Role.CANDIDATE)
        enrolment = register_candidate(certification, candidate.email, admin, clock())
        db.session.commit()
        return enrolment

    return _enrol


@pytest.fixture
def pass_theme(db, clock, loaded_bank, make_session):
    """Record a final, graded attempt of a questionnaire of ``theme`` (passed or not)."""
    from questionnaire.attempts.models import Attempt, AttemptStatus
    from questionnaire.attempts.services import find_enrolment
    from tests.conftest import bank_yaml

    themes = {}

    def _pass(
        candidate,
        theme: str,
        *,
        passed: bool = True,
        at=None,
        status=AttemptStatus.SUBMITTED,
        purpose=None,
    ):
        if theme not in themes:
            themes[theme] = loaded_bank(bank_yaml(theme, prefix=theme[:3].upper()), theme=theme)
        session, _ = make_session(theme=themes[theme], candidate=candidate, purpose=purpose)
        when = at or clock()
        attempt = Attempt(
            enrolment_id=find_enrolment(candidate, session.id).id,
            session_id=session.id,
            user_id=candidate.id,
            status=status,
            started_at=when - timedelta(minutes=20),
            deadline=when + timedelta(minutes=10),
            submitted_at=when if status.is_final else None,
            score=2 if passed else 0,
            max_score=2,
            pass_mark_bp=6000,
            passed=passed if status.is_final else None,
            graded_at=when if status.is_final else None,
        )
        db.session.add(attempt)
        db.session.commit()
        return attempt

    return _pass
