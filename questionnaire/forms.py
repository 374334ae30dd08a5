"""The base forms of the French interface."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, Form, SelectMultipleField
from wtforms.meta import DefaultMeta
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

#: WTForms' shipped catalogue (« Choix non valide »…).
FRENCH_LOCALES = ("fr_FR", "fr")


class FrenchForm(FlaskForm):
    """WTForms' own messages (« Choix non valide »…) in French, from its shipped catalogue."""

    class Meta:
        locales = FRENCH_LOCALES

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)


class FrenchSubForm(Form):
    """A form nested in a FrenchForm (``FormField``): sub-forms do not inherit its translations."""

    class Meta:
        locales = FRENCH_LOCALES


class OneNumberMessage:
    """Mixin for a number field: a value that is not a number gets its own message only.

    Without it, the range validator would add a second message about the same value.
    """

    def pre_validate(self, form) -> None:
        if self.process_errors and self.raw_data and self.raw_data[0].strip():
            raise StopValidation()


class MultiCheckboxField(SelectMultipleField):
    """Several choices, one checkbox each (the template puts them in a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


NOT_A_DATE = "Indiquez une date valide, au format jj/mm/aaaa (par exemple 04/11/2025)."


class FrenchDateField(DateField):
    """A day as a date box sends it (2025-11-04) or as typed without one (04/11/2025).

    A browser without a date picker shows a text box: the French way of writing a date is
    accepted there, and anything else gets one message that says what to type.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, format=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(NOT_A_DATE) from None
