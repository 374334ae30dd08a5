"""The staff overview counts a copy past its deadline and grace as expired, not in progress.

Such a copy takes no answer any more; until the cron (``finalise_expired``) or the candidate's
next request finalises it, the overview listed it under « En cours », so an exam centre saw
candidates still composing after the end of their time.
"""

from __future__ import annotations

import re

from questionnaire.attempts.services import start_attempt
from questionnaire.auth.models import Role
from questionnaire.exams.models import Enrolment
from questionnaire.exams.services import enrol
from tests.conftest import login

GRACE = 30  # GRACE_SECONDS of the testing configuration


def _counts(client, session) -> tuple[str, str, str]:
    html = client.get("/gestion/sessions").get_data(as_text=True)
    row = re.search(
        rf"<tr>\s*<th scope=\"row\"><a href=\"/rapports/sessions/{session.id}\">.*?</tr>",
        html,
        re.S,
    )
    assert row, "the session has no row"
    cells = re.findall(r"<td>([^<]*)</td>", row.group(0))
    enrolled, in_progress, submitted, expired = cells[3:7]
    assert enrolled == "2"
    return in_progress, submitted, expired


def test_a_copy_past_its_grace_counts_as_expired(app, db, clock, client, make_session, make_user):
    assert app.config["GRACE_SECONDS"] == GRACE
    session, first = make_session(duration=30)
    second = make_user()
    enrol(session, second, clock(), extra_time_percent=50)
    db.session.commit()
    for user in (first, second):
        enrolment = db.session.execute(
            db.select(Enrolment).filter_by(session_id=session.id, user_id=user.id)
        ).scalar_one()
        start_attempt(enrolment, clock(), GRACE)
    db.session.commit()
    login(client, make_user(Role.JURY).email)
    assert _counts(client, session) == ("2", "0", "0")

    clock.advance(minutes=30, seconds=GRACE)  # the first copy's last second of grace
    assert _counts(client, session) == ("2", "0", "0")
    clock.advance(seconds=1)  # past it: the first copy takes no answer any more
    assert _counts(client, session) == ("1", "0", "1")
    clock.advance(minutes=15, seconds=GRACE)  # the second (+50 %) too
    assert _counts(client, session) == ("0", "0", "2")
