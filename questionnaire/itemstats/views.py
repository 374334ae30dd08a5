"""The author's item statistics page and the « Items à revoir » queue."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from questionnaire.access import refuse_pending_candidates, roles_required
from questionnaire.auth.models import Role
from questionnaire.banks.models import Theme, VersionStatus
from questionnaire.banks.services import find_item_version
from questionnaire.clock import current_time
from questionnaire.exams.services import pending_candidacy
from questionnaire.extensions import db
from questionnaire.itemstats import bp
from questionnaire.itemstats.flags import FEW_ATTEMPTS, SEVERITY_LABELS, decimal_fr, percent_fr
from questionnaire.itemstats.forms import KeepFlagForm
from questionnaire.itemstats.services import (
    FlagReviewRefused,
    attempts_by_version,
    can_decide_flags,
    flag_name,
    keep_despite_flag,
    review_queue_page,
    version_report,
)
from questionnaire.web import database_int, render_form

STAFF = (Role.AUTHOR, Role.REVIEWER, Role.ADMIN)
#: who may keep a version despite a flag: a second pair of eyes, not the item's author alone
DECIDERS = (Role.REVIEWER, Role.ADMIN)


@bp.app_template_filter("decimal_fr")
def _decimal_fr(value: float | None, digits: int = 2) -> str:
    return decimal_fr(value, digits)


@bp.app_template_filter("percent_fr")
def _percent_fr(value: float | None) -> str:
    return percent_fr(value)


@bp.app_context_processor
def _stats_constants() -> dict:
    return {"FEW_ATTEMPTS": FEW_ATTEMPTS}


@bp.get("/items/<external_id>")
@roles_required(*STAFF)
def item(external_id: str):
    found = find_item_version(external_id, request.args.get("version", type=int))
    if found is None:
        abort(404)
    item, version = found
    refuse_pending_candidates(item.theme)  # the page shows the item's text
    return _render_item(item, version)


def _render_item(item, version, form: KeepFlagForm | None = None, error: str | None = None):
    report = version_report(version)
    can_decide = can_decide_flags(version, current_user)
    open_flags = [flag_name(flag) for flag in report.flags] if can_decide else []
    beside = bool(error) and form is not None and form.flag.data in open_flags
    return render_form(
        "itemstats/item.html",
        item=item,
        version=version,
        attempts=attempts_by_version(item),
        item_stats=report,
        item_stats_endpoint="itemstats.item",
        can_decide=can_decide,
        keep_form=form or KeepFlagForm(formdata=None),
        keep_error=error,
        keep_error_beside_flag=beside,
        # the textarea the error summary links to: one per open flag, in the page's order
        keep_error_target=f"reason-{open_flags.index(form.flag.data) + 1}" if beside else None,
    )


@bp.post("/items/<external_id>/versions/<int:number>/signalements")
@roles_required(*DECIDERS)
def keep_flag(external_id: str, number: int):
    found = find_item_version(external_id, number)
    if found is None:
        abort(404)
    item, version = found
    refuse_pending_candidates(item.theme)
    if version.status is VersionStatus.PUBLISHED and not can_decide_flags(version, current_user):
        abort(403)  # a version no longer published is refused by the service, with its reason
    form = KeepFlagForm()
    if not form.validate():
        message = next(iter(form.reason.errors or form.flag.errors), None)
        return _render_item(item, version, form, message or "Signalement manquant.")
    try:
        keep_despite_flag(version, form.flag.data, form.reason.data, current_user, current_time())
    except FlagReviewRefused as refused:
        return _render_item(item, version, form, str(refused))
    db.session.commit()
    flash("Décision enregistrée : le signalement quitte la file « Items à revoir ».", "success")
    return redirect(url_for(".item", external_id=external_id, version=number))


@bp.get("/a-revoir")
@roles_required(*STAFF)
def review():
    themes = db.session.execute(select(Theme).order_by(Theme.position)).scalars().all()
    slug = request.args.get("theme", "")
    theme = next((t for t in themes if t.slug == slug), None)
    up_to = request.args.get("priorite", type=int)
    if (slug and theme is None) or (up_to is not None and up_to not in SEVERITY_LABELS):
        abort(404)
    # the flags name options that are not keys beside the item's bank id, which the
    # candidate's question page carries too: closed until the user's certification sitting
    pending = pending_candidacy(current_user, theme, current_time())
    if pending is not None:
        refuse_pending_candidates(pending.questionnaire.theme)
    mine = request.args.get("mine") == "1"
    listing = review_queue_page(
        theme,
        up_to,
        request.args.get("page", type=database_int),
        current_user.id if mine else None,
    )
    return render_template(
        "itemstats/review.html",
        listing=listing,
        entries=listing.rows,
        args={"theme": slug or None, "priorite": up_to, "mine": "1" if mine else None},
        mine=mine,
        themes=themes,
        theme=theme,
        up_to=up_to,
        severity_labels=SEVERITY_LABELS,
    )
