"""banks: control characters cleaned from the stored texts of the versions no candidate has seen

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 22:05:00

"""

import hashlib
import json
import logging

import nh3
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")

# The imports now clean what earlier ones stored as is (questionnaire/banks/fields.py
# ``without_controls``, copied as it is at this revision): a vertical tab, a form feed and the
# Unicode line separators become new lines, the other C0 controls and DEL go. The XLSX and QTI
# exports could not carry them.
_CONTROLS = {
    **dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]),
    **dict.fromkeys(map(ord, "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), "\n"),
}

# The version's fingerprint (questionnaire/banks/services.py ``content_hash`` and the sanitiser
# of questionnaire/richtext.py, as at this revision) is computed again for a cleaned version:
# re-importing the file that brought the text, which the import now cleans the same way, then
# finds the version identical instead of making a new draft of the same content.
_TAGS = {"em", "strong", "p", "br", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th"}
_TAGS |= {"td", "caption"}
_ATTRIBUTES = {"th": {"scope"}, "td": {"colspan"}}

theme = sa.table("theme", sa.column("id", sa.Integer), sa.column("slug", sa.String))
topic = sa.table("topic", sa.column("id", sa.Integer), sa.column("slug", sa.String))
item = sa.table("item", sa.column("id", sa.Integer), sa.column("theme_id", sa.Integer))
item_version = sa.table(
    "item_version",
    sa.column("id", sa.Integer),
    sa.column("item_id", sa.Integer),
    sa.column("topic_id", sa.Integer),
    sa.column("competency", sa.String),
    sa.column("item_type", sa.String),
    sa.column("stem", sa.Text),
    sa.column("rationale", sa.Text),
    sa.column("reference", sa.Text),
    sa.column("cognitive_level", sa.String),
    sa.column("difficulty", sa.String),
    sa.column("valid_as_of", sa.Date),
    sa.column("volatility", sa.String),
    sa.column("content_hash", sa.String),
    sa.column("first_used_at", sa.DateTime),
)
item_option = sa.table(
    "item_option",
    sa.column("id", sa.Integer),
    sa.column("version_id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("text", sa.Text),
    sa.column("is_correct", sa.Boolean),
    sa.column("position", sa.Integer),
)


def _clean(text):
    return text.translate(_CONTROLS).strip()


def _one_line(text):
    # the reference is a one-line field, in the editor as in the imports
    return " ".join(text.translate(_CONTROLS).split())


def _has_controls(text):
    return text != text.translate(_CONTROLS)


def _sanitise(text):
    return nh3.clean(
        text, tags=_TAGS, attributes=_ATTRIBUTES, link_rel=None, strip_comments=True
    ).strip()


def _content_hash(version, options):
    payload = {
        "theme": version["theme_slug"],
        "topic": version["topic_slug"],
        "competency": version["competency"],
        "type": version["item_type"],
        "stem": _sanitise(version["stem"]),
        "options": [[o["key"], _sanitise(o["text"]), bool(o["is_correct"])] for o in options],
        "rationale": _sanitise(version["rationale"]),
        "reference": version["reference"],
        "cognitive_level": version["cognitive_level"],
        "difficulty": version["difficulty"],
        "valid_as_of": version["valid_as_of"].isoformat(),
        "volatility": version["volatility"],
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def upgrade():
    connection = op.get_bind()
    versions = connection.execute(
        sa.select(item_version, theme.c.slug.label("theme_slug"), topic.c.slug.label("topic_slug"))
        .join(item, item.c.id == item_version.c.item_id)
        .join(theme, theme.c.id == item.c.theme_id)
        .join(topic, topic.c.id == item_version.c.topic_id)
        .order_by(item_version.c.id)
    ).mappings()
    options_of = {}
    for option in connection.execute(
        sa.select(item_option).order_by(item_option.c.version_id, item_option.c.position)
    ).mappings():
        options_of.setdefault(option["version_id"], []).append(dict(option))
    cleaned = kept = 0
    for version in [dict(row) for row in versions]:
        options = options_of.get(version["id"], [])
        texts = [version[name] for name in ("stem", "rationale", "reference")]
        if not any(_has_controls(text) for text in [*texts, *(o["text"] for o in options)]):
            continue
        if version["first_used_at"] is not None:
            # a version a candidate has seen never changes (the application refuses it too):
            # its exports drop the characters, a new version corrects it
            kept += 1
            continue
        dirty_options = [option for option in options if _has_controls(option["text"])]
        for option in dirty_options:
            option["text"] = _clean(option["text"])
        version["stem"] = _clean(version["stem"])
        version["rationale"] = _clean(version["rationale"])
        version["reference"] = _one_line(version["reference"])
        # Only while still unseen: on PostgreSQL an attempt started during the upgrade may first
        # use the version after the read above, and an update by id alone would then change
        # what a candidate was shown. Once this update has locked the row, a first use waits
        # for the migration's commit.
        updated = connection.execute(
            item_version.update()
            .where(item_version.c.id == version["id"], item_version.c.first_used_at.is_(None))
            .values(
                stem=version["stem"],
                rationale=version["rationale"],
                reference=version["reference"],
                content_hash=_content_hash(version, options),
            )
        )
        if updated.rowcount != 1:
            kept += 1
            continue
        for option in dirty_options:
            connection.execute(
                item_option.update()
                .where(item_option.c.id == option["id"])
                .values(text=option["text"])
            )
        cleaned += 1
    if cleaned or kept:
        logger.info(
            "Caractères de contrôle retirés de %d version(s) d'item ; %d version(s) déjà "
            "présentée(s) à des candidats gardent les leurs (une nouvelle version les corrige).",
            cleaned,
            kept,
        )


def downgrade():
    # what was removed (invisible characters) is not kept anywhere: nothing to put back, and
    # the schema did not change
    pass
