"""Every route of the URL map, walked on real objects: who gets what, CSRF on every
state-changing method, and odd values in the path.

``tests/web/test_access.py`` walks the roles on every method with ids that need not exist (a
refused role is a 403 before any lookup); ``test_ownership`` tries one user's ids on another's
objects; here:

- every page and API read, on real objects, answers each of anonymous, a candidate, another
  candidate of the same session, an author, a reviewer, a jury member and an administrator
  exactly as expected: the login (401 on the API), 403 for a role the route does not serve,
  404 for what is another's, else 200 (or the redirect the page makes);
- a state-changing request without a CSRF token, by a user the route serves, is refused (400,
  a French message; JSON ``csrf_failed`` on the API) and changes nothing in the database;
- an id that does not exist, beyond PostgreSQL's INTEGER, negative, not a number, or any text
  in a path segment (unicode, emoji, bytes that are not UTF-8, 3,000 characters) is never a
  server error, and the API answers it in JSON.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from questionnaire.auth.models import Role
from tests.certification.conftest import referentials  # noqa: F401 (fixture)
from tests.conftest import login, page_text
from tests.security.test_form_garbage import World, url_values

#: who asks each route: the first of its roles in this order
ORDER = [Role.ADMIN, Role.JURY, Role.AUTHOR, Role.REVIEWER, Role.CANDIDATE]
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
#: public and exempt from CSRF (no session yet), but JSON only: ``test_the_api_login_*``
CSRF_EXEMPT = {"api.login"}
CSRF_MESSAGE = "Jeton de sécurité (CSRF) absent ou invalide"


@pytest.fixture
def world(db, clock, make_user, make_session, referentials):  # noqa: F811
    return World(db, clock, make_user, make_session, referentials)


def _role(app, endpoint: str) -> Role | None:
    allowed = app.view_functions[endpoint].access_rule
    return None if allowed == "public" else next(r for r in ORDER if r in allowed)


def _values(world: World, rule) -> dict:
    """Real values for every argument of the rule."""
    values = url_values(world, rule.endpoint, rule.arguments)
    if "item_id" in rule.arguments and "item_id" not in values:  # the API's item of a copy
        values["item_id"] = world._cache["attempt"].items[0].external_id
    return {"fmt": "csv", "slug": "fiscalite", **values}


def _snapshot(db) -> dict:
    """Every row of every table: what a refused request must leave as it was."""
    db.session.expire_all()
    return {
        table.name: sorted(repr(tuple(row)) for row in db.session.execute(sa.select(table)))
        for table in db.metadata.sorted_tables
    }


def _walk(app, methods):
    """(rule, method) of every route but the static files, ordered by the role that asks."""
    found = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods & set(methods))
    ]

    def order(pair):
        role = _role(app, pair[0].endpoint)
        return (ORDER.index(role) if role else len(ORDER), pair[0].rule)

    return sorted(found, key=order)


#: (endpoint, who) → status, where a route serving the role does not answer 200
NOT_200 = {
    ("auth.login", "*"): 302,  # logged in already: on to the dashboard
    ("attempts.result", "candidate"): 302,  # the copy is in progress: back to its question
    ("authoring.compare_versions", "*"): 302,  # one version only: to the item's page
    ("certification.observations_index", "*"): 302,  # to the first observed block
    ("exchange.export_items", "*"): 400,  # the export form sent without its fields
    ("reports.period_export", "*"): 404,  # no period chosen: nothing to download
    # another candidate's copy and certification record (the session itself is theirs too)
    ("api.show", "other"): 404,
    ("api.deadline", "other"): 404,
    ("attempts.question", "other"): 404,
    ("attempts.result", "other"): 404,
    ("attempts.review", "other"): 404,
    ("certification.transcript", "other"): 404,
    ("certification.attestation", "other"): 404,
    # staff who are neither the candidate nor jury nor administrator
    ("certification.transcript", "author"): 404,
    ("certification.attestation", "author"): 404,
    ("certification.transcript", "reviewer"): 404,
    ("certification.attestation", "reviewer"): 404,
}
WHO = ["anonymous", "candidate", "other", "author", "reviewer", "jury", "admin"]


def _expected(app, endpoint: str, who: str, url: str) -> int:
    allowed = app.view_functions[endpoint].access_rule
    if who == "anonymous":
        return 200 if allowed == "public" else 401 if url.startswith("/api/") else 302
    role = Role.CANDIDATE if who == "other" else Role(who)
    if allowed != "public" and role not in allowed:
        return 403
    return NOT_200.get((endpoint, who), NOT_200.get((endpoint, "*"), 200))


@pytest.mark.parametrize("who", WHO)
def test_every_read_answers_each_role_as_expected_on_real_objects(app, client, world, who):
    world.session  # noqa: B018
    if who == "other":  # enrolled in the same session, with a copy of their own
        login(client, world._cache["enrolment"].user.email)
    elif who != "anonymous":
        login(client, world.users[Role(who)].email)
    wrong = []
    for rule, _method in _walk(app, ("GET",)):
        url = rule.build({k: v for k, v in _values(world, rule).items() if k in rule.arguments})[1]
        expected = _expected(app, rule.endpoint, who, url)
        response = client.get(url)
        status = response.status_code
        to_login = response.headers.get("Location", "").startswith("/connexion")
        if status == 302 and who == "anonymous" and not to_login:
            status = f"302 to {response.headers['Location']}"
        if url.startswith("/api/") and not response.is_json:
            status = f"{status} not JSON"
        if status != expected:
            wrong.append((rule.endpoint, url, status, expected))
    assert wrong == []


def test_every_state_changing_request_without_a_csrf_token_is_refused_and_changes_nothing(
    app, client, db, world
):
    world.session  # noqa: B018
    walked, wrong, current, token = 0, [], None, ""
    for rule, method in _walk(app, STATE_CHANGING):
        if rule.endpoint in CSRF_EXEMPT:
            continue
        url = rule.build({k: v for k, v in _values(world, rule).items() if k in rule.arguments})[1]
        role = _role(app, rule.endpoint)
        if role is None and current is not None:  # the login form, anonymous (walked last)
            client.post("/api/v1/auth/logout", headers={"X-CSRFToken": token})
            current = None
        elif role is not None and role is not current:
            token = login(client, world.users[role].email)
            current = role
        before = _snapshot(db)
        if url.startswith("/api/"):
            response = client.open(url, method=method, json={})
            body = response.get_json() if response.is_json else {}
            refused = response.status_code == 400 and body.get("error", {}).get("code") == (
                "csrf_failed"
            )
            told = CSRF_MESSAGE in body.get("error", {}).get("message", "")
        elif role is None:  # back to the login form, told it expired (tests/web)
            response = client.open(url, method=method, data={"email": "x@example.org"})
            refused = response.status_code == 303
            told = "Le formulaire de connexion avait expiré" in page_text(
                client.get(response.headers["Location"]).get_data(as_text=True)
            )
        else:
            response = client.open(url, method=method, data={})
            refused = response.status_code == 400
            told = CSRF_MESSAGE in page_text(response.get_data(as_text=True))
        walked += 1
        unchanged = _snapshot(db) == before
        if not (refused and told and unchanged):
            wrong.append((method, rule.endpoint, response.status_code, told, unchanged))
        if rule.endpoint in ("auth.logout", "api.logout"):  # still logged in
            assert client.get("/api/v1/auth/me").status_code == 200, rule.endpoint
    assert wrong == []
    assert walked == sum(
        len(rule.methods & set(STATE_CHANGING))
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in CSRF_EXEMPT
    )


def test_the_api_login_exempt_from_csrf_takes_json_only(client, make_user):
    """No session to hold a token yet; a cross-site form cannot send JSON, so a form is 415."""
    user = make_user()
    response = client.post(
        "/api/v1/auth/login", data={"email": user.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
    assert client.get("/api/v1/auth/me").status_code == 401


# percent-encoded as sent on the wire
ODD_NUMBERS = [
    "0",
    "2147483647",  # no such row
    "2147483648",  # beyond PostgreSQL's INTEGER
    "99999999999999999999999",
    "-1",
    "abc",
    "1.5",
    "%D9%A1",  # ١, an Arabic-Indic digit
    "%C2%B2",  # ², a digit to str.isdigit
]
ODD_TEXTS = [
    "inconnu",
    "%C3%A9t%C3%A9",  # été
    "%E6%97%A5%E6%9C%AC",  # 日本
    "%F0%9F%98%80",  # an emoji, outside the BMP
    "x" * 3000,
    "%2E%2E",
    "a%20b",
    "%ED%A0%80",  # a lone surrogate in UTF-8: not UTF-8
    "%FF%FE",
    "%00",
    "%E2%80%AE",  # right-to-left override
]
_ARGUMENT = re.compile(r"<(?:([^:>]+):)?([^>]+)>")


def _odd_urls(rule, values: dict):
    """The rule's address with one argument at a time replaced by each odd value."""
    for match in _ARGUMENT.finditer(rule.rule):
        converter, name = match.groups()
        for odd in ODD_NUMBERS if converter == "int" else ODD_TEXTS:

            def segment(found, odd=odd, name=name):
                return odd if found[2] == name else str(values[found[2]])

            yield name, odd, _ARGUMENT.sub(segment, rule.rule)


def test_odd_values_in_the_path_are_never_a_server_error(app, client, caplog, db, world):
    app.config["PROPAGATE_UNEXPECTED"] = False
    world.session  # noqa: B018
    failures, walked, current = [], 0, None
    for rule, method in _walk(app, ("GET", *STATE_CHANGING)):
        if not rule.arguments or rule.endpoint in ("auth.logout", "api.logout"):
            continue
        role = _role(app, rule.endpoint)
        if role is not current:
            token = login(client, world.users[role].email)
            current = role
        for name, odd, url in _odd_urls(rule, _values(world, rule)):
            caplog.clear()
            walked += 1
            kwargs = {"headers": {"X-CSRFToken": token}}
            if method != "GET":
                kwargs |= (
                    {"json": {}} if url.startswith("/api/") else {"data": {"csrf_token": token}}
                )
            response = client.open(url, method=method, **kwargs)
            if response.status_code >= 500 or (url.startswith("/api/") and not response.is_json):
                failures.append(
                    (method, rule.endpoint, name, odd[:20], response.status_code,
                     [repr(r.exc_info[1]) for r in caplog.records if r.exc_info])
                )  # fmt: skip
    assert failures == []
    assert walked > 500
