"""Item exchange: import and export of items in QTI, GIFT, CSV, XLSX and YAML."""

from flask import Blueprint

bp = Blueprint("exchange", __name__, url_prefix="/echanges")

from questionnaire.exchange import views  # noqa: E402,F401
