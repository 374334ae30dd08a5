"""Hostile YAML (banks, their import, referentials): a French error with its line, never a crash."""

from __future__ import annotations

import html

import pytest

from questionnaire.auth.models import Role
from questionnaire.banks.validation import parse_bank_text
from questionnaire.certification.loader import DATA_PATH, referential_files
from questionnaire.certification.parsing import parse_referential
from tests.conftest import bank_yaml, login
from tests.exchange.test_views import _upload

#: Eight lines whose last anchor is a list of 9**8 (43 million) strings.
ALIAS_BOMB = "".join(
    f"x-l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9 if i else ["xxxxxxxxxx"] * 9) + "]\n"
    for i in range(8)
)


def _bank_messages(text: str) -> list[str]:
    _bank, findings = parse_bank_text(text, "fiscalite.yaml")
    return [finding.message for finding in findings]


def _shipped_referential() -> str:
    return referential_files(DATA_PATH)[0].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "theme: fiscalite\nitems: [{id: A-1, stem: Q ?}]\n",
            "YAML illisible (ligne 2, colonne 27) : dictionnaire entre accolades non fermé : "
            "« , » ou « } » attendu, trouvé une clé.",
        ),
        (
            "theme: fiscalite\nvalid_as_of: 2026-02-30\n",
            "YAML illisible (ligne 2, colonne 14) : date impossible « 2026-02-30 » : "
            "vérifiez le jour et le mois (AAAA-MM-JJ).",
        ),
        (
            "theme: fiscalite\nform_items: " + "9" * 5000 + "\n",
            "YAML illisible (ligne 2, colonne 13) : nombre trop long (plus de 4 300 chiffres).",
        ),
        (
            "items: " + "[" * 5000,
            "YAML illisible : listes ou dictionnaires imbriqués trop profondément "
            "les uns dans les autres.",
        ),
    ],
)
def test_a_bank_that_yaml_refuses_is_one_french_error(text, message):
    assert _bank_messages(text) == [message]


def test_an_alias_bomb_is_named_not_written_out():
    text = ALIAS_BOMB + bank_yaml().replace("type: single", "type: *l7", 1)
    messages = _bank_messages(text)
    assert "« type » vaut une liste ; attendu : single, multiple." in messages
    assert max(len(message) for message in messages) < 300


def test_an_unclosed_brace_uploaded_as_yaml_is_reported(client, make_user, loaded_bank):
    loaded_bank()
    make_user(Role.AUTHOR, email="a@example.org")
    login(client, "a@example.org")
    response = _upload(client, b"theme: fiscalite\nitems: [{id: A-1, x: Q ?}]\n", "b.yaml", "yaml")
    assert response.status_code == 422
    assert "dictionnaire entre accolades non fermé" in html.unescape(
        response.get_data(as_text=True)
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: text + "\nx-note: {a: b\n", "dictionnaire entre accolades non fermé"),
        (lambda text: text + "\nx-date: 2026-02-30\n", "date impossible « 2026-02-30 »"),
        (
            lambda text: ALIAS_BOMB + text.replace("\ngrading: binary\n", "\ngrading: *l7\n"),
            "« grading » vaut binary ou grid.",
        ),
        (
            lambda text: "x-deep: " + "[" * 5000,
            "imbriqués trop profondément les uns dans les autres",
        ),
    ],
)
def test_a_hostile_referential_is_refused_in_french(change, message):
    certification, problems = parse_referential(change(_shipped_referential()), "r.yaml")
    assert certification is None
    assert any(message in problem.message for problem in problems), problems
    assert max(len(problem.message) for problem in problems) < 300


def test_an_alias_bomb_as_a_modality_is_named_not_written_out():
    text = _shipped_referential().replace("- kind: questionnaire", "- kind: *l7", 1)
    _certification, problems = parse_referential(ALIAS_BOMB + text, "r.yaml")
    assert any("modalité inconnue « une liste »" in problem.message for problem in problems)


def test_the_cli_refuses_a_referential_with_an_unclosed_brace_in_one_line(app, tmp_path):
    source = tmp_path / "referentiel.yaml"
    source.write_text("slug: x\ntitle: {a: b\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["referentials", "validate", str(source)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "Erreur interne" not in result.output
    assert "dictionnaire entre accolades non fermé" in result.output
