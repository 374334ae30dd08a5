"""The extra-time forms: for a whole session, for some candidates' copies."""

from wtforms import HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from questionnaire.forms import FrenchForm, MultiCheckboxField, OneNumberMessage
from questionnaire.incidents.models import MAX_EXTRA_MINUTES
from questionnaire.web import database_int


class MinutesField(OneNumberMessage, IntegerField):
    """A whole number of minutes; one French message when the value is not a number."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Indiquez un nombre entier de minutes (par exemple 15).") from exc


def minutes_field() -> MinutesField:
    return MinutesField(
        "Minutes supplémentaires",
        validators=[
            InputRequired("Indiquez un nombre de minutes."),
            NumberRange(1, MAX_EXTRA_MINUTES, f"Entre 1 et {MAX_EXTRA_MINUTES} minutes."),
        ],
    )


def reason_field() -> TextAreaField:
    return TextAreaField(
        "Motif (incident)",
        validators=[DataRequired("Indiquez le motif."), Length(max=500)],
    )


class ExtraTimeForm(FrenchForm):
    minutes = minutes_field()
    reason = reason_field()
    # how many grants the page showed: a second sending of the same form (double click, reload,
    # two administrators on the same incident) then finds one more and is refused
    grants_seen = HiddenField()
    submit = SubmitField("Accorder le temps supplémentaire")

    def seen_count(self) -> int | None:
        """The number of grants shown with the form, or None when not sent (or malformed)."""
        value = (self.grants_seen.data or "").strip()
        # bounded: past 4,300 digits int() refuses what str.isdigit accepts
        return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


class CopyExtraTimeForm(FrenchForm):
    """Extra time for the copies ticked; the choices are the copies being written when shown."""

    copies = MultiCheckboxField(
        "Copies en cours à prolonger",
        # a copy number past the database's integers is refused here (a tampered form), not
        # by the database when the copies are looked up (a server error)
        coerce=database_int,
        # a copy handed in since the page was shown gets the service's message, not WTForms'
        validate_choice=False,
    )
    minutes = minutes_field()
    reason = reason_field()
    grants_seen = HiddenField()
    submit = SubmitField("Prolonger les copies choisies")
    seen_count = ExtraTimeForm.seen_count
