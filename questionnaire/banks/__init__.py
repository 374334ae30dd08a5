"""Item banks: themes, topics, items and versions; YAML validation and loading."""

from flask import Blueprint

bp = Blueprint("banks", __name__, url_prefix="/banques")

from questionnaire.banks import views  # noqa: E402,F401
