"""Forms of the certification screens: registration, accommodations, jury evaluations."""

from __future__ import annotations

from datetime import date

from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from questionnaire.auth.models import User
from questionnaire.certification import composition, deliberation
from questionnaire.certification.models import (
    GRID_MAX,
    Certification,
    Deliberation,
    EvaluatorQuality,
    Grading,
    ModalityKind,
    ObservationChannel,
    theme_label,
)
from questionnaire.certification.observations import BAD_CHANNEL, DESCRIPTION_MAX, IN_THE_FUTURE
from questionnaire.certification.services import (
    COMMENT_REQUIRED,
    DAY_TOO_EARLY,
    EARLIEST_DAY,
    PREREQUISITE_IN_THE_FUTURE,
)
from questionnaire.forms import FrenchDateField, FrenchForm, FrenchSubForm


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


#: The modalities that may replace a questionnaire: every one but a questionnaire.
REPLACEMENTS = [k for k in ModalityKind if not k.is_questionnaire]


class AccommodationForm(FrenchForm):
    """Seed 000: « Les modalités d'évaluation peuvent être adaptées en fonction des situations
    des personnes handicapées »: a description and, when it comes to that, a questionnaire
    replaced by a modality the jury evaluates."""

    description = TextAreaField(
        "Aménagement des modalités d'évaluation",
        validators=[
            DataRequired("Décrivez l'aménagement."),
            Length(max=2000, message="2 000 caractères au plus."),
        ],
    )
    replaced_theme = SelectField(
        "Questionnaire remplacé",
        validate_choice=True,
        choices=[],
        default="",
        invalid_choice_message="Choisissez un questionnaire de la liste.",
    )
    replacement = SelectField(
        "Modalité qui remplace le questionnaire",
        validate_choice=True,
        default="",
        choices=[SelectChoice("", "— Aucune —")]
        + [SelectChoice(k.value, k.label) for k in REPLACEMENTS],
        invalid_choice_message="Choisissez une modalité de la liste.",
    )
    submit = SubmitField("Enregistrer l'aménagement")

    def set_themes(self, themes: list[str]) -> None:
        """The certification's questionnaires, after « none » (the list opens on no change)."""
        self.replaced_theme.choices = [
            SelectChoice("", "— Aucun : les modalités du référentiel s'appliquent —")
        ] + [SelectChoice(t, f"Questionnaire thématique : {theme_label(t)}") for t in themes]

    @property
    def offers_replacement(self) -> bool:
        return len(self.replaced_theme.choices) > 1

    def validate_replacement(self, field) -> None:
        if self.replaced_theme.data and not field.data:
            raise ValidationError("Choisissez la modalité qui remplace le questionnaire.")
        if field.data and not self.replaced_theme.data:
            raise ValidationError(
                "Une modalité de remplacement suppose un questionnaire remplacé : choisissez-le, "
                "ou revenez à « Aucune »."
            )

    def values(self) -> dict:
        return {
            "replaced_theme": self.replaced_theme.data or None,
            "replacement": ModalityKind(self.replacement.data) if self.replacement.data else None,
        }


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
        if field.data < EARLIEST_DAY:
            raise ValidationError(DAY_TOO_EARLY)


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


class MemberForm(FrenchSubForm):
    """One member present at the deliberation: the name as entered, the jury account if any."""

    name = StringField(
        "Nom et prénom",
        validators=[Length(max=deliberation.NAME_MAX, message=deliberation.NAME_TOO_LONG)],
    )
    account = SelectField(
        "Compte membre du jury sur la plateforme (facultatif)",
        choices=[],
        validate_choice=True,
    )


class MembersForm(FrenchForm):
    """The members of a deliberation, one fieldset per seat (seed 002) or per optional row."""

    members: FieldList
    seats: list
    jury: dict[int, User]
    recorded_by: User | None

    def legend(self, row: int) -> str:
        """A member row's name: its declared seat, or « Membre n » without a declaration."""
        seat = self.seats[row]
        return seat.label if seat else f"Membre {row + 1}"

    def is_required(self, row: int) -> bool:
        return self.seats[row] is not None or row == 0

    def entries(self) -> list[deliberation.MemberEntry]:
        # by the text sent, as the choices are: « ² » or 5,000 digits pass str.isdigit, not int
        accounts = {str(account_id): user for account_id, user in self.jury.items()}
        return [
            deliberation.MemberEntry(
                entry.form.name.data or "", accounts.get(entry.form.account.data or "")
            )
            for entry in self.members.entries
        ]

    def attach(self, problems: list[deliberation.CompositionProblem]) -> None:
        """Put each refusal on the field it concerns (a member's name or account, else the form)."""
        for problem in problems:
            if problem.row is None:
                self.form_errors.append(problem.message)
                continue
            field = self.members.entries[problem.row].form[problem.field]
            field.errors = [*field.errors, problem.message]

    def error_links(self) -> list[dict]:
        """The error summary's lines, each leading to the control to correct."""
        links = []
        for row, entry in enumerate(self.members.entries):
            links += [
                {
                    "label": f"{self.legend(row)} — {field.label.text}",
                    "message": message,
                    "target": field.id,
                }
                for field in (entry.form.name, entry.form.account)
                for message in field.errors
            ]
        first = self.members.entries[0].form.name.id if self.members.entries else None
        links += [{"label": "", "message": m, "target": first} for m in self.form_errors]
        return links


class DeliberationForm(MembersForm):
    """The day the jury met and its members, one fieldset per declared seat (seed 002)."""

    held_on = FrenchDateField(
        "Date de la délibération",
        validators=[InputRequired(deliberation.DATE_REQUIRED)],
        description="Le jour où le jury s'est réuni (heure de Paris), non celui de la saisie : "
        "seuls les blocs validés au plus tard ce jour-là sont capitalisés.",
    )
    submit = SubmitField("Enregistrer la délibération")

    certification: Certification
    today: date

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the deliberation's rules (the service's), all shown at once."""
        valid = super().validate(extra_validators)
        if self.csrf_token.errors:
            return False
        problems = deliberation.composition_problems(
            self.certification,
            None if self.held_on.errors else self.held_on.data,
            self.entries(),
            self.today,
            self.recorded_by,
        )
        if self.held_on.errors:  # the typed date is already refused: say it once
            problems = [p for p in problems if p.field != "held_on"]
        self.attach(problems)
        return valid and not problems

    def attach(self, problems: list[deliberation.CompositionProblem]) -> None:
        """Put each refusal on the field it concerns (the date, a member's name or account)."""
        for problem in problems:
            if problem.field == "held_on":
                self.held_on.errors = [*self.held_on.errors, problem.message]
        super().attach([p for p in problems if p.field != "held_on"])

    def error_links(self) -> list[dict]:
        """The error summary's lines, the date first, each leading to the control to correct."""
        return [
            {"label": self.held_on.label.text, "message": m, "target": self.held_on.id}
            for m in self.held_on.errors
        ] + super().error_links()


class CompositionForm(MembersForm):
    """A recorded deliberation's members, to correct (its day and blocks do not change)."""

    submit = SubmitField("Corriger la composition")

    deliberation: Deliberation

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the recording's rules on the corrected composition, all at once."""
        valid = super().validate(extra_validators)
        if self.csrf_token.errors:
            return False
        problems = composition.composition_problems(
            self.deliberation, self.entries(), self.recorded_by
        )
        self.attach(problems)
        return valid and not problems


def deliberation_form(
    certification: Certification,
    jury: list[User],
    today: date,
    recorded_by: User | None = None,
    **kwargs,
) -> DeliberationForm:
    """The deliberation form of ``certification``: one member row per declared seat, or
    ``UNDECLARED_ROWS`` rows when the referential declares no composition."""
    seats = deliberation.seat_rows(certification)
    form_class = type(
        "DeliberationForm",
        (DeliberationForm,),
        {
            "members": FieldList(
                FormField(MemberForm), min_entries=len(seats), max_entries=len(seats)
            )
        },
    )
    form = form_class(**kwargs)
    form.certification, form.seats, form.today = certification, seats, today
    form.recorded_by = recorded_by
    _offer_accounts(form, jury)
    return form


def _offer_accounts(form: MembersForm, jury: list[User], kept: list[User] = ()) -> None:
    """Each row's account list: the jury's members, then accounts kept from the record."""
    choices = [SelectChoice("", "— sans compte sur la plateforme —")] + [
        SelectChoice(str(member.id), f"{member.display_name} ({member.email})") for member in jury
    ]
    known = {member.id for member in jury}
    choices += [
        SelectChoice(str(user.id), f"{user.display_name} ({user.email}, ne siège plus au jury)")
        for user in kept
        if user.id not in known
    ]
    form.jury = {member.id: member for member in (*jury, *kept)}
    for entry in form.members.entries:
        entry.form.account.choices = choices


def composition_form(
    recorded: Deliberation, jury: list[User], corrected_by: User | None = None, **kwargs
) -> CompositionForm:
    """The correction form of a recorded deliberation, its rows as recorded (seats kept)."""
    seats = composition.recorded_seats(recorded)
    form_class = type(
        "CompositionForm",
        (CompositionForm,),
        {
            "members": FieldList(
                FormField(MemberForm), min_entries=len(seats), max_entries=len(seats)
            )
        },
    )
    if kwargs.get("formdata", True) is None:  # shown, not posted: the composition as recorded
        kwargs["data"] = {
            "members": [
                {"name": entry.name, "account": str(entry.account.id) if entry.account else ""}
                for entry in composition.recorded_entries(recorded, len(seats))
            ]
        }
    form = form_class(**kwargs)
    form.deliberation, form.seats, form.recorded_by = recorded, seats, corrected_by
    kept = [member.user for member in recorded.members if member.user is not None]
    _offer_accounts(form, jury, kept)
    return form


class ObservationForm(FrenchForm):
    """One observed interview of a block (seed 003): its day, its channel, whether it was
    simulated."""

    observed_on = FrenchDateField(
        "Date de l'entretien",
        validators=[InputRequired("Indiquez la date de l'entretien observé.")],
        description="Le jour de l'entretien (heure de Paris), pas celui de la saisie.",
    )
    channel = RadioField(
        "Canal de l'entretien",
        choices=[SelectChoice(c.value, c.label) for c in ObservationChannel],
        validators=[InputRequired(BAD_CHANNEL)],
        invalid_choice_message=BAD_CHANNEL,
    )
    simulated_difficult = BooleanField(
        "Entretien simulé (situation difficile, mise en situation reconstituée)"
    )
    description = StringField(
        "Description (facultative)",
        validators=[
            Optional(),
            Length(max=DESCRIPTION_MAX, message=f"{DESCRIPTION_MAX} caractères au plus."),
        ],
        description="Quelques mots sur le cadre de l'entretien, sans donnée de santé.",
    )
    submit = SubmitField("Enregistrer l'entretien observé")

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_observed_on(self, field) -> None:
        if field.data is not None and field.data > self.today:
            raise ValidationError(f"{IN_THE_FUTURE} ({self.today:%d/%m/%Y}, heure de Paris).")
        if field.data is not None and field.data < EARLIEST_DAY:
            raise ValidationError(DAY_TOO_EARLY)
