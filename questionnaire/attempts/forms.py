"""Forms of the candidate path."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField
from wtforms.validators import DataRequired


class AnswerForm(FlaskForm):
    """One question: the chosen key(s) and the review flag; choices set per question."""

    answer = SelectMultipleField("Réponse", choices=[], validate_choice=True)
    flagged = BooleanField("Marquer cette question pour la revoir")


class SubmitForm(FlaskForm):
    confirm = BooleanField(
        "Je confirme remettre ma copie : je ne pourrai plus modifier mes réponses.",
        validators=[DataRequired("Cochez la case pour confirmer la remise de votre copie.")],
    )


class StartForm(FlaskForm):
    """Button-only form to start or resume an attempt."""
