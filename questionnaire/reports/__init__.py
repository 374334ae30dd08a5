"""Psychometric reports for the CPNE: session and period dossiers, standard setting, decisions."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/rapports")

from questionnaire.reports import models, views  # noqa: E402,F401
