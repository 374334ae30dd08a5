"""The accessibility declaration is public and generated from the latest audit's results."""

from __future__ import annotations

import json

import pytest

from questionnaire.accessibility import audit

URL = "/accessibilite"


def write_audit(path, pages, **extra):
    path.write_text(
        json.dumps(
            {
                "date": "2026-11-20",
                "tool": "axe-core 4.14.1",
                "standard": "WCAG 2.1 niveaux A et AA",
                "tags": ["wcag2a"],
                "rules_checked": ["color-contrast", "html-has-lang", "label"],
                "pages": pages,
                **extra,
            }
        ),
        encoding="utf-8",
    )


@pytest.fixture
def audit_file(tmp_path, monkeypatch):
    path = tmp_path / "audit.json"
    monkeypatch.setattr(audit, "AUDIT_PATH", path)
    return path


def test_a_clean_automated_audit_alone_is_declared_non_conformant(client, audit_file):
    """The RGAA bases the state on a full audit's rate: a tool alone cannot claim more."""
    write_audit(
        audit_file,
        [
            {"name": "Connexion", "path": "/connexion", "violations": []},
            {"name": "Question", "path": "/copies/<id>/questions/<n>", "violations": []},
        ],
    )
    response = client.get(URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Déclaration d'accessibilité" in html
    assert "<strong>non conforme</strong>" in html
    assert "pas encore fait l'objet d'un audit complet selon la grille du RGAA" in html
    assert "L'audit automatisé du 20/11/2026" in html
    assert "sur 2 pages, vérifie 3 règles" in html
    assert "relève 0 non-conformité(s)" in html
    assert "<code>/copies/&lt;id&gt;/questions/&lt;n&gt;</code>" in html
    assert "Aucune non-conformité n'a été relevée" in html
    assert "Défenseur des droits" in html
    assert "Accessibilité : non conforme" in html


@pytest.mark.parametrize(
    ("rate", "state"),
    [(100, "totalement conforme"), (75.5, "partiellement conforme"), (49.9, "non conforme")],
)
def test_a_full_audit_rate_sets_the_state_as_the_rgaa_says(client, audit_file, rate, state):
    write_audit(
        audit_file,
        [{"name": "Connexion", "path": "/connexion", "violations": []}],
        rgaa_compliance_rate=rate,
    )
    html = client.get(URL).get_data(as_text=True)
    assert f"<strong>{state}</strong>" in html
    assert f"établit que {str(rate).replace('.', ',')} % des critères" in html


def test_a_rate_out_of_range_makes_the_audit_unreadable(audit_file):
    write_audit(audit_file, [], rgaa_compliance_rate=120)
    assert audit.read_audit() is None


def test_violations_make_the_platform_non_conformant_and_are_listed(client, audit_file):
    write_audit(
        audit_file,
        [
            {
                "name": "Résultat",
                "path": "/copies/<id>/resultat",
                "violations": [
                    {
                        "rule": "color-contrast",
                        "impact": "serious",
                        "help": "Elements must meet minimum color contrast ratio thresholds",
                        "targets": [".tag"],
                    }
                ],
            }
        ],
    )
    html = client.get(URL).get_data(as_text=True)
    assert "<strong>non conforme</strong>" in html
    assert "relève 1 non-conformité(s)" in html
    assert "Résultat : Elements must meet minimum color contrast ratio thresholds" in html
    assert "Accessibilité : non conforme" in html


def test_without_an_audit_the_platform_is_declared_non_conformant(client, audit_file):
    html = client.get(URL).get_data(as_text=True)
    assert "<strong>non conforme</strong>" in html
    assert "Aucun audit n'a encore été enregistré." in html


def test_an_unreadable_audit_counts_as_no_audit(client, audit_file):
    audit_file.write_text("{not json", encoding="utf-8")
    assert audit.read_audit() is None
    assert "<strong>non conforme</strong>" in client.get(URL).get_data(as_text=True)


def test_contact_address_comes_from_the_configuration(app, client, audit_file):
    app.config["ACCESSIBILITY_CONTACT_EMAIL"] = "accessibilite@organisme.example"
    html = client.get(URL).get_data(as_text=True)
    assert '<a href="mailto:accessibilite@organisme.example">' in html


def test_the_committed_audit_is_readable():
    summary = audit.read_audit(audit.AUDIT_PATH)
    assert summary is not None
    assert summary.pages
    assert "color-contrast" in summary.rules_checked
