"""Authoring fixtures: an author, a reviewer, and editor form data."""

from __future__ import annotations

import pytest

from questionnaire.auth.models import Role


@pytest.fixture
def author(make_user):
    return make_user(Role.AUTHOR, email="auteur@example.org", name="Alix Auteur")


@pytest.fixture
def reviewer(make_user):
    return make_user(Role.REVIEWER, email="relecteur@example.org", name="Robin Relecteur")


def editor_data(token: str, action: str = "save", **overrides) -> dict:
    """A complete, lint-clean editor submission (four options, B correct)."""
    data = {
        "csrf_token": token,
        "action": action,
        "topic": "alpha",
        "competency": "C9",
        "item_type": "single",
        "stem": "Quel est le plafond du livret A pour un particulier ?",
        "options-0-text": "15 300 €",
        "options-1-text": "22 950 €",
        "options-1-correct": "y",
        "options-2-text": "12 000 €",
        "options-3-text": "10 000 €",
        "options-4-text": "",
        "rationale": "Le plafond du livret A est de 22 950 € (B).",
        "reference": "Art. R221-2 CMF",
        "cognitive_level": "connaissance",
        "difficulty": "facile",
        "valid_as_of": "2026-02-01",
        "volatility": "stable",
    }
    data.update(overrides)
    return data
