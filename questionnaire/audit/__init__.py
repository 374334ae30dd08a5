"""Append-only audit log of security-relevant and administrative actions, and its viewer."""

from flask import Blueprint

bp = Blueprint("audit", __name__)

from questionnaire.audit import models, views  # noqa: E402,F401
