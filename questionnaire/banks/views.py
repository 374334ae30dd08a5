"""Read-only bank browser for authors, reviewers and administrators."""

from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from questionnaire.access import refuse_pending_candidates, roles_required
from questionnaire.auth.models import Role
from questionnaire.banks import bp
from questionnaire.banks.models import Item, Theme
from questionnaire.banks.services import find_item_version
from questionnaire.extensions import db

STAFF = (Role.AUTHOR, Role.REVIEWER, Role.ADMIN)


@bp.get("/")
@roles_required(*STAFF)
def index():
    counts = dict(
        db.session.execute(select(Item.theme_id, func.count()).group_by(Item.theme_id)).all()
    )
    themes = db.session.execute(select(Theme).order_by(Theme.position)).scalars().all()
    return render_template("banks/index.html", themes=themes, counts=counts)


@bp.get("/<slug>")
@roles_required(*STAFF)
def theme(slug: str):
    theme = db.session.execute(select(Theme).where(Theme.slug == slug)).scalar_one_or_none()
    if theme is None:
        abort(404)
    topic = request.args.get("sujet", "")
    items = (
        db.session.execute(
            select(Item)
            .where(Item.theme_id == theme.id)
            .order_by(Item.external_id)
            # each row shows its latest version: all versions in one query, not one per item
            .options(selectinload(Item.versions))
        )
        .scalars()
        .all()
    )
    rows = [(item, item.latest_version) for item in items]
    if topic:
        rows = [(i, v) for i, v in rows if v is not None and v.topic.slug == topic]
    return render_template("banks/theme.html", theme=theme, rows=rows, topic=topic)


@bp.get("/items/<external_id>")
@roles_required(*STAFF)
def item(external_id: str):
    found = find_item_version(external_id, request.args.get("version", type=int))
    if found is None:
        abort(404)
    item, version = found
    refuse_pending_candidates(item.theme)  # the page shows the item's text
    return render_template("banks/item.html", item=item, version=version)
