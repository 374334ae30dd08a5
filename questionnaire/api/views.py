"""Endpoints that belong to the API as a whole."""

from flask import jsonify

from questionnaire.access import login_required
from questionnaire.api import bp
from questionnaire.api.openapi import openapi_document


@bp.get("/openapi.json")
@login_required
def openapi():
    return jsonify(openapi_document())
