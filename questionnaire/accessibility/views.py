"""Display preferences page, the accessibility declaration, and the classes put on <body>."""

from __future__ import annotations

from flask import current_app, flash, has_request_context, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from questionnaire.access import login_required, public
from questionnaire.accessibility import audit, bp, services
from questionnaire.accessibility.forms import PreferencesForm
from questionnaire.clock import current_time
from questionnaire.extensions import db
from questionnaire.i18n import _
from questionnaire.web import render_form


@bp.app_context_processor
def display_preferences() -> dict:
    """Supply the preference classes of ``<body>`` and the footer's conformity state."""
    classes: list[str] = []
    if has_request_context() and current_user.is_authenticated:
        try:
            preference = services.preferences_for(current_user.id)
        except SQLAlchemyError:  # an error page must still render when the database fails
            preference = None
        if preference is not None:
            classes = preference.body_classes
    return {
        "display_classes": " ".join(classes),
        "accessibility_conformity": audit.conformity(audit.read_audit()),
    }


@bp.route("/preferences-affichage", methods=["GET", "POST"])
@login_required
def preferences():
    saved = services.preferences_for(current_user.id)
    form = PreferencesForm(obj=saved)
    if form.validate_on_submit():
        choices = services.DisplayChoices(
            large_text=form.large_text.data,
            high_contrast=form.high_contrast.data,
            reduced_motion=form.reduced_motion.data,
            hide_countdown=form.hide_countdown.data,
        )
        services.save_preferences(current_user.id, choices, current_time())
        db.session.commit()
        flash(_("Vos préférences d'affichage sont enregistrées."), "success")
        return redirect(url_for("accessibility.preferences"))
    return render_form("accessibility/preferences.html", form=form)


@bp.get("/accessibilite")
@public
def declaration():
    results = audit.read_audit()
    return render_template(
        "accessibility/declaration.html",
        audit=results,
        conformity=audit.conformity(results),
        contact_email=current_app.config.get("ACCESSIBILITY_CONTACT_EMAIL"),
    )
