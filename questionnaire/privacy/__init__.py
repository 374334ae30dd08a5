"""RGPD: privacy notice, personal data export, erasure by pseudonymisation, retention purge."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from questionnaire.privacy import models, views  # noqa: E402,F401
