"""Authentication: users, roles, login and logout."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from questionnaire.auth import api, views  # noqa: E402,F401
