"""The extra-time form."""

from wtforms import IntegerField, SubmitField, TextAreaField
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, StopValidation

from questionnaire.forms import FrenchForm
from questionnaire.incidents.models import MAX_EXTRA_MINUTES


class MinutesField(IntegerField):
    """A whole number of minutes; one French message when the value is not a number."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Indiquez un nombre entier de minutes (par exemple 15).") from exc

    def pre_validate(self, form) -> None:
        if self.process_errors and self.raw_data and self.raw_data[0].strip():
            raise StopValidation()  # the range message would repeat the first one


class ExtraTimeForm(FrenchForm):
    class Meta:
        locales = ("fr_FR", "fr")

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)

    minutes = MinutesField(
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
