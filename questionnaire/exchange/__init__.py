"""Item exchange: import and export of items in QTI, GIFT, CSV, XLSX and YAML."""

from flask import Blueprint

from questionnaire.access import refuse_pending_candidates

bp = Blueprint("exchange", __name__, url_prefix="/echanges")
# every page shows items and answer keys: closed to a candidate until their sitting
bp.before_request(refuse_pending_candidates)

from questionnaire.exchange import views  # noqa: E402,F401
