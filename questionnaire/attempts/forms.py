"""Forms of the candidate path."""

from wtforms import BooleanField, SelectMultipleField
from wtforms.validators import DataRequired

from questionnaire.forms import FrenchForm


class AnswerForm(FrenchForm):
    """One question: the chosen key(s) and the review flag; choices set per question."""

    answer = SelectMultipleField("Réponse", choices=[], validate_choice=True)
    flagged = BooleanField("Marquer cette question pour la revoir")


class SubmitForm(FrenchForm):
    confirm = BooleanField(
        "Je confirme remettre ma copie : je ne pourrai plus modifier mes réponses.",
        validators=[DataRequired("Cochez la case pour confirmer la remise de votre copie.")],
    )


class StartForm(FrenchForm):
    """Button-only form to start or resume an attempt."""
