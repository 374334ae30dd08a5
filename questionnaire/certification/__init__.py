"""Certification referentials, jury evaluations and the validation of blocks and titles."""

from flask import Blueprint

bp = Blueprint("certification", __name__)

from questionnaire.certification import (  # noqa: E402,F401
    deliberation_views,
    models,
    observation_views,
    views,
)
