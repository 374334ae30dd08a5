"""The reviewer's decision on a statistics flag."""

from __future__ import annotations

from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from questionnaire.forms import FrenchForm


class KeepFlagForm(FrenchForm):
    flag = HiddenField(validators=[DataRequired(), Length(max=100)])
    reason = TextAreaField(
        "Motif",
        validators=[
            DataRequired("Donnez le motif : pourquoi la version peut rester telle quelle."),
            Length(max=1000, message="Le motif tient en 1 000 caractères au plus."),
        ],
    )
