"""Certification referentials, jury evaluations and the validation of blocks and titles."""

from flask import Blueprint

bp = Blueprint("certification", __name__)

from questionnaire.certification import deliberation_views, models, views  # noqa: E402,F401
