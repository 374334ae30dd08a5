"""Upload and download pages for item exchange files (authors and administrators)."""

from __future__ import annotations

import io

from flask import current_app, render_template, request, send_file
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.fields.choices import SelectChoice

from questionnaire.access import roles_required
from questionnaire.banks.models import Theme, VersionStatus
from questionnaire.clock import current_time
from questionnaire.errors import MESSAGES
from questionnaire.exams.services import workspace_barrier
from questionnaire.exchange import bp
from questionnaire.exchange.formats import FORMATS
from questionnaire.exchange.forms import ExportForm, ImportForm
from questionnaire.exchange.report import ImportRejected
from questionnaire.exchange.safety import MAX_FILE_BYTES, upload_name
from questionnaire.exchange.services import export_theme, import_file
from questionnaire.extensions import db
from questionnaire.roles import Role
from questionnaire.web import render_form

EXCHANGE_ROLES = (Role.AUTHOR, Role.ADMIN)


def _forms(read_upload: bool = True) -> tuple[ImportForm, ExportForm]:
    themes = db.session.execute(select(Theme).order_by(Theme.position)).scalars().all()
    choices = [SelectChoice(theme.slug, theme.title) for theme in themes]
    # the export form is a GET form: its values come from the query string
    import_form = ImportForm() if read_upload else ImportForm(formdata=None)
    export_form = ExportForm(formdata=request.args or None)
    import_form.theme.choices = choices
    export_form.theme.choices = choices
    return import_form, export_form


@bp.get("/")
@roles_required(*EXCHANGE_ROLES)
def index():
    import_form, export_form = _forms()
    return render_template("exchange/index.html", import_form=import_form, export_form=export_form)


@bp.post("/import")
@roles_required(*EXCHANGE_ROLES)
def import_items():
    import_form, export_form = _forms()
    report, rejected = None, False
    if import_form.validate_on_submit():
        upload, user = import_form.file.data, current_user._get_current_object()
        try:
            report = import_file(
                upload.read(),
                upload_name(upload.filename),
                import_form.format.data,
                import_form.theme.data,
                current_time(),
                import_form.topic.data.strip() or None,
                # an administrator who does not write items leaves the drafts to the authors
                author=user if user.has_role(Role.AUTHOR) else None,
                importer=user,
            )
            db.session.commit()
        except ImportRejected as exc:
            db.session.rollback()
            report, rejected = exc.report, True
    # an import done shows its report (200); a form or a file refused comes back with its messages
    return render_form(
        "exchange/index.html",
        refused=report is None or rejected,
        import_form=import_form,
        export_form=export_form,
        report=report,
        rejected=rejected,
    )


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """A file over the web limit: the import page names the limit, where a bare error page
    left the author with « La requête est trop volumineuse » and no way back to the form.

    The request's body is never read (that is what failed), so nothing typed can come back.
    """
    allowed = (
        current_user.is_authenticated
        and current_user.has_any_role(EXCHANGE_ROLES)
        and workspace_barrier(current_user, current_time()) is None
    )
    if not allowed:  # the page is theirs only: others get the usual error page
        return render_template("errors/error.html", status=413, message=MESSAGES[413][1]), 413
    import_form, export_form = _forms(read_upload=False)
    limit, command_limit = (
        size // (1024 * 1024) for size in (current_app.config["MAX_CONTENT_LENGTH"], MAX_FILE_BYTES)
    )
    import_form.file.errors = [
        f"Fichier trop volumineux : la page accepte {limit} Mio au plus (la commande "
        f"« questionnaire banks import » en accepte {command_limit}) ; rien n'a été importé. "
        "Découpez le fichier, ou, pour un paquet QTI, retirez-en les images et médias, qui ne "
        "sont pas importés."
    ]
    return render_template(
        "exchange/index.html", import_form=import_form, export_form=export_form
    ), 413


@bp.get("/export")
@roles_required(*EXCHANGE_ROLES)
def export_items():
    import_form, export_form = _forms()
    if not export_form.validate():
        return render_template(
            "exchange/index.html", import_form=import_form, export_form=export_form
        ), 400
    statuses = frozenset(VersionStatus(value) for value in export_form.status.data or ()) or None
    data, _count = export_theme(export_form.theme.data, export_form.format.data, statuses)
    db.session.commit()  # the export's audit event
    fmt = FORMATS[export_form.format.data]
    return send_file(
        io.BytesIO(data),
        mimetype=fmt.media_type,
        as_attachment=True,
        download_name=fmt.download_name(export_form.theme.data),
    )
