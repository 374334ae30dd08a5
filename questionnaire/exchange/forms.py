"""Upload form (import) and download form (export) of the exchange page."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from questionnaire.banks.models import VersionStatus
from questionnaire.exchange.formats import FORMATS
from questionnaire.forms import FrenchForm
from questionnaire.i18n import _

EXPORT_CHOICES = [SelectChoice(fmt.name, fmt.label) for fmt in FORMATS.values()]
# one parser reads every QTI version: the import form offers QTI once
IMPORT_CHOICES = [
    SelectChoice(
        fmt.name, _("IMS QTI 2.x / 3.0 (XML ou paquet zip)") if fmt.name == "qti" else fmt.label
    )
    for fmt in FORMATS.values()
    if fmt.name != "qti3"
]


class ImportForm(FrenchForm):
    theme = SelectField(_("Thème"), validators=[DataRequired()])
    format = SelectField(
        _("Format du fichier"), choices=IMPORT_CHOICES, validators=[DataRequired()]
    )
    topic = StringField(
        _("Sujet par défaut (facultatif)"),
        validators=[Optional()],
        description=_(
            "Sujet donné aux items qui n'en indiquent pas, par son intitulé (« Assurance-vie ») "
            "ou son identifiant (« assurance-vie ») ; sinon le premier sujet du thème."
        ),
    )
    file = FileField(_("Fichier"), validators=[FileRequired(_("Choisissez un fichier."))])


class ExportForm(FrenchForm):
    class Meta:
        csrf = False  # a download changes nothing

    # ids distinct from the import form's, on the same page; names stay short in the URL
    theme = SelectField(_("Thème"), validators=[DataRequired()], id="export-theme")
    format = SelectField(
        _("Format"), choices=EXPORT_CHOICES, validators=[DataRequired()], id="export-format"
    )
    status = SelectMultipleField(
        _("Statuts des versions (tous si aucun n'est coché)"),
        choices=[SelectChoice(status.value, status.label) for status in VersionStatus],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[Optional()],
        id="export-status",
    )
