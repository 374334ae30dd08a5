"""The candidate's path: attempts, responses, grading and results."""

from flask import Blueprint

bp = Blueprint("attempts", __name__)

from questionnaire.attempts import api, views  # noqa: E402,F401
