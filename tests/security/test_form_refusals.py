"""A refused HTML form comes back as 422 with the form and its messages, on every form route.

The form garbage's walk (``test_form_garbage``: the URL map's POST routes, each posted by a user
of a role it serves, on real objects, from a valid form, fields spoiled one at a time) is read
for its statuses: a success redirects (POST/redirect/GET), a refusal shows the page again with
the form, its messages and 422 (``questionnaire.web.render_form``), never 200. Every form route
is in that walk, so a view that shows its refused form with 200 fails here.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.certification.conftest import referentials  # noqa: F401 (fixture)
from tests.security.test_form_garbage import (
    ROUTES,
    FormFields,
    garbage,
    open_form,
    posted,
    world,  # noqa: F401 (fixture)
)

# the page says what was refused: an error summary, a field's errors, an error flashed on it
REFUSAL = re.compile(r'class="(error-summary|field-errors|flash flash-error)"')
# whose POST may also show a result (200), not a refusal: the editor's preview (its button, or
# the script while the author types), an import's report
RESULT_PAGES = {"authoring.edit_item", "authoring.new_item", "exchange.import_items"}
# where no garbage gets a form shown again: a refusal flashed on the page redirected to (a
# button-only form has nothing to show again), or nothing in the form to refuse
NOT_SHOWN_AGAIN = {
    "accessibility.preferences": "four checkboxes: any value ticks or unticks one",
    "admin.close_session": "a button: a refusal is flashed on the session page",
    "admin.release_correction": "a button: a refusal is flashed on the session page",
    "admin.remove_enrolment": "a button: a refusal is flashed on the session page",
    "admin.unlock_user": "a button: a refusal is flashed on the account page",
    "attempts.session_home": "a button: a refusal to start is flashed on the session page",
    "authoring.publish_version": "a button: a refusal is flashed on the item page",
    "authoring.revalidate_version": "a button: a refusal is flashed on the item page",
    "authoring.submit_version": "a button: a refusal is flashed on the item page",
    "authoring.take_over_version": "a button: a refusal is flashed on the item page",
    "authoring.withdraw_version": "a button: a refusal is flashed on the item page",
    "certification.delete_accommodation": "a button: deleted, then 404",
    "certification.delete_observation": "a button: deleted, then 404",
}


def refusals_first(forms):
    """The forms most likely refused (a field left out, nothing, all empty) before the garbage
    values, some of which a form takes: checked while nothing has changed yet."""
    forms = list(forms)
    first = [
        (label, form)
        for label, form in forms
        if label.startswith(("without", "nothing", "all empty"))
    ]
    return first + [entry for entry in forms if entry not in first]


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_a_refused_form_comes_back_as_422_with_its_messages(app, client, world, endpoint):  # noqa: F811
    app.config["PROPAGATE_UNEXPECTED"] = False  # a server error is the garbage test's to report
    url, page, parser = open_form(app, client, world, endpoint)
    statuses, failures = Counter(), []
    forms = refusals_first(garbage(endpoint, parser))
    for label, response in posted(client, world, endpoint, url, page, forms):
        status = response.status_code
        statuses[status] += 1
        if status == 200 and endpoint not in RESULT_PAGES:
            failures.append((label, "200: a refused form comes back with 422"))
        # once a form was taken (a redirect), what it changed may take the form off its page
        # (a prerequisite attested, a deliberation recorded): from then on, the status only
        if status != 422 or statuses[302] + statuses[303]:
            continue
        body = response.get_data(as_text=True)
        if not REFUSAL.search(body):
            failures.append((label, "422 without a message"))
        shown = FormFields(url, url)
        shown.feed(body)
        if not shown.found:
            failures.append((label, "422 without the form"))
    assert failures == [], (endpoint, statuses)
    # either way: a new view whose refusals are not shown again is listed, with the reason
    assert bool(statuses[422]) is (endpoint not in NOT_SHOWN_AGAIN), (endpoint, statuses)
