"""The display preferences form."""

from wtforms import BooleanField

from questionnaire.forms import FrenchForm
from questionnaire.i18n import _


class PreferencesForm(FrenchForm):
    large_text = BooleanField(
        _("Agrandir le texte"),
        description=_("Le texte de toutes les pages est affiché 25 % plus grand."),
    )
    high_contrast = BooleanField(
        _("Contraste renforcé"),
        description=_("Texte noir sur fond blanc, liens et bordures plus marqués."),
    )
    reduced_motion = BooleanField(
        _("Réduire les animations"),
        description=_("Aucune transition ni animation, aucun défilement animé."),
    )
    hide_countdown = BooleanField(
        _("Masquer le compte à rebours"),
        description=_(
            "Le temps restant n'est plus affiché en continu pendant un questionnaire ; "
            "l'heure de fin reste indiquée et les avertissements (5 minutes et 1 minute "
            "restantes) restent affichés et annoncés."
        ),
    )
