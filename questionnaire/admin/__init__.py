"""Administration: questionnaires, exam sessions and enrolments, users and roles."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from questionnaire.admin import session_views, views  # noqa: E402,F401
