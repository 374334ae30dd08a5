"""Forms of the candidate path."""

from wtforms import BooleanField, SelectMultipleField
from wtforms.validators import DataRequired, ValidationError

from questionnaire.forms import FrenchForm

SHOWN_KEYS = 5  # refused keys named in a message, the others counted
SHOWN_LENGTH = 40  # characters of a refused key named (a bank id's length)


def _quoted(key: str) -> str:
    shown = key if len(key) <= SHOWN_LENGTH else f"{key[:SHOWN_LENGTH]}…"
    return f"«\u00a0{shown}\u00a0»"


class AnswerField(SelectMultipleField):
    """The chosen key(s). Refused keys are quoted one by one, a few at most: WTForms quoted them
    together (« Y', 'Z ») and named every one of the thousands a 16 Kio post may hold."""

    def pre_validate(self, form) -> None:
        allowed = {value for value, _label in self.choices}
        refused = sorted({key for key in self.data or [] if key not in allowed})
        if not refused:
            return
        if len(refused) == 1:
            raise ValidationError(f"{_quoted(refused[0])} n'est pas un choix valide pour ce champ.")
        named = ", ".join(_quoted(key) for key in refused[:SHOWN_KEYS])
        if len(refused) > SHOWN_KEYS:
            named += f" et {len(refused) - SHOWN_KEYS} autre(s)"
        raise ValidationError(f"{named} ne sont pas des choix valides pour ce champ.")


class AnswerForm(FrenchForm):
    """One question: the chosen key(s) and the review flag; choices set per question."""

    answer = AnswerField("Réponse", choices=[], validate_choice=True)
    flagged = BooleanField("Marquer cette question pour la revoir")


class SubmitForm(FrenchForm):
    confirm = BooleanField(
        "Je confirme remettre ma copie : je ne pourrai plus modifier mes réponses.",
        validators=[DataRequired("Cochez la case pour confirmer la remise de votre copie.")],
    )


class StartForm(FrenchForm):
    """Button-only form to start or resume an attempt."""
