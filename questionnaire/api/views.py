"""Endpoints that belong to the API as a whole."""

from flask import jsonify

from questionnaire.access import public
from questionnaire.api import bp
from questionnaire.api.openapi import openapi_document


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(openapi_document())
