"""Item statistics fed back to the authors: computed from closed sessions, shown on item pages."""

from flask import Blueprint

bp = Blueprint("itemstats", __name__, url_prefix="/statistiques")

from questionnaire.itemstats import models, views  # noqa: E402,F401
