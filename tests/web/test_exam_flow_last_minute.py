"""The time left as a page without JavaScript states it, in the last minute."""

from datetime import timedelta

import pytest

from tests.conftest import page_text
from tests.web.test_candidate_time_and_result import started


@pytest.mark.parametrize("page", ["questions/1", "revue"])
@pytest.mark.parametrize(
    "left", [timedelta(seconds=1), timedelta(seconds=20), timedelta(seconds=59)]
)
def test_the_last_minute_is_said_as_less_than_a_minute(client, make_session, db, clock, page, left):
    _session, attempt = started(client, db, make_session, duration=5)
    clock.now = attempt.deadline - left
    text = page_text(client.get(f"/copies/{attempt.id}/{page}").get_data(as_text=True))
    # as the session page says it: « environ 1 min » promised a minute that was not there
    assert "(heure de Paris) — il reste moins d'une minute." in text
    assert "il reste environ" not in text


def test_a_minute_and_more_is_said_in_minutes(client, make_session, db, clock):
    _session, attempt = started(client, db, make_session, duration=5)
    clock.now = attempt.deadline - timedelta(seconds=61)
    text = page_text(client.get(f"/copies/{attempt.id}/questions/1").get_data(as_text=True))
    assert "(heure de Paris) — il reste environ 2 min." in text
