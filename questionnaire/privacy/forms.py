"""The erasure form (administrators): a first submission shows the account, a second erases it."""

from wtforms import BooleanField, EmailField, HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from questionnaire.forms import FrenchForm

CONFIRM_MISSING = "Cochez la case de confirmation de l'effacement."


class ErasureForm(FrenchForm):
    email = EmailField(
        "Adresse électronique du compte",
        validators=[DataRequired("Saisissez l'adresse du compte."), Length(max=254)],
    )
    reason = TextAreaField(
        "Motif (nature et date de la demande, sans le nom de la personne)",
        validators=[DataRequired("Indiquez le motif."), Length(max=500)],
    )
    #: the account shown for checking (its id): the erasure applies to that account only
    account = HiddenField()
    # checked on the second submission only, once the account is shown (the view)
    confirm = BooleanField(
        "Je confirme : le nom, l'adresse et le mot de passe seront remplacés définitivement."
    )
    # the first step's label keeps the action's name: it leads to it, once the account is checked
    check = SubmitField("Effacer (pseudonymiser) le compte : le vérifier d'abord")
    submit = SubmitField("Effacer définitivement ce compte")
