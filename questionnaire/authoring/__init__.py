"""Authoring workspace: authors write item versions, reviewers approve them (four eyes)."""

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/atelier")

from questionnaire.authoring import models, views  # noqa: E402,F401
