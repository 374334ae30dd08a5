"""A pass mark is stored in basis points (hundredths of a per cent): a value with more decimals
is refused under its field, not rounded behind the administrator's back."""

import pytest
from sqlalchemy import select

from questionnaire.exams.models import Questionnaire
from tests.conftest import form_token, page_text


def create(client, theme, pass_mark):
    url = f"/admin/questionnaires/nouveau?theme={theme.slug}"
    data = {
        "csrf_token": form_token(client, url),
        "title": "Fiscalité — printemps",
        "item_count": "2",
        "duration_minutes": "30",
        "pass_mark": pass_mark,
        "shuffle_items": "y",
        "shuffle_options": "y",
    }
    for topic in theme.topics:
        data[f"draw_{topic.id}"] = "1"
    return client.post(url, data=data)


@pytest.mark.parametrize("typed", ["62,555", "60.001", "59,999"])
def test_more_than_two_decimals_are_refused(client, admin, loaded_bank, db, typed):
    response = create(client, loaded_bank(), typed)
    assert response.status_code == 422
    text = page_text(response.get_data(as_text=True))
    assert "Indiquez au plus 2 décimales (par exemple 62,5)." in text
    assert f'value="{typed}"' in response.get_data(as_text=True)
    assert db.session.execute(select(Questionnaire)).first() is None


@pytest.mark.parametrize(("typed", "stored"), [("62,55", 6255), ("62,50", 6250), ("60,000", 6000)])
def test_two_decimals_or_trailing_zeros_are_kept(client, admin, loaded_bank, db, typed, stored):
    assert create(client, loaded_bank(), typed).status_code == 302
    assert db.session.execute(select(Questionnaire.pass_mark_bp)).scalar_one() == stored


@pytest.mark.parametrize("typed", ["1E+50", "-1E+50", "1E-50"])
def test_an_absurd_exponent_gets_a_message_not_a_server_error(client, admin, loaded_bank, typed):
    response = create(client, loaded_bank(), typed)
    assert response.status_code == 422
    assert "Entre 1 et 100 %." in page_text(response.get_data(as_text=True))
