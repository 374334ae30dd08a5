"""Garbage posted to every HTML form: never a server error nor a traceback.

Every POST route of the HTML app (the URL map is walked: a new one must be added here) is sent,
by a user of a role it serves, on real objects and with a valid CSRF token, the fields its page
shows with one of them spoiled at a time, then the whole form missing, emptied, duplicated or
badly percent-encoded. A small rotating sample of garbage per field, not every combination.
The answer may be a form shown again with its messages, a redirect, a 404 or another refusal,
never a 5xx (the status of a refused form: ``test_form_refusals``, on the same walk).
"""

from __future__ import annotations

import io
import itertools
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from questionnaire.auth.models import Role
from questionnaire.web import DATABASE_INT_MAX
from tests.authoring.conftest import editor_data
from tests.certification.conftest import referentials  # noqa: F401 (fixture)
from tests.certification.test_deliberation import form_data as deliberation_form
from tests.conftest import form_token, login, page_text

NUMBERS = ["-1", "99999999999999999999999", "2147483648", "abc", "1e309", "NaN", " 7 ", "0x1f", "²"]
TEXTS = ["", "x" * 100_000, "a\x00b", "\x01\x02\x1b[31m\x7f\u2028", "<b>é</b>", "   "]
CHOICES = ["31/02/2026", "2026-02-31", "choix-inconnu", "0", "29/02/2027", "9999-12-31T99:99"]
GROUPS = (NUMBERS, TEXTS, CHOICES)
# besides, where the page shows a number or a date: what overflows a column or the calendar
# (« ² » is a digit to str.isdigit, not to int; nor are 5,000 digits, past Python's limit)
BIG_NUMBERS = ["99999999999999999999999", "2147483648", "-2147483649", "-0", "²", "9" * 5000]
BAD_DATES = ["31/02/2026", "2026-02-31", "2026-02-29T25:61", "0000-01-01"]


def typed_garbage(shown: str) -> list[str]:
    if numbered := re.fullmatch(r"([a-z]+-)[0-9]+", shown):  # « goto-3 », a button's value
        return [numbered[1] + value for value in BIG_NUMBERS]
    if re.fullmatch(r"-?\d+([.,]\d+)?", shown.strip()):
        return BIG_NUMBERS
    if re.search(r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}", shown):
        return BAD_DATES
    return []


# endpoint: (who posts, the page holding its form; None: the route's own page)
ROUTES = {
    "admin.close_session": (Role.ADMIN, "/admin/sessions/{session_id}/cloturer"),
    "admin.edit_questionnaire": (Role.ADMIN, None),
    "admin.edit_session": (Role.ADMIN, None),
    "admin.edit_user": (Role.ADMIN, None),
    "admin.enrol_one": (Role.ADMIN, "/admin/sessions/{session_id}"),
    "admin.import_enrolments": (Role.ADMIN, "/admin/sessions/{session_id}"),
    "admin.new_questionnaire": (Role.ADMIN, "/admin/questionnaires/nouveau?theme=fiscalite"),
    "admin.new_session": (Role.ADMIN, None),
    "admin.new_user": (Role.ADMIN, None),
    "admin.release_correction": (Role.ADMIN, None),
    "admin.remove_enrolment": (Role.ADMIN, None),
    "admin.unlock_user": (Role.ADMIN, "/admin/utilisateurs/{user_id}"),
    "admin.update_enrolment": (Role.ADMIN, "/admin/sessions/{session_id}"),
    "incidents.copies_extra_time": (Role.ADMIN, "/admin/incidents/sessions/{session_id}"),
    "incidents.extra_time": (Role.ADMIN, None),
    "privacy.erase": (Role.ADMIN, None),
    "accessibility.preferences": (Role.CANDIDATE, None),
    "auth.login": (None, None),
    "auth.password": (Role.CANDIDATE, None),
    "attempts.question": (Role.CANDIDATE, None),
    "attempts.review": (Role.CANDIDATE, None),
    "attempts.session_home": (Role.CANDIDATE, None),
    "authoring.approve_version": (Role.REVIEWER, "/atelier/items/{external_id}"),
    "authoring.comment_item": (Role.AUTHOR, "/atelier/items/{external_id}"),
    "authoring.edit_item": (Role.AUTHOR, None),
    "authoring.new_item": (Role.AUTHOR, "/atelier/items/nouveau?theme=fiscalite"),
    "authoring.publish_version": (Role.ADMIN, "/atelier/items/{external_id}"),
    "authoring.reference_changes": (Role.AUTHOR, None),
    "authoring.retire_version": (Role.ADMIN, "/atelier/items/{external_id}"),
    "authoring.revalidate_version": (Role.AUTHOR, "/atelier/items/{external_id}"),
    "authoring.send_back_version": (Role.REVIEWER, "/atelier/items/{external_id}"),
    "authoring.submit_version": (Role.AUTHOR, "/atelier/items/{external_id}"),
    "authoring.take_over_version": (Role.AUTHOR, "/atelier/items/{external_id}"),
    "authoring.withdraw_version": (Role.AUTHOR, "/atelier/items/{external_id}"),
    "certification.add_accommodation": (Role.ADMIN, "/certifications/inscriptions/{enrolment_id}"),
    "certification.candidates": (Role.ADMIN, None),
    "certification.capitalise": (
        Role.ADMIN,
        "/certifications/{certification_id}/deliberation/confirmer",
    ),
    "certification.correct_composition": (Role.ADMIN, None),
    "certification.delete_accommodation": (
        Role.ADMIN,
        "/certifications/inscriptions/{enrolment_id}",
    ),
    "certification.delete_observation": (
        Role.JURY,
        "/certifications/inscriptions/{enrolment_id}/observations/{code}",
    ),
    "certification.designate_evaluators": (
        Role.ADMIN,
        "/certifications/inscriptions/{enrolment_id}",
    ),
    "certification.evaluate": (Role.JURY, None),
    "certification.record_observation": (Role.JURY, None),
    "certification.record_prerequisite": (
        Role.ADMIN,
        "/certifications/inscriptions/{enrolment_id}",
    ),
    "exchange.import_items": (Role.AUTHOR, "/echanges/"),
    "itemstats.keep_flag": (Role.REVIEWER, "/statistiques/items/{external_id}"),
    "reports.angoff_name_judges": (Role.JURY, "/rapports/angoff/{panel_id}"),
    "reports.angoff_panels": (Role.JURY, None),
    "reports.angoff_rate": (Role.JURY, None),
    "reports.angoff_remove_judge": (Role.JURY, "/rapports/angoff/{panel_id}"),
    "reports.neutralise": (Role.JURY, None),
    "reports.rekey": (Role.JURY, None),
}
MEMBERS = {
    key: value
    for key, value in deliberation_form("", held_on="2026-03-02").items()
    if key != "csrf_token"
}
# what the page leaves empty and its form requires: the baseline is then a valid form, and
# each spoiled field reaches the service behind it (ids in braces are the route's)
VALID = {
    "admin.enrol_one": {"email": "candidate@example.org"},
    "admin.new_session": {
        "title": "Session bis",
        "opens_at": "2026-03-10T09:00",
        "closes_at": "2026-03-10T12:00",
    },
    "admin.new_user": {
        "email": "nouveau@example.org",
        "display_name": "Nouveau Compte",
        "password": "une-phrase-de-passe-assez-longue",
    },
    "attempts.review": {"confirm": "y"},
    "authoring.approve_version": {"comment": "Relu."},
    "itemstats.keep_flag": {"reason": "Piège voulu."},
    "authoring.comment_item": {"comment": "Un commentaire."},
    "authoring.edit_item": {"action": "save"},
    "authoring.new_item": {
        key: value for key, value in editor_data("").items() if key != "csrf_token"
    },
    "authoring.reference_changes": {"reference": "Art. 1 CGI", "changed_on": "2026-03-01"},
    "authoring.retire_version": {"comment": "Obsolète."},
    "authoring.send_back_version": {"comment": "À revoir."},
    "certification.add_accommodation": {"description": "Tiers temps"},
    "certification.candidates": {"email": "candidate@example.org"},
    "certification.capitalise": MEMBERS,
    "certification.correct_composition": MEMBERS,
    "certification.record_observation": {"observed_on": "2026-03-01", "channel": "telephone"},
    "certification.record_prerequisite": {"p{prerequisite_id}-met_on": "2026-03-01"},
    "incidents.copies_extra_time": {
        "copie-copies": "{attempt_id}",
        "copie-minutes": "10",
        "copie-reason": "Poste figé.",
    },
    "incidents.extra_time": {"minutes": "10", "reason": "Panne du réseau."},
    "privacy.erase": {
        "email": "candidate@example.org",
        "reason": "Demande du candidat.",
        "confirm": "y",
    },
    "reports.angoff_panels": {"title": "Panel bis", "judges": "{jury_id}"},
    "reports.neutralise": {"reason": "Item ambigu."},
    "reports.rekey": {"keys": "{new_key}", "reason": "Clé erronée."},
}
# forms a page offers only to a locked account, an ownerless draft
HIDDEN_FORMS = {"admin.unlock_user", "authoring.take_over_version"}
NOT_FORMS = {"auth.logout"}  # ends the session: its garbage is walked by the access tests


class World:
    """The objects the routes name, made when a route first needs them."""

    def __init__(self, db, clock, make_user, make_session, referentials):  # noqa: F811
        self.db, self.clock, self.make_session, self.referentials = (
            db,
            clock,
            make_session,
            referentials,
        )
        self.users = {
            role: make_user(role, email=f"{role.value}@example.org", name=f"Nom {role.value}")
            for role in Role
        }
        self.users["jury2"] = make_user(Role.JURY, email="jury2@example.org", name="Deux Jury")
        self._cache: dict = {}

    def _once(self, key, build):
        if key not in self._cache:
            self._cache[key] = build()
            self.db.session.commit()
        return self._cache[key]

    def now(self):
        return self.clock()

    @property
    def session(self):
        return self._once("session", self._session)

    def _session(self):
        from questionnaire.attempts import services as attempts

        session, candidate = self.make_session(candidate=self.users[Role.CANDIDATE])
        other = self.make_session(candidate=None)[1]  # a second copy, submitted: reports exist
        from questionnaire.exams.services import enrol

        enrol(session, other, self.now())
        self.db.session.flush()
        attempt, _ = attempts.start_attempt(
            attempts.find_enrolment(candidate, session.id), self.now(), 30
        )
        done, _ = attempts.start_attempt(attempts.find_enrolment(other, session.id), self.now(), 30)
        attempts.submit_attempt(done, self.now(), 30)
        self._cache["attempt"] = attempt
        self._cache["enrolment"] = attempts.find_enrolment(other, session.id)
        return session

    @property
    def panel(self):
        def build():
            from questionnaire.reports.angoff import create_panel

            jury = self.users[Role.JURY]
            return create_panel(
                self.session, "Panel", [jury, self.users["jury2"]], jury, self.now()
            )

        return self._once("panel", build)

    def item(self, endpoint: str) -> str:
        """An item whose version 1 is in the state the action needs."""
        from questionnaire.authoring import services as authoring
        from tests.authoring.test_lifecycle import parsed

        self.session  # noqa: B018 (the bank, loaded)
        if endpoint in ("authoring.retire_version", "authoring.revalidate_version"):
            return "TST-0001"  # published by the bank's load
        if endpoint == "itemstats.keep_flag":  # a flag on its cumulated statistics to decide
            from questionnaire.banks.models import Item
            from questionnaire.itemstats.models import ItemStatistics

            item = self.db.session.execute(
                sa.select(Item).where(Item.external_id == "TST-0001")
            ).scalar_one()
            self.db.session.add(
                ItemStatistics(
                    version=item.latest_version,
                    n=40,
                    facility=0.97,
                    flags=["too_easy"],
                    options=[],
                    computed_at=self.now(),
                )
            )
            self.db.session.commit()
            return "TST-0001"
        author = self.users[Role.AUTHOR]
        theme = self.session.questionnaire.theme
        version = authoring.save_item(None, theme, parsed(), author, self.now())
        if endpoint in (
            "authoring.approve_version",
            "authoring.send_back_version",
            "authoring.withdraw_version",
            "authoring.publish_version",
        ):
            authoring.submit(version, author, self.now())
        if endpoint == "authoring.publish_version":
            authoring.approve(version, self.users[Role.REVIEWER], self.now())
        self.db.session.commit()
        return version.item.external_id

    def designate(self, enrolment) -> None:
        from questionnaire.certification.models import EvaluatorQuality
        from questionnaire.certification.services import designate_evaluators

        jury, second = self.users[Role.JURY], self.users["jury2"]
        self._once(
            "designated",
            lambda: designate_evaluators(
                enrolment, jury, second, EvaluatorQuality.EXPERT_INTERNE, jury, self.now()
            ),
        )

    def validate_first_block(self, enrolment) -> None:
        from tests.certification.test_deliberation import validate_block

        block = enrolment.certification.blocks[0]
        self._once(
            "validated",
            lambda: validate_block(enrolment, block, self.users[Role.JURY], self.now()),
        )

    def certification(self, slug: str):
        return self.referentials[slug]

    def cert_enrolment(self, slug: str):
        def build():
            from questionnaire.certification.services import register_candidate

            return register_candidate(
                self.certification(slug),
                self.users[Role.CANDIDATE].email,
                self.users[Role.ADMIN],
                self.now(),
            )

        return self._once(("cert", slug), build)


SEED_000 = "charge-clientele-particuliers"
SEED_002 = "cqp-charge-clientele-professionnels"
SEED_003 = "cqp-charge-accueil-relation-clients-adherents"


def url_values(world: World, endpoint: str, arguments) -> dict:
    """Real ids for the route's arguments (and a jury member's, for the forms that name one)."""
    values: dict = {"jury_id": world.users[Role.JURY].id}
    if endpoint.startswith("certification."):
        slug = SEED_000
        if "deliberation_id" in arguments or endpoint in (
            "certification.record_prerequisite",
            "certification.capitalise",
        ):
            slug = SEED_002
        if "observation" in endpoint or endpoint == "certification.designate_evaluators":
            slug = SEED_003
        enrolment = world.cert_enrolment(slug)
        if slug == SEED_003:
            world.designate(enrolment)
        if slug == SEED_002:
            world.validate_first_block(enrolment)
        values |= {"certification_id": enrolment.certification_id, "enrolment_id": enrolment.id}
        if "accommodation_id" in arguments:
            from questionnaire.certification.services import add_accommodation

            values["accommodation_id"] = world._once(
                "accommodation",
                lambda: add_accommodation(
                    enrolment, "Tiers temps", world.users[Role.ADMIN], world.now()
                ),
            ).id
        if "prerequisite_id" in arguments:
            values["prerequisite_id"] = world.certification(slug).prerequisites[0].id
        if "code" in arguments or "observation_id" in arguments:
            from questionnaire.certification import observations

            observed = observations.observed_blocks(enrolment)[0]
            values["code"] = observed.block.code
            if "observation_id" in arguments:
                values["observation_id"] = world._once(
                    "observation",
                    lambda: observations.record_observation(
                        enrolment,
                        observed.block,
                        world.now().date() - timedelta(days=1),
                        "telephone",
                        False,
                        "",
                        world.users[Role.JURY],
                        world.now(),
                    ),
                ).id
        if "deliberation_id" in arguments:
            from tests.certification.test_deliberation import deliberate

            values["deliberation_id"] = world._once(
                "deliberation",
                lambda: deliberate(enrolment.certification, world.users[Role.ADMIN], world.now()),
            ).id
        return values
    if "session_id" in arguments or "attempt_id" in arguments or "enrolment_id" in arguments:
        values["session_id"] = world.session.id
        values["attempt_id"] = world._cache["attempt"].id
        values["position"] = 1
        values["enrolment_id"] = world._cache["enrolment"].id
        values["questionnaire_id"] = world.session.questionnaire_id
    if endpoint == "reports.rekey":  # the item whose key is corrected, and an option not its key
        version = world._cache["attempt"].items[0].version
        values["item_id"] = version.id
        values["new_key"] = next(o.key for o in version.options if not o.is_correct)
    if "questionnaire_id" in arguments:
        values["questionnaire_id"] = world.session.questionnaire_id
    if "user_id" in arguments:
        values["user_id"] = world.users[Role.CANDIDATE].id
    if "external_id" in arguments:
        values["external_id"] = world.item(endpoint)
        values["number"] = 1
    if "panel_id" in arguments:
        values["panel_id"] = world.panel.id
        values["judge_id"] = world.users["jury2"].id
    return values


class FormFields(HTMLParser):
    """The fields of the page's form that posts to ``action`` (name → value shown), whether by
    its own action or by a button's formaction."""

    def __init__(self, action: str, page: str):
        super().__init__()
        self.action, self.page = urlsplit(action).path, page
        self.forms: list[tuple[set, MultiDict, set]] = []
        self.select: str | None = None
        self.buttons: MultiDict = MultiDict()
        self.textarea: str | None = None

    @property
    def found(self) -> bool:
        return any(self.action in actions for actions, _, _ in self.forms)

    @property
    def fields(self) -> MultiDict:
        return next(fields for actions, fields, _ in self.forms if self.action in actions)

    @property
    def files(self) -> set[str]:
        return next(files for actions, _, files in self.forms if self.action in actions)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urlsplit(attrs.get("action") or self.page).path
            self.forms.append(({action}, MultiDict(), set()))
            return
        if not self.forms:
            return
        actions, fields, files = self.forms[-1]
        name = attrs.get("name")
        if tag == "button" and attrs.get("formaction"):
            actions.add(urlsplit(attrs["formaction"]).path)
        if tag == "button" and name and attrs.get("value"):
            # sent with the first button's value; every button's is spoiled in turn
            self.buttons.add(name, attrs["value"])
            if name not in fields:
                fields.add(name, attrs["value"])
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "checkbox":  # sent only when ticked, as a browser does
                if "checked" in attrs:
                    fields.add(name, attrs.get("value", "y"))
            elif kind == "radio":  # the one ticked, else the first
                if "checked" in attrs or name not in fields:
                    fields.setlist(name, [attrs.get("value", "y")])
            elif kind == "file":
                files.add(name)
            elif kind != "submit" or name not in fields:
                fields.add(name, attrs.get("value") or "")
        elif tag == "textarea" and name:
            fields.add(name, "")
            self.textarea = name
        elif tag == "select" and name:
            self.select = name
            fields.setlist(name, [])
        elif (
            tag == "option"
            and self.select
            and ("selected" in attrs or not fields.getlist(self.select))
        ):
            fields.setlist(self.select, [attrs.get("value", "")])

    def handle_data(self, data):
        if self.textarea and self.forms:
            fields = self.forms[-1][1]
            texts = fields.getlist(self.textarea)
            fields.setlist(self.textarea, [*texts[:-1], texts[-1] + data])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


# files sent to an upload: binary, empty, not UTF-8, one endless line, a spreadsheet that is not
FILES = [
    ("donnees.csv", b"\x00\x01\xff\xfe\x89PNG\r\n"),
    ("vide.csv", b""),
    ("latin.csv", "adresse;nom\nzoé@example.org;Zoé\n".encode("cp1252")),
    ("long.txt", b"a;" * 50_000),
    ("faux.xlsx", b"PK\x03\x04 pas un classeur"),
    ("banque.yaml", b"items: [{id: 1, options: !!python/object:os.system ls}]"),
    (
        "temps.csv",
        "Adresse électronique;temps supplémentaire\ncandidate@example.org;²\n"
        f"candidate@example.org;{'9' * 5000}\n".encode(),
    ),
]


def uploads(fields: MultiDict, files: set[str]):
    """(label, form) pairs: each file field sent each garbage file, the other fields as shown."""
    for name in sorted(files):
        for filename, content in FILES:
            form = fields.copy()
            form[name] = (io.BytesIO(content), filename)
            yield f"{name}={filename}", form


def spoiled(fields: MultiDict, route_index: int, buttons: MultiDict):
    """(label, form) pairs: each field spoiled in turn with a value of each group (and the
    values that overflow its number or date), then left out; then the whole form missing,
    emptied, duplicated, or every field an id."""
    names = [name for name in fields if name != "csrf_token"]
    token = fields.get("csrf_token")
    for index, name in enumerate(names):
        rotated = [group[(route_index + index) % len(group)] for group in GROUPS]
        shown = {fields.get(name) or "", *buttons.getlist(name)}
        typed = {value for text in shown for value in typed_garbage(text)}
        for value in rotated + sorted(typed):
            form = fields.copy()
            form.setlist(name, [value])
            yield f"{name}={value[:20]!r}", form
        form = fields.copy()
        form.poplist(name)
        yield f"without {name}", form
    yield "nothing", MultiDict({"csrf_token": token})
    yield "all empty", MultiDict({name: "" for name in names} | {"csrf_token": token})
    doubled = fields.copy()
    for index, name in enumerate(names):
        doubled.add(name, NUMBERS[(route_index + index) % len(NUMBERS)])
    yield "duplicated", doubled
    yield "ids", MultiDict({**{name: "1" for name in names}, "id": "-1", "csrf_token": token})


def badly_encoded(fields: MultiDict) -> list[str]:
    """Raw bodies: invalid UTF-8 in values, in a name, and a broken percent sign."""
    token = "csrf_token=" + quote(fields.get("csrf_token", ""))
    names = [quote(n) for n in fields if n != "csrf_token"] or ["champ"]
    return [
        token + "".join(f"&{n}=%ff%fe%c3" for n in names),
        token + "&%ff%fe=1&" + "&".join(f"{n}=%zz%" for n in names),
    ]


def token_on(page) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))[1]


def postgres_refusals(engine) -> list[str]:
    """The writes SQLite takes but PostgreSQL refuses (a server error there): an integer out of
    an INTEGER column's range, a text longer than its VARCHAR; listed as they happen."""
    found: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def check(conn, cursor, statement, parameters, context, executemany):
        compiled = getattr(context, "compiled", None)
        if compiled is None or not (context.isinsert or context.isupdate):
            return
        for row in context.compiled_parameters:
            for name, value in row.items():
                kind = compiled.binds[name].type if name in compiled.binds else None
                if (
                    isinstance(kind, sa.Integer)
                    and not isinstance(kind, sa.BigInteger)
                    and isinstance(value, int)
                    and abs(value) > DATABASE_INT_MAX
                ):
                    found.append(f"{name} = {value}: beyond INTEGER")
                length = getattr(kind, "length", None)
                if isinstance(value, str) and length and len(value) > length:
                    found.append(f"{name}: {len(value)} characters in VARCHAR({length})")

    return found


@pytest.fixture
def world(db, clock, make_user, make_session, referentials):  # noqa: F811
    return World(db, clock, make_user, make_session, referentials)


def test_every_html_form_route_is_fuzzed(app):
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/api/")
    }
    assert endpoints - NOT_FORMS == set(ROUTES)


def open_form(app, client, world: World, endpoint: str) -> tuple[str, str, FormFields]:
    """Log in whoever posts to ``endpoint`` and open the page holding its form: the address
    posted to, the page's, and the form's fields (a valid baseline, ``VALID`` filled in)."""
    role, page = ROUTES[endpoint]
    rule = next(
        r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods
    )
    world.session  # noqa: B018 (a bank, a session, copies: every form has its choices)
    values = url_values(world, endpoint, rule.arguments)
    url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
    if endpoint in ("authoring.new_item", "admin.new_questionnaire"):
        url += "?theme=fiscalite"
    if endpoint == "reports.rekey":  # the options shown are those of the item in the query
        url += f"?item={values['item_id']}"
    page = (page or url).format(**values)
    if role is not None:
        login(client, world.users[role].email)
    shown = client.get(page)
    assert shown.status_code == 200, (page, shown.status_code)
    parser = FormFields(url, page)
    parser.feed(shown.get_data(as_text=True))
    if endpoint in HIDDEN_FORMS:  # not offered on these objects: the view is posted all the same
        assert not parser.found
        token = MultiDict({"csrf_token": token_on(shown)})
        parser.forms.append(({urlsplit(url).path}, token, set()))
    assert parser.found, f"no form posting to {url} on {page}"
    for name, value in VALID.get(endpoint, {}).items():
        parser.fields.setlist(name.format(**values), [value.format(**values)])
    return url, page, parser


def garbage(endpoint: str, parser: FormFields):
    """(label, form or raw body): each field spoiled, each garbage file, badly encoded bodies."""
    return itertools.chain(
        spoiled(parser.fields, sorted(ROUTES).index(endpoint), parser.buttons),
        uploads(parser.fields, parser.files),
        (("badly encoded", body) for body in badly_encoded(parser.fields)),
    )


def posted(client, world: World, endpoint: str, url: str, page: str, forms):
    """(label, response) for each form posted to ``url`` from ``page``; whoever posts is logged
    in again when a post ended the session."""
    role = ROUTES[endpoint][0]
    headers = {"Referer": f"http://localhost{page}"}
    for label, form in forms:
        if isinstance(form, str):
            response = client.post(
                url, data=form, content_type="application/x-www-form-urlencoded", headers=headers
            )
        else:
            response = client.post(url, data=form, headers=headers)
        yield label, response
        if role is not None and client.get_cookie("questionnaire_session") is None:
            login(client, world.users[role].email)


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_garbage_in_a_form_is_never_a_server_error(app, client, caplog, db, world, endpoint):
    app.config["PROPAGATE_UNEXPECTED"] = False  # a 500 is counted, not raised mid-walk
    url, page, parser = open_form(app, client, world, endpoint)
    failures, refused = [], postgres_refusals(db.engine)
    caplog.clear()
    for label, response in posted(client, world, endpoint, url, page, garbage(endpoint, parser)):
        body = response.get_data(as_text=True)
        if refused:
            failures.append((label, "refused by PostgreSQL", refused.copy()))
            refused.clear()
        if response.status_code >= 500 or "Traceback" in body:
            failures.append(
                (
                    label,
                    response.status_code,
                    [repr(r.exc_info[1]) for r in caplog.records if r.exc_info],
                )
            )
        caplog.clear()
    assert failures == [], endpoint


def test_a_questionnaire_sent_without_its_pass_mark_asks_for_it(client, world):
    """The model's pass mark is a fraction (3/5): it was shown in the form's place, and failed."""
    url = f"/admin/questionnaires/{world.session.questionnaire_id}"
    login(client, world.users[Role.ADMIN].email)
    response = client.post(url, data={"csrf_token": form_token(client, url), "title": "Titre"})
    assert response.status_code == 422
    assert "Indiquez le seuil" in page_text(response.get_data(as_text=True))


def test_a_competency_id_beyond_the_database_integers_is_a_bad_request(client, world):
    enrolment = world.cert_enrolment(SEED_000)
    login(client, world.users[Role.JURY].email)
    url = f"/certifications/inscriptions/{enrolment.id}/evaluation"
    response = client.post(
        url,
        data={"csrf_token": form_token(client, url), "competency": "99999999999999999999999"},
    )
    assert response.status_code == 400
