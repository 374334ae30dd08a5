"""The extra-time form."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from questionnaire.incidents.models import MAX_EXTRA_MINUTES


class ExtraTimeForm(FlaskForm):
    minutes = IntegerField(
        "Minutes supplémentaires",
        validators=[
            InputRequired("Indiquez un nombre de minutes."),
            NumberRange(1, MAX_EXTRA_MINUTES, f"Entre 1 et {MAX_EXTRA_MINUTES} minutes."),
        ],
    )
    reason = TextAreaField(
        "Motif (incident)",
        validators=[DataRequired("Indiquez le motif."), Length(max=500)],
    )
    submit = SubmitField("Accorder le temps supplémentaire")
