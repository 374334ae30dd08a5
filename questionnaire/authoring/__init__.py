"""Authoring workspace: authors write item versions, reviewers approve them (four eyes)."""

from flask import Blueprint

from questionnaire.access import refuse_pending_candidates

bp = Blueprint("authoring", __name__, url_prefix="/atelier")
# every page shows items and answer keys: closed to a candidate until their sitting
bp.before_request(refuse_pending_candidates)

from questionnaire.authoring import models, views  # noqa: E402,F401
