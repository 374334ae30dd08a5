"""RGPD: privacy notice, personal data export, erasure by pseudonymisation, retention purge."""

import os

from flask import Blueprint

bp = Blueprint("privacy", __name__)


@bp.record_once
def configure(state) -> None:
    """Where people write to exercise their rights (the controller or its DPO), from the
    environment unless configured."""
    state.app.config.setdefault(
        "PRIVACY_CONTACT_EMAIL", os.environ.get("QUESTIONNAIRE_PRIVACY_CONTACT")
    )


from questionnaire.privacy import models, views  # noqa: E402,F401
