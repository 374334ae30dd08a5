"""The extra-time box of the enrolment forms reads a percentage as the CSV file does."""

import pytest
from sqlalchemy import select

from questionnaire.exams.models import Enrolment
from tests.conftest import form_token, page_text

ONE_MESSAGE = "Temps supplémentaire (%) : Indiquez un nombre entier de 0 à 300 (par exemple 33)."


def post_row(client, session, enrolment, value):
    url = f"/admin/sessions/{session.id}"
    return client.post(
        f"{url}/inscriptions/{enrolment.id}",
        data={"csrf_token": form_token(client, url), "extra_time_percent": value},
    )


@pytest.mark.parametrize("value", ["abc", "12,5", "1e2"])
def test_a_value_that_is_not_a_whole_number_gets_one_message(
    client, admin, make_session, db, value
):
    session, _ = make_session()
    enrolment = db.session.execute(select(Enrolment)).scalar_one()
    response = post_row(client, session, enrolment, value)
    assert response.status_code == 422
    text = page_text(response.get_data(as_text=True))
    assert ONE_MESSAGE in text
    assert "N'est pas un entier valide" not in text and "Entre 0 et 300" not in text


@pytest.mark.parametrize("value", ["33 %", "33%", " 33\u00a0% "])
def test_a_percentage_typed_with_its_sign_is_read_as_the_csv_reads_it(
    client, admin, make_session, make_user, db, value
):
    session, _ = make_session()
    enrolment = db.session.execute(select(Enrolment)).scalar_one()
    assert post_row(client, session, enrolment, value).status_code == 302
    db.session.refresh(enrolment)
    assert enrolment.extra_time_percent == 33
    make_user(email="carla@example.org")
    url = f"/admin/sessions/{session.id}"
    response = client.post(
        f"{url}/inscriptions",
        data={
            "csrf_token": form_token(client, url),
            "email": "carla@example.org",
            "extra_time_percent": value,
        },
    )
    assert response.status_code == 302
    assert {e.extra_time_percent for e in db.session.execute(select(Enrolment)).scalars()} == {33}
