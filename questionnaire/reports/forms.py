"""Forms of the report pages: neutralising an item, correcting a key, Angoff panels and ratings."""

from __future__ import annotations

import re
from decimal import Decimal

from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from questionnaire.forms import FrenchForm, MultiCheckboxField, OneNumberMessage
from questionnaire.reports.angoff_judges import NO_JUDGE
from questionnaire.reports.period_report import DAY_RANGE_MESSAGE, FIRST_DAY, LAST_DAY


class NeutraliseForm(FrenchForm):
    """Remove one item of the session from scoring; choices set by the view."""

    item = SelectField("Item à neutraliser", choices=[], coerce=int, validate_choice=False)
    reason = TextAreaField(
        "Motif de la neutralisation",
        validators=[DataRequired("Indiquez le motif de la neutralisation."), Length(max=1000)],
    )
    neutralised: frozenset[int] = frozenset()  # set by the view

    def validate_item(self, field) -> None:
        if field.process_errors:
            return  # not a number: WTForms already says so
        if field.data in self.neutralised:  # e.g. a second tab opened before the decision
            raise ValidationError("Cet item est déjà neutralisé dans cette session.")
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choisissez un item présenté dans cette session.")


class RekeyChoiceForm(FrenchForm):
    """The item whose key to correct (a read-only query: its options come on the next form)."""

    class Meta:
        csrf = False

    item = SelectField(
        "Item dont la clé est à corriger", choices=[], coerce=int, validate_choice=False
    )

    def validate_item(self, field) -> None:
        if field.process_errors:
            return  # not a number: WTForms already says so
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choisissez un item noté dans cette session.")


class RekeyForm(FrenchForm):
    """The corrected key of the chosen item (choices: its options) and the reason."""

    keys = MultiCheckboxField("Bonne(s) réponse(s) après correction", validate_choice=False)
    reason = TextAreaField(
        "Motif de la correction",
        validators=[DataRequired("Indiquez le motif de la correction."), Length(max=1000)],
    )

    def validate_keys(self, field) -> None:
        if not field.data:
            raise ValidationError("Cochez au moins une bonne réponse.")
        if not set(field.data) <= {value for value, _ in field.choices}:
            raise ValidationError("Choisissez parmi les options de l'item.")


class JudgesForm(FrenchForm):
    """Jury members to name on a panel; the view offers those not named yet."""

    judges = MultiCheckboxField(
        "Juges du panel",
        coerce=int,
        validate_choice=False,
        description="Seuls les juges nommés saisissent des estimations ; chacun voit celles des "
        "autres une fois les siennes complètes.",
    )

    def set_jury(self, members) -> None:
        self.judges.choices = [(m.id, f"{m.display_name} ({m.email})") for m in members]

    def validate_judges(self, field) -> None:
        if not field.data:
            raise ValidationError(NO_JUDGE)
        if not set(field.data) <= {value for value, _ in field.choices}:
            raise ValidationError("Choisissez des membres du jury proposés.")


class PanelForm(JudgesForm):
    title = StringField(
        "Intitulé du panel",
        validators=[DataRequired("Donnez un intitulé au panel."), Length(max=200)],
    )


PLAIN_DECIMAL = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
NOT_A_PROBABILITY = "Indiquez un nombre entre 0 et 1 (par exemple 0,65)."
#: Decimals an estimate keeps (it is stored in basis points).
RATING_DIGITS = 4
TOO_MANY_DIGITS = "Indiquez au plus 4 décimales (par exemple 0,6667)."


class ProbabilityField(OneNumberMessage, DecimalField):
    """A decimal typed the French way (« 0,65 ») or not, in a text box.

    Not ``type=number``: a browser sends « 0,65 » typed there as « 065 », sends « abc » as
    an empty field (which means « no estimate » and would erase a saved one), and shows a
    re-displayed « 0,5 » as an empty box.
    """

    widget = TextInput()

    def _value(self) -> str:
        """A saved estimate as entered (« 0,655 »), never rounded to ``places``: the form
        posts every field back, so a rounded display would replace the estimate at the
        judge's next (partial) save."""
        if self.raw_data or self.data is None:
            return super()._value()
        text = format(self.data, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.replace(".", ",")

    def process_formdata(self, valuelist: list[str]) -> None:
        # digits with one decimal comma or point, nothing else: « 1e-1 » or « 1E-999999999 »
        # are numbers to Python's Decimal, not an estimate a judge types
        if valuelist and valuelist[0].strip() and not PLAIN_DECIMAL.fullmatch(valuelist[0].strip()):
            self.data = None
            raise ValueError(NOT_A_PROBABILITY)
        try:
            super().process_formdata([value.replace(",", ".").strip() for value in valuelist])
        except ValueError as exc:  # WTForms' « N'est pas une valeur décimale valide. »
            raise ValueError(NOT_A_PROBABILITY) from exc
        if self.data is not None and not self.data.is_finite():
            self.data = None  # « NaN », « sNaN », « Infinity » are not probabilities
            raise ValueError(NOT_A_PROBABILITY)
        if self.data is not None and self.data.normalize().as_tuple().exponent < -RATING_DIGITS:
            # stored in basis points: « 0,66667 » was saved, and shown back, as « 0,6667 »
            self.data = None
            raise ValueError(TOO_MANY_DIGITS)


def rating_form(versions: list, current: dict[int, Decimal]) -> FrenchForm:
    """One probability field (0 to 1) per item of the panel, prefilled with the judge's ratings.

    A field may be left empty: the judge saves what is entered so far and comes back later.
    """

    class RatingForm(FrenchForm):
        pass

    for version in versions:
        field = ProbabilityField(
            f"{version.item.external_id} v{version.number}",
            validators=[
                Optional(),
                NumberRange(0, 1, "La probabilité doit être comprise entre 0 et 1."),
            ],
            default=current.get(version.id),
            render_kw={"inputmode": "decimal", "autocomplete": "off"},
        )
        setattr(RatingForm, f"item_{version.id}", field)
    return RatingForm()


class PeriodForm(FrenchForm):
    """Choice of a theme and a period (read-only query: no CSRF token in the URL)."""

    class Meta:
        csrf = False

    theme = SelectField("Thème", choices=[], validate_choice=True)
    start = DateField("Du", validators=[InputRequired("Indiquez la date de début.")])
    end = DateField("Au (inclus)", validators=[InputRequired("Indiquez la date de fin.")])

    def validate_start(self, field) -> None:
        if field.data and not FIRST_DAY <= field.data <= LAST_DAY:
            raise ValidationError(DAY_RANGE_MESSAGE)

    def validate_end(self, field) -> None:
        if field.data and not FIRST_DAY <= field.data <= LAST_DAY:
            raise ValidationError(DAY_RANGE_MESSAGE)
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError("La fin de la période précède son début.")


class DifForm(FrenchForm):
    """Groups compared by the DIF section (read-only query; empty = the two largest groups)."""

    class Meta:
        csrf = False

    # "" (automatic) when a parameter is left out, so that one message explains the choice
    reference = SelectField("Groupe de référence", choices=[], validate_choice=True, default="")
    focal = SelectField("Groupe focal", choices=[], validate_choice=True, default="")

    def set_groups(self, groups: list[str]) -> None:
        choices = [("", "automatique (les deux groupes les plus nombreux)")]
        choices += [(group, group) for group in groups]
        self.reference.choices = self.focal.choices = choices

    def validate_focal(self, field) -> None:
        if bool(self.reference.data) != bool(field.data):
            raise ValidationError("Choisissez les deux groupes, ou aucun.")
        if field.data and field.data == self.reference.data:
            raise ValidationError("Le groupe focal doit différer du groupe de référence.")
