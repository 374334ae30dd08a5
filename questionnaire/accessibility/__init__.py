"""Accessibility: display preferences per user and the accessibility declaration."""

import os

from flask import Blueprint

bp = Blueprint("accessibility", __name__)


@bp.record_once
def configure(state) -> None:
    """The declaration's contact address, from the environment unless configured."""
    state.app.config.setdefault(
        "ACCESSIBILITY_CONTACT_EMAIL", os.environ.get("QUESTIONNAIRE_ACCESSIBILITY_CONTACT")
    )


from questionnaire.accessibility import models, views  # noqa: E402,F401
