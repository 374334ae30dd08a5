"""The whole-number boxes of the questionnaire form: one message for what is not a number."""

import pytest
from sqlalchemy import select

from questionnaire.exams.models import Questionnaire
from tests.conftest import form_token, page_text

NOT_A_NUMBER = "Indiquez un nombre entier, sans décimale (par exemple 40)."


def post(client, theme, **fields):
    url = f"/admin/questionnaires/nouveau?theme={theme.slug}"
    data = {
        "csrf_token": form_token(client, url),
        "title": "Fiscalité",
        "item_count": "2",
        "duration_minutes": "30",
        "pass_mark": "60",
    }
    for topic in theme.topics:
        data[f"draw_{topic.id}"] = "1"
    data.update(fields)
    return client.post(url, data=data)


@pytest.mark.parametrize("typed", ["abc", "1,5", "2.0", "1e2"])
@pytest.mark.parametrize("field", ["item_count", "duration_minutes", "draw"])
def test_a_value_that_is_not_a_whole_number_gets_one_message(
    client, admin, loaded_bank, db, field, typed
):
    theme = loaded_bank()
    name = f"draw_{theme.topics[0].id}" if field == "draw" else field
    response = post(client, theme, **{name: typed})
    assert response.status_code == 422
    text = page_text(response.get_data(as_text=True))
    assert f"{NOT_A_NUMBER} " in text
    assert "N'est pas un entier valide" not in text
    assert "Entre 1 et" not in text and "Entre 0 et 200" not in text
    assert db.session.execute(select(Questionnaire)).first() is None


def test_out_of_range_numbers_keep_their_range_message(client, admin, loaded_bank):
    response = post(client, loaded_bank(), duration_minutes="0")
    assert response.status_code == 422
    assert "Entre 1 et 600." in page_text(response.get_data(as_text=True))
