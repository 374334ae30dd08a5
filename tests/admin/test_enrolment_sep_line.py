"""An enrolment file saved for Excel may begin with « sep=; », the separator's indication."""

import io

import pytest
from sqlalchemy import select

from questionnaire.auth.models import User
from questionnaire.exams.models import Enrolment
from tests.conftest import form_token, page_text


def upload(client, session, text: str):
    url = f"/admin/sessions/{session.id}"
    return client.post(
        f"{url}/inscriptions/csv",
        data={
            "csrf_token": form_token(client, url),
            "file": (io.BytesIO(text.encode("utf-8-sig")), "liste.csv"),
        },
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    "text",
    [
        "sep=;\ncamille@example.org;33;Salle calme, pause\n",
        "SEP=,\r\nCourriel,Temps supplémentaire\r\ncamille@example.org,33\r\n",
        "sep=\t\ncamille@example.org\t33\n",
    ],
)
def test_the_separator_line_is_followed_not_read_as_a_header(
    client, admin, make_session, make_user, db, text
):
    session, _ = make_session()
    make_user(email="camille@example.org")
    response = upload(client, session, text)
    assert response.status_code == 302, page_text(response.get_data(as_text=True))[-800:]
    extra = db.session.execute(
        select(Enrolment.extra_time_percent)
        .join(User, User.id == Enrolment.user_id)
        .where(User.email == "camille@example.org")
    ).scalar_one()
    assert extra == 33


def test_line_numbers_still_count_the_separator_line(client, admin, make_session):
    session, _ = make_session()
    response = upload(client, session, "sep=;\nnobody@example.org;0\n")
    assert response.status_code == 422
    assert "Ligne 2 : aucun compte candidat actif pour nobody@example.org." in page_text(
        response.get_data(as_text=True)
    )
