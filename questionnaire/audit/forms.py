"""The journal's filters: a read-only query (GET, no CSRF token in the URL)."""

from __future__ import annotations

from datetime import date

from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from questionnaire.audit.models import ACTION_LABELS
from questionnaire.audit.services import INVOLVEMENTS, JournalFilters
from questionnaire.forms import FrenchDateField, FrenchForm

#: Days the journal can be asked about (a year 1 or 9999 would overflow the conversion to UTC).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
DAY_RANGE = "Indiquez une date entre le 01/01/2000 et le 31/12/2099."
INVERTED_RANGE = "La date « au » précède la date « du » : inversez-les ou corrigez l'une d'elles."
UNKNOWN_ACTION = "Action inconnue : choisissez une action de la liste, ou « toutes »."


def _strip(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


class JournalFilterForm(FrenchForm):
    """Action, person and Paris calendar days (both inclusive), combinable."""

    class Meta:
        csrf = False

    action = SelectField("Action", choices=[], validate_choice=False, default="")
    person = StringField(
        "Personne (nom ou adresse électronique, sans tenir compte des accents ni des majuscules)",
        validators=[Optional(), Length(max=254, message="254 caractères au plus.")],
        filters=[_strip],
    )
    involvement = SelectField(
        "Rôle de cette personne dans l'événement",
        choices=[SelectChoice(code, label) for code, label in INVOLVEMENTS.items()],
        default="actor",
    )
    start = FrenchDateField("Du (jour inclus, heure de Paris)", validators=[Optional()])
    end = FrenchDateField("Au (jour inclus, heure de Paris)", validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [SelectChoice("", "toutes")] + [
            SelectChoice(code, label) for code, label in ACTION_LABELS.items()
        ]

    def validate_action(self, field) -> None:
        if field.data and field.data not in ACTION_LABELS:
            raise ValidationError(UNKNOWN_ACTION)

    def validate_start(self, field) -> None:
        if field.data and not FIRST_DAY <= field.data <= LAST_DAY:
            raise ValidationError(DAY_RANGE)

    def validate_end(self, field) -> None:
        if field.data and not FIRST_DAY <= field.data <= LAST_DAY:
            raise ValidationError(DAY_RANGE)
        start = self.start.data
        if start and field.data and FIRST_DAY <= start <= LAST_DAY and field.data < start:
            raise ValidationError(INVERTED_RANGE)

    def filters(self) -> JournalFilters:
        """The validated filters, for the service."""
        return JournalFilters(
            action=self.action.data or None,
            person=self.person.data or None,
            involvement=self.involvement.data,
            start=self.start.data,
            end=self.end.data,
        )
