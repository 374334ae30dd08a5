"""Exam-day incidents: extra time granted to a whole session after an outage."""

from flask import Blueprint

bp = Blueprint("incidents", __name__)

from questionnaire.incidents import models, views  # noqa: E402,F401
