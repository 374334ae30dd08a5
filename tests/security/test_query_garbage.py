"""Garbage typed in the query string of every HTML page: never a server error.

A careless user edits the address bar; every GET page of the HTML app (the URL map is walked)
is asked, by a user of a role it serves and on real objects, with each query argument the
views read set at once to one garbage value. A page may ignore them, refuse them with a
message or answer 404, never a 5xx.
"""

from __future__ import annotations

import pytest

from questionnaire.auth.models import Role
from tests.certification.conftest import referentials  # noqa: F401 (fixture)
from tests.conftest import login
from tests.security.test_form_garbage import World, postgres_refusals, url_values

#: every name a view reads from the query string (request.args, forms built on it)
ARGUMENTS = [
    "page", "version", "priorite", "q", "theme", "topic", "status", "flag", "author",
    "last_review", "sujet", "role", "next", "action", "person", "involvement", "start", "end",
    "reference", "focal", "a", "de", "format", "kind", "session", "item",
]  # fmt: skip
GARBAGE = [
    "99999999999999999999999",
    "-2147483649",
    "-1",
    "0",
    "abc",
    "31/02/2026",
    "2026-02-31",
    "x" * 20_000,
    "\x01\x1b[31m",
    "%ff%fe",
    "//evil.example/",
    "²",
    "9" * 5000,
]
#: who asks each page: the first of its roles in this order
ORDER = [Role.ADMIN, Role.JURY, Role.AUTHOR, Role.REVIEWER, Role.CANDIDATE]


@pytest.fixture
def world(db, clock, make_user, make_session, referentials):  # noqa: F811
    return World(db, clock, make_user, make_session, referentials)


def pages(app):
    return sorted(
        (rule.rule, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.rule.startswith(("/api/", "/static"))
        and app.view_functions[rule.endpoint].access_rule != "public"
    )


def test_garbage_in_the_query_string_is_never_a_server_error(app, client, caplog, db, world):
    app.config["PROPAGATE_UNEXPECTED"] = False
    world.session  # noqa: B018
    refused = postgres_refusals(db.engine)
    failures, current = [], None
    for _path, endpoint in pages(app):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        role = next(r for r in ORDER if r in app.view_functions[endpoint].access_rule)
        values = url_values(world, endpoint, rule.arguments)
        values = {"fmt": "csv", "slug": "fiscalite", **values}
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        if role is not current:
            login(client, world.users[role].email)
            current = role
        for value in GARBAGE:
            caplog.clear()
            response = client.get(url, query_string=dict.fromkeys(ARGUMENTS, value))
            if response.status_code >= 500 or refused:
                failures.append(
                    (endpoint, value[:25], response.status_code, refused.copy(),
                     [repr(r.exc_info[1]) for r in caplog.records if r.exc_info])
                )  # fmt: skip
                refused.clear()
    assert failures == []
