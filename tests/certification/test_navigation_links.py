"""Where the certification pages are offered, and how one leaves the referential page."""

import re

import pytest

from questionnaire.auth.models import Role
from tests.conftest import login

CERTIFICATIONS_LINK = re.compile(r'<a href="/certifications">')


@pytest.mark.parametrize(
    ("roles", "offered"),
    [
        ((Role.CANDIDATE,), True),
        ((Role.JURY,), True),
        ((Role.ADMIN,), True),
        ((Role.AUTHOR,), False),
        ((Role.REVIEWER,), False),
        ((Role.AUTHOR, Role.REVIEWER), False),
    ],
)
def test_certifications_are_offered_to_those_who_sit_or_judge_them(
    client, make_user, roles, offered
):
    """An author or a reviewer sits no certification: no link to « Vous n'êtes inscrit à
    aucune certification » in the menu or on the home page."""
    login(client, make_user(*roles).email)
    home = client.get("/").get_data(as_text=True)
    nav = home[home.index('aria-label="Navigation principale"') : home.index("</nav>")]
    main = home[home.index("<main") : home.index("</main>")]
    assert bool(CERTIFICATIONS_LINK.search(nav)) is offered
    assert bool(CERTIFICATIONS_LINK.search(main)) is offered


def test_the_referential_page_leads_to_its_candidates_and_deliberation(
    client, make_user, referentials
):
    certification = referentials["charge-clientele-particuliers"]
    login(client, make_user(Role.JURY).email)
    html = client.get(f"/certifications/{certification.id}/referentiel").get_data(as_text=True)
    main = html[html.index("<main") : html.index("</main>")]
    for href in (
        f"/certifications/{certification.id}/candidats",
        f"/certifications/{certification.id}/deliberation",
        "/certifications",
    ):
        assert f'<a href="{href}">' in main, href
