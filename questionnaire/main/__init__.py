"""Home page (per role) and health endpoint."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from questionnaire.main import views  # noqa: E402,F401
