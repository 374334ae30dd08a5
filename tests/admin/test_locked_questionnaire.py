"""A questionnaire candidates have sat is shown read-only, with a way to write a new one."""

from questionnaire.attempts.services import start_attempt


def test_a_questionnaire_already_sat_is_read_only_and_offers_a_new_one(
    client, admin, make_session, db, clock
):
    session, _ = make_session()
    url = f"/admin/questionnaires/{session.questionnaire.id}"
    editable = client.get(url).get_data(as_text=True)
    assert "disabled" not in editable and 'class="read-only"' not in editable
    start_attempt(session.enrolments[0], clock(), 30)
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    start = html.index('<form method="post" class="narrow-form"')
    form = html[start : html.index("</form>", start)]
    # no field to type into when nothing can be saved
    assert '<fieldset class="read-only" disabled>' in form
    assert 'type="submit"' not in form
    theme = session.questionnaire.theme.slug
    assert f'<a href="/admin/questionnaires/nouveau?theme={theme}">' in html
