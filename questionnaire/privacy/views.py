"""Privacy notice (public), one's own data and its export, erasure by an administrator."""

from __future__ import annotations

import json

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from questionnaire.access import login_required, public, roles_required
from questionnaire.auth.services import find_user_by_email
from questionnaire.clock import current_time
from questionnaire.extensions import db
from questionnaire.i18n import _, ngettext
from questionnaire.privacy import bp
from questionnaire.privacy.forms import CONFIRM_MISSING, ErasureForm
from questionnaire.privacy.services import (
    ErasureError,
    ErasureReport,
    erase_user,
    export_user_data,
    preview_erasure,
)
from questionnaire.roles import Role
from questionnaire.web import render_form


@bp.get("/confidentialite")
@public
def notice():
    config = current_app.config
    return render_template(
        "privacy/notice.html",
        audit_days=config["RETENTION_AUDIT_DAYS"],
        account_days=config["RETENTION_ACCOUNT_DAYS"],
        contact_email=config.get("PRIVACY_CONTACT_EMAIL"),
    )


@bp.get("/mes-donnees")
@login_required
def my_data():
    return render_template(
        "privacy/my_data.html", contact_email=current_app.config.get("PRIVACY_CONTACT_EMAIL")
    )


@bp.get("/mes-donnees/export.json")
@login_required
def export():
    document = export_user_data(current_user, current_time())
    db.session.commit()
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="mes-donnees.json"'},
    )


@bp.route("/admin/rgpd/effacement", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def erase():
    """First the account is shown (name, roles, copies, sessions it leaves), then erased: a
    mistyped address must not erase someone else for good."""
    form = ErasureForm()
    preview = None
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        now = current_time()
        if user is None:
            form.email.errors.append(_("Aucun compte avec cette adresse."))
        elif form.account.data != str(user.id) or not form.confirm.data:
            # first submission, another address since, or the box left unchecked
            if form.account.data == str(user.id):
                form.confirm.errors.append(CONFIRM_MISSING)
            try:
                preview = preview_erasure(user, current_user, form.reason.data, now)
            except ErasureError as exc:
                getattr(form, exc.field).errors.append(str(exc))
            else:
                form.account.data = str(user.id)
                form.confirm.data = False
            db.session.rollback()  # a copy whose time is up is finalised by the erasure itself
        else:
            try:
                report = erase_user(user, current_user, form.reason.data, now)
            except ErasureError as exc:
                getattr(form, exc.field).errors.append(str(exc))
            else:
                db.session.commit()
                flash(_erasure_summary(report), "success")
                return redirect(url_for("privacy.erase"))
    return render_form("privacy/erase.html", refused=bool(form.errors), form=form, preview=preview)


def _erasure_summary(report: ErasureReport) -> str:
    """The pseudonym, and the sessions ahead the account was withdrawn from (named)."""
    message = _("Compte effacé : il s'appelle désormais %(code)s.", code=report.pseudonym)
    if report.withdrawn_from:
        titles = ", ".join(f"« {session.title} »" for session in report.withdrawn_from)
        message += " " + ngettext(
            "Il a été désinscrit de %(num)d session pas encore close où il n'avait pas de "
            "copie : %(titles)s.",
            "Il a été désinscrit de %(num)d sessions pas encore closes où il n'avait pas de "
            "copie : %(titles)s.",
            len(report.withdrawn_from),
            titles=titles,
        )
    return message
