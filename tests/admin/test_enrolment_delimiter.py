"""The separator of an enrolment file is the one its lines are written with, not the first
character of a note that happens to be a separator."""

import io

import pytest
from sqlalchemy import select

from questionnaire.auth.models import User
from questionnaire.exams.models import Enrolment
from tests.conftest import form_token


def upload(client, session, data: bytes):
    url = f"/admin/sessions/{session.id}"
    return client.post(
        f"{url}/inscriptions/csv",
        data={"csrf_token": form_token(client, url), "file": (io.BytesIO(data), "liste.csv")},
        content_type="multipart/form-data",
    )


def enrolled(db, session) -> dict[str, tuple]:
    rows = db.session.execute(
        select(User.email, Enrolment.extra_time_percent, Enrolment.accommodation_note)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.session_id == session.id)
    )
    return {email: (extra, note) for email, extra, note in rows}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (  # commas, one note holding a semicolon
            "camille@example.org,33,Salle calme; pause à mi-parcours\nbruno@example.org,0,\n",
            {
                "camille@example.org": (33, "Salle calme; pause à mi-parcours"),
                "bruno@example.org": (0, None),
            },
        ),
        (  # semicolons, notes holding commas
            "camille@example.org;33;Salle calme, pause\nbruno@example.org;25;Loupe, agrandi\n",
            {
                "camille@example.org": (33, "Salle calme, pause"),
                "bruno@example.org": (25, "Loupe, agrandi"),
            },
        ),
        (  # a header, commas, a note with a semicolon in its last line only
            "Courriel,Temps supplémentaire,Aménagement\nbruno@example.org,0,\n"
            "camille@example.org,33,Salle; calme\n",
            {"camille@example.org": (33, "Salle; calme"), "bruno@example.org": (0, None)},
        ),
        (  # tabs, a note holding a comma
            "camille@example.org\t33\tSalle, calme\nbruno@example.org\t0\t\n",
            {"camille@example.org": (33, "Salle, calme"), "bruno@example.org": (0, None)},
        ),
    ],
)
def test_the_separator_is_the_one_the_lines_share(
    client, admin, make_session, make_user, db, data, expected
):
    session, _ = make_session()
    db.session.delete(session.enrolments[0])
    db.session.commit()
    make_user(email="camille@example.org")
    make_user(email="bruno@example.org")
    response = upload(client, session, data.encode())
    assert response.status_code == 302, response.get_data(as_text=True)
    assert enrolled(db, session) == expected
