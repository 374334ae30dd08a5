"""Forms of the certification screens: registration, accommodations, jury evaluations."""

from __future__ import annotations

from datetime import date

from wtforms import DateField, EmailField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from questionnaire.certification.models import GRID_MAX, Certification, EvaluatorQuality, Grading
from questionnaire.certification.services import COMMENT_REQUIRED, PREREQUISITE_IN_THE_FUTURE
from questionnaire.forms import FrenchForm


def grid_label(score: int, threshold: int | None) -> str:
    """A grid score as the referential names it (seed 004: 0 non acquis … 4 expert), threshold marked."""
    names = {0: "non acquis", GRID_MAX: "expert"}
    if score == threshold:
        names[score] = ", ".join(filter(None, (names.get(score), "seuil d'acquisition")))
    return f"{score} — {names[score]}" if score in names else str(score)


class RegisterCandidateForm(FrenchForm):
    email = EmailField(
        "Adresse électronique du candidat",
        validators=[
            DataRequired("Saisissez l'adresse électronique du candidat."),
            Length(max=254),
        ],
    )
    submit = SubmitField("Inscrire")


class AccommodationForm(FrenchForm):
    description = TextAreaField(
        "Aménagement des modalités d'évaluation",
        validators=[
            DataRequired("Décrivez l'aménagement."),
            Length(max=2000, message="2 000 caractères au plus."),
        ],
    )
    submit = SubmitField("Enregistrer l'aménagement")


def _account_id(value) -> int | None:
    """A chosen account's number; the empty first choice means nobody."""
    return None if value in ("", None) else int(value)


class DesignationForm(FrenchForm):
    """Seed 003: « 1 expert « habilité » … + 1 expert interne … OU 1 responsable pédagogique »."""

    expert = SelectField(
        "Expert « habilité » ayant suivi l'action de formation de la branche",
        coerce=_account_id,
        validate_choice=True,
        validators=[InputRequired("Choisissez l'expert habilité.")],
        invalid_choice_message="Choisissez un membre actif du jury dans la liste.",
    )
    second = SelectField(
        "Second évaluateur",
        coerce=_account_id,
        validate_choice=True,
        validators=[InputRequired("Choisissez le second évaluateur.")],
        invalid_choice_message="Choisissez un membre actif du jury dans la liste.",
    )
    second_quality = RadioField(
        "Qualité du second évaluateur",
        choices=[
            SelectChoice(q.value, q.label[0].upper() + q.label[1:])
            for q in (EvaluatorQuality.EXPERT_INTERNE, EvaluatorQuality.RESPONSABLE_PEDAGOGIQUE)
        ],
        validators=[InputRequired("Indiquez la qualité du second évaluateur.")],
        invalid_choice_message="Indiquez la qualité du second évaluateur.",
    )
    submit = SubmitField("Désigner les évaluateurs")

    def set_jury(self, members) -> None:
        # nobody chosen until someone is: a list that opened on its first member would designate
        # them on a hurried click, or silently replace a designated member who left the jury
        choices = [SelectChoice("", "— Choisir un membre du jury —")] + [
            SelectChoice(m.id, f"{m.display_name} ({m.email})") for m in members
        ]
        self.expert.choices = self.second.choices = choices

    def validate_second(self, field) -> None:
        if field.data is not None and field.data == self.expert.data:
            raise ValidationError("Les deux évaluateurs sont deux personnes différentes.")


EARLIEST_PREREQUISITE = date(2000, 1, 1)
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


class PrerequisiteForm(FrenchForm):
    """The day the candidate met a prerequisite (not the day it is attested); one per prerequisite."""

    met_on = FrenchDateField(
        "Date à laquelle le prérequis a été rempli",
        validators=[InputRequired("Indiquez la date à laquelle le prérequis a été rempli.")],
        description="Par exemple la date du certificat AMF ; elle date le titre s'il est la "
        "dernière condition remplie.",
    )
    submit = SubmitField("Attester que le candidat remplit ce prérequis")

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_met_on(self, field) -> None:
        if field.data is None:  # not a date: its own message is already there
            return
        if field.data > self.today:
            raise ValidationError(
                f"{PREREQUISITE_IN_THE_FUTURE[:-1]} ({self.today:%d/%m/%Y}, heure de Paris)."
            )
        if field.data < EARLIEST_PREREQUISITE:
            raise ValidationError("Indiquez une date à partir du 01/01/2000.")


def prerequisite_form(prerequisite_id: int, today: date, **kwargs) -> PrerequisiteForm:
    """The attestation form of one prerequisite, prefixed so one page can hold several."""
    return PrerequisiteForm(prefix=f"p{prerequisite_id}", today=today, **kwargs)


class BinaryEvaluationForm(FrenchForm):
    outcome = RadioField(
        "Décision",
        choices=[SelectChoice("acquired", "Acquis"), SelectChoice("not_acquired", "Non acquis")],
        validators=[InputRequired("Indiquez si la compétence est acquise.")],
        invalid_choice_message="Indiquez si la compétence est acquise.",
    )
    comment = TextAreaField(
        "Commentaire",
        validators=[Optional(), Length(max=4000, message="4 000 caractères au plus.")],
    )
    submit = SubmitField("Enregistrer mon évaluation")

    def values(self) -> dict:
        return {"acquired": self.outcome.data == "acquired", "comment": self.comment.data or ""}


class GridEvaluationForm(FrenchForm):
    score = RadioField(
        "Note sur la grille",
        choices=[SelectChoice(str(n), grid_label(n, None)) for n in range(GRID_MAX + 1)],
        validators=[InputRequired(f"Choisissez une note de 0 à {GRID_MAX}.")],
        invalid_choice_message=f"Choisissez une note de 0 à {GRID_MAX}.",
    )
    comment = TextAreaField(
        "Commentaire",
        validators=[Optional(), Length(max=4000, message="4 000 caractères au plus.")],
    )
    submit = SubmitField("Enregistrer mon évaluation")

    def values(self) -> dict:
        return {"grid_score": int(self.score.data), "comment": self.comment.data or ""}


def evaluation_form(
    certification: Certification, competency_id: int, comment_required: bool = False, **kwargs
):
    """The form matching the certification's grading, prefixed so one page can hold many."""
    form_class = (
        GridEvaluationForm if certification.grading is Grading.GRID else BinaryEvaluationForm
    )
    form = form_class(prefix=f"c{competency_id}", **kwargs)
    if comment_required:
        form.comment.validators = [
            DataRequired(COMMENT_REQUIRED),
            *(v for v in form.comment.validators if not isinstance(v, Optional)),
        ]
        form.comment.flags.required = True
    if certification.grading is Grading.GRID:
        threshold = certification.grid_threshold
        form.score.choices = [
            SelectChoice(str(n), grid_label(n, threshold)) for n in range(GRID_MAX + 1)
        ]
    return form
