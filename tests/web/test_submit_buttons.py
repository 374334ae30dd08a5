"""Every form's submit control looks like the others' (class « button »), not the browser's."""

import re

from questionnaire.auth.models import Role
from tests.conftest import login

SUBMIT = re.compile(r'<(?:input|button)\b[^>]*\btype="submit"[^>]*>')


def test_the_incident_and_erasure_forms_submit_with_the_common_button(
    client, make_session, make_user
):
    session, _ = make_session()
    login(client, make_user(Role.ADMIN).email)
    for url, label in (
        (f"/admin/incidents/sessions/{session.id}", "Accorder le temps supplémentaire"),
        ("/admin/rgpd/effacement", "Effacer"),
    ):
        html = client.get(url).get_data(as_text=True)
        main = html[html.index("<main") : html.index("</main>")]
        submits = SUBMIT.findall(main)
        assert submits and any(label in tag for tag in submits), url
        for tag in submits:
            assert re.search(r'\bclass="[^"]*\bbutton\b', tag), (url, tag)
