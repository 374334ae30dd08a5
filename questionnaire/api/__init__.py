"""JSON API v1: one blueprint, JSON errors, the OpenAPI document."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from questionnaire.api import views  # noqa: E402,F401
