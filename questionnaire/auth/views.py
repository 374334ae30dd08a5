"""Login and logout pages."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from questionnaire.access import login_required, public
from questionnaire.audit.services import record
from questionnaire.auth import bp
from questionnaire.auth.forms import EmptyForm, LoginForm, PasswordChangeForm
from questionnaire.auth.services import (
    PasswordChangeError,
    authenticate,
    change_password,
    log_in,
    log_out_everywhere,
)
from questionnaire.clock import current_time
from questionnaire.errors import is_local_path
from questionnaire.extensions import db
from questionnaire.i18n import _
from questionnaire.security.limits import (
    login_limited,
    password_change_limited,
    record_login_failure,
    record_password_change_failure,
)
from questionnaire.web import render_form


def _safe_next(target: str | None) -> str:
    """Only follow a same-site path (``is_local_path``), else the dashboard."""
    return target if target and is_local_path(target) else url_for("main.dashboard")


@bp.route("/connexion", methods=["GET", "POST"])
@public
@login_limited
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        now = current_time()
        user = authenticate(form.email.data, form.password.data, now)
        if user is not None:
            record("auth.login", now, actor_id=user.id, subject_id=user.id)
            db.session.commit()
            log_in(user)
            return redirect(_safe_next(request.args.get("next")))
        record_login_failure(form.email.data, now)
        db.session.commit()
        form.password.errors.append(_("Adresse électronique ou mot de passe incorrect."))
    return render_form("auth/login.html", form=form)


@bp.route("/deconnexion", methods=["POST"])
@login_required
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        log_out_everywhere()
        flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/mot-de-passe", methods=["GET", "POST"])
@login_required
@password_change_limited
def password():
    """The user's own password change; the other sessions of the account end, this one stays."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        now = current_time()
        user_id = current_user.id
        try:
            change_password(current_user, form.current_password.data, form.new_password.data)
        except PasswordChangeError as exc:
            db.session.rollback()
            if exc.field == "current_password":
                record_password_change_failure()
                record("auth.password_change_failed", now, actor_id=user_id, subject_id=user_id)
                db.session.commit()
            getattr(form, exc.field).errors.append(str(exc))
        else:
            record("auth.password_change", now, actor_id=user_id, subject_id=user_id)
            db.session.commit()
            log_in(current_user._get_current_object())
            flash(
                _(
                    "Votre mot de passe a été changé. Vos autres sessions ouvertes (autres "
                    "navigateurs, autres postes) ont été fermées."
                ),
                "success",
            )
            return redirect(url_for("main.dashboard"))
    return render_form("auth/password.html", form=form)
