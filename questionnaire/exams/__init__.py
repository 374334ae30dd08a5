"""Questionnaires, exam sessions and enrolments."""

from flask import Blueprint

bp = Blueprint("exams", __name__)

from questionnaire.exams import api, views  # noqa: E402,F401
