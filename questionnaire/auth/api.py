"""API authentication: a JSON login returning the CSRF token for later calls."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from questionnaire.access import login_required, public
from questionnaire.api import bp as api_bp
from questionnaire.api.helpers import json_body
from questionnaire.audit.services import record
from questionnaire.auth.models import User
from questionnaire.auth.services import authenticate, log_in, log_out_everywhere
from questionnaire.clock import current_time
from questionnaire.errors import ApiError
from questionnaire.extensions import csrf, db
from questionnaire.security.limits import login_limited, record_login_failure


def user_json(user: User) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "must_change_password": user.must_change_password,
        "roles": sorted(role.value for role in user.roles),
    }


@api_bp.post("/auth/login")
@csrf.exempt
@public
@login_limited
def login():
    # Exempt from CSRF (there is no session yet) but JSON-only, which a cross-site form cannot send.
    data = json_body("email", "password")
    email, password = data.get("email"), data.get("password")
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        raise ApiError(
            422, "invalid_credentials_format", "Champs « email » et « password » attendus (texte)."
        )
    now = current_time()
    user = authenticate(email, password, now)
    if user is None:
        record_login_failure(email, now)
        db.session.commit()
        raise ApiError(
            401, "invalid_credentials", "Adresse électronique ou mot de passe incorrect."
        )
    record("auth.login", now, actor_id=user.id, subject_id=user.id)
    db.session.commit()
    log_in(user)
    return jsonify({"csrf_token": generate_csrf(), "user": user_json(user)})


@api_bp.post("/auth/logout")
@login_required
def logout():
    log_out_everywhere()
    return jsonify({"ok": True})


@api_bp.get("/auth/me")
@login_required
def me():
    return jsonify({"csrf_token": generate_csrf(), "user": user_json(current_user)})
