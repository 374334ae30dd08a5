"""The erasure form (administrators)."""

from wtforms import BooleanField, EmailField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from questionnaire.forms import FrenchForm


class ErasureForm(FrenchForm):
    email = EmailField(
        "Adresse électronique du compte",
        validators=[DataRequired("Saisissez l'adresse du compte."), Length(max=254)],
    )
    reason = TextAreaField(
        "Motif (nature et date de la demande, sans le nom de la personne)",
        validators=[DataRequired("Indiquez le motif."), Length(max=500)],
    )
    confirm = BooleanField(
        "Je confirme : le nom, l'adresse et le mot de passe seront remplacés définitivement.",
        validators=[DataRequired("Cochez la case de confirmation de l'effacement.")],
    )
    submit = SubmitField("Effacer (pseudonymiser) le compte")
