"""Session times typed in Paris time: an hour the clocks skip or show twice is refused."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from questionnaire.admin.forms import does_not_exist_in_paris, is_ambiguous_in_paris
from questionnaire.clock import PARIS
from questionnaire.exams.models import ExamSession
from tests.admin.test_admin import new_session
from tests.conftest import form_token

AUTUMN_TWICE = datetime(2026, 10, 25, 2, 30)  # 03:00 CEST → 02:00 CET that night
SPRING_SKIPPED = datetime(2027, 3, 28, 2, 30)  # 02:00 CET → 03:00 CEST that night

TWICE = (
    "Cette heure existe deux fois à Paris le 25/10/2026 : au passage à l'heure d'hiver, les "
    "horloges reviennent de 03 h 00 à 02 h 00, et l'on ne saurait pas de laquelle des deux il "
    "s'agit (elles sont à une heure d'écart). Choisissez une heure avant 02 h 00 ou à partir "
    "de 03 h 00."
)
SKIPPED = (
    "Cette heure n'existe pas à Paris le 28/03/2027 : au passage à l'heure d'été, les horloges "
    "passent de 02 h 00 directement à 03 h 00. Choisissez une heure avant 02 h 00 ou à partir "
    "de 03 h 00."
)


def test_zoneinfo_reads_the_autumn_hour_twice_and_the_spring_hour_not_at_all():
    first, second = (AUTUMN_TWICE.replace(tzinfo=PARIS, fold=f) for f in (0, 1))
    assert first.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert second.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert is_ambiguous_in_paris(AUTUMN_TWICE) and not does_not_exist_in_paris(AUTUMN_TWICE)
    # in the gap, both folds name instants whose Paris time is not the one typed
    skipped = SPRING_SKIPPED.replace(tzinfo=PARIS).astimezone(UTC).astimezone(PARIS)
    assert skipped.replace(tzinfo=None) != SPRING_SKIPPED
    assert does_not_exist_in_paris(SPRING_SKIPPED) and not is_ambiguous_in_paris(SPRING_SKIPPED)


@pytest.mark.parametrize(
    "local",
    [
        datetime(2026, 10, 25, 1, 59),
        datetime(2026, 10, 25, 3, 0),
        datetime(2027, 3, 28, 1, 59),
        datetime(2027, 3, 28, 3, 0),
        datetime(2026, 6, 10, 2, 30),
    ],
)
def test_the_hours_around_the_change_are_plain(local):
    assert not is_ambiguous_in_paris(local) and not does_not_exist_in_paris(local)


def errors_of(response, field: str) -> str:
    page = html.unescape(response.get_data(as_text=True))
    start = page.find(f'id="{field}-errors"')
    assert start != -1, f"no error for {field}"
    return page[start : page.index("</ul>", start)]


def created(db, title: str) -> bool:
    return (
        db.session.execute(select(ExamSession).where(ExamSession.title == title)).first()
        is not None
    )


@pytest.mark.parametrize(
    ("opens_at", "closes_at", "field", "message"),
    [
        ("2026-10-25T02:30", "2026-10-25T05:00", "opens_at", TWICE),
        ("2026-10-24T20:00", "2026-10-25T02:30", "closes_at", TWICE),
        ("2027-03-28T02:30", "2027-03-28T05:00", "opens_at", SKIPPED),
        ("2027-03-27T20:00", "2027-03-28T02:30", "closes_at", SKIPPED),
    ],
)
def test_the_new_session_form_refuses_an_hour_skipped_or_shown_twice(
    client, admin, make_session, db, opens_at, closes_at, field, message
):
    existing, _ = make_session()
    response = new_session(client, existing, "Nuit du changement", opens_at, closes_at)
    assert response.status_code == 422
    assert message in errors_of(response, field)
    assert not created(db, "Nuit du changement")


def test_the_hour_after_the_autumn_change_is_taken_as_winter_time(client, admin, make_session, db):
    existing, _ = make_session()
    response = new_session(
        client, existing, "Après le changement", "2026-10-25T03:00", "2026-10-25T05:00"
    )
    assert response.status_code == 302
    session = db.session.execute(
        select(ExamSession).where(ExamSession.title == "Après le changement")
    ).scalar_one()
    assert session.opens_at == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)  # CET = UTC+1


def test_rescheduling_to_an_hour_shown_twice_is_refused(client, admin, make_session, db):
    session, _ = make_session()
    url = f"/admin/sessions/{session.id}/modifier"
    original = session.closes_at
    response = client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "title": session.title,
            "opens_at": "2026-10-24T20:00",
            "closes_at": "2026-10-25T02:30",
            "release_policy": "after_close",
            "purpose": "certification",
        },
    )
    assert response.status_code == 422
    assert TWICE in errors_of(response, "closes_at")
    db.session.refresh(session)
    assert session.closes_at == original


def edit_as_shown(client, session, **changes):
    """Send the session's edit form back with what it shows, but for ``changes``."""
    url = f"/admin/sessions/{session.id}/modifier"
    page = client.get(url).get_data(as_text=True)
    data = {
        name: value
        for name in ("opens_at", "closes_at")
        for value in re.findall(rf'name="{name}"[^>]*value="([^"]+)"', page)
    }
    data |= {
        "csrf_token": form_token(client, url),
        "title": session.title,
        "release_policy": "after_close",
        "purpose": "certification",
    }
    return client.post(url, data=data | changes)


@pytest.mark.parametrize(
    "closed_at",
    [
        datetime(2026, 10, 25, 0, 30, 17, tzinfo=UTC),  # 02 h 30 CEST, the first time
        datetime(2026, 10, 25, 1, 30, 17, tzinfo=UTC),  # 02 h 30 CET, the second time
        datetime(2026, 3, 2, 9, 0, 42, tzinfo=UTC),  # a plain day, 42 seconds past the minute
    ],
)
def test_a_session_closed_now_keeps_its_closing_instant_when_edited(
    client, admin, make_session, db, clock, closed_at
):
    from questionnaire.admin.services import close_session

    clock.now = closed_at - timedelta(hours=3)
    session, _ = make_session()
    opened_at = session.opens_at
    clock.now = closed_at
    close_session(session, clock())
    db.session.commit()
    clock.advance(hours=5)
    response = edit_as_shown(client, session, title="Session renommée")
    assert response.status_code == 302, errors_of(response, "closes_at")
    db.session.refresh(session)
    assert session.title == "Session renommée"
    assert (session.opens_at, session.closes_at) == (opened_at, closed_at)


def test_an_hour_shown_twice_typed_in_place_of_the_stored_one_is_refused(
    client, admin, make_session, db, clock
):
    from questionnaire.admin.services import close_session

    clock.now = datetime(2026, 10, 25, 0, 30, 17, tzinfo=UTC) - timedelta(hours=3)
    session, _ = make_session()
    clock.now = datetime(2026, 10, 25, 0, 30, 17, tzinfo=UTC)
    close_session(session, clock())
    db.session.commit()
    response = edit_as_shown(client, session, closes_at="2026-10-25T02:20")
    assert response.status_code == 422
    assert TWICE in errors_of(response, "closes_at")
