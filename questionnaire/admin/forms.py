"""Administration forms; dates are typed in Paris time and stored in UTC."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from questionnaire.banks.models import DURATION_MINUTES_MAX, FORM_ITEMS_MAX, Theme
from questionnaire.clock import PARIS
from questionnaire.exams.models import ReleasePolicy, SessionPurpose
from questionnaire.exams.services import IMMEDIATE_FOR_TRAINING_ONLY
from questionnaire.forms import FrenchForm, MultiCheckboxField, OneNumberMessage
from questionnaire.roles import Role


def to_utc(local: datetime) -> datetime:
    """A naive Paris wall-clock time from a form, as an aware UTC datetime."""
    return local.replace(tzinfo=PARIS).astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(PARIS).replace(tzinfo=None)


# NumberRange formats its message with ``%``: a literal per cent sign must be written ``%%``.
EXTRA_TIME_RANGE = NumberRange(0, 300, "Entre 0 et 300 %%.")
NOT_A_PERCENTAGE = "Indiquez un nombre entier de 0 à 300 (par exemple 33)."


class WholeNumberField(OneNumberMessage, IntegerField):
    """A whole number; one French message for what is not one (not WTForms' own followed by
    the range's)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Indiquez un nombre entier, sans décimale (par exemple 40).") from exc


class PercentField(OneNumberMessage, IntegerField):
    """A whole percentage, its sign allowed (« 33 % », as in the enrolment file); one French
    message for what is not a whole number (not WTForms' own followed by the range's)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            valuelist = [valuelist[0].strip().removesuffix("%").strip()]
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(NOT_A_PERCENTAGE) from exc


FIRST_YEAR, LAST_YEAR = 2000, 2099


def at_most(length: int) -> Length:
    return Length(max=length, message=f"{length} caractères au plus.")


def _offsets(local: datetime) -> tuple:
    """The UTC offsets of a Paris wall-clock time read as its first and as its second occurrence."""
    return tuple(local.replace(tzinfo=PARIS, fold=fold).utcoffset() for fold in (0, 1))


def does_not_exist_in_paris(local: datetime) -> bool:
    """A time the clocks skip in spring (2 h 30 on the last Sunday of March)."""
    return to_local(to_utc(local)) != local


def is_ambiguous_in_paris(local: datetime) -> bool:
    """A time the clocks show twice in autumn: ``fold`` 0 and 1 name two instants an hour apart."""
    first, second = _offsets(local)
    return first != second and not does_not_exist_in_paris(local)


def _clock_change(local: datetime, affected) -> tuple[datetime, datetime]:
    """The wall-clock interval around ``local`` whose times are all ``affected`` (a gap or a fold):
    its first minute, and the first minute after it."""
    step = timedelta(minutes=1)
    start = local.replace(second=0, microsecond=0)
    for _ in range(24 * 60):
        if not affected(start - step):
            break
        start -= step
    end = start
    for _ in range(24 * 60):
        if not affected(end):
            break
        end += step
    return start, end


def _hour(moment: datetime) -> str:
    return moment.strftime("%H h %M")


def shown_in_form(moment: datetime) -> datetime:
    """A stored instant as a time field shows it: Paris wall-clock time, to the minute."""
    return to_local(moment).replace(second=0, microsecond=0)


def _stored_instant(form, field) -> datetime | None:
    """The instant the field showed when the form was filled, if it was sent back unchanged."""
    stored = getattr(form, "stored_instants", {}).get(field.name)
    if stored is not None and field.data == shown_in_form(stored):
        return stored
    return None


def paris_time(form, field) -> None:
    """Refuse a year nobody means (and UTC cannot hold), or an hour the clocks skip in spring
    or show twice in autumn: the session would open or close at another instant than meant.

    A time sent back as the form showed it names the instant already stored (a session closed
    « now » in the autumn night): it is not typed, so not refused.
    """
    if field.data is None or _stored_instant(form, field) is not None:
        return
    local = field.data
    if not FIRST_YEAR <= local.year <= LAST_YEAR:
        raise ValidationError(f"Indiquez une date entre {FIRST_YEAR} et {LAST_YEAR}.")
    if does_not_exist_in_paris(local):
        start, end = _clock_change(local, does_not_exist_in_paris)
        raise ValidationError(
            f"Cette heure n'existe pas à Paris le {local:%d/%m/%Y} : au passage à l'heure "
            f"d'été, les horloges passent de {_hour(start)} directement à {_hour(end)}. "
            f"Choisissez une heure avant {_hour(start)} ou à partir de {_hour(end)}."
        )
    if is_ambiguous_in_paris(local):
        start, end = _clock_change(local, is_ambiguous_in_paris)
        raise ValidationError(
            f"Cette heure existe deux fois à Paris le {local:%d/%m/%Y} : au passage à l'heure "
            f"d'hiver, les horloges reviennent de {_hour(end)} à {_hour(start)}, et l'on ne "
            "saurait pas de laquelle des deux il s'agit (elles sont à une heure d'écart). "
            f"Choisissez une heure avant {_hour(start)} ou à partir de {_hour(end)}."
        )


class FrenchDecimalField(DecimalField):
    """A decimal typed the French way (« 62,5 ») or not; never NaN nor infinity.

    A text box, not ``type=number``: browsers would show and expect « 60.50 » there.
    """

    widget = TextInput()

    def _value(self) -> str:
        if self.raw_data or self.data is None:
            return super()._value()
        text = f"{self.data:.{self.places or 2}f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
        try:
            value = Decimal(text)
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not value.is_finite():
            self.data = None
            raise ValueError("Indiquez un nombre, par exemple 60 ou 62,5.")
        self.data = value


class QuestionnaireForm(FrenchForm):
    title = StringField(
        "Titre", validators=[DataRequired("Le titre est obligatoire."), at_most(200)]
    )
    item_count = WholeNumberField(
        "Nombre de questions",
        validators=[
            InputRequired("Indiquez un nombre."),
            NumberRange(1, FORM_ITEMS_MAX, f"Entre 1 et {FORM_ITEMS_MAX}."),
        ],
    )
    duration_minutes = WholeNumberField(
        "Durée (minutes)",
        validators=[
            InputRequired("Indiquez une durée."),
            NumberRange(1, DURATION_MINUTES_MAX, f"Entre 1 et {DURATION_MINUTES_MAX}."),
        ],
    )
    pass_mark = FrenchDecimalField(
        "Seuil de réussite (%)",
        places=2,
        default=60,
        render_kw={"inputmode": "decimal"},
        validators=[
            InputRequired("Indiquez le seuil (par exemple 60)."),
            NumberRange(1, 100, "Entre 1 et 100 %%."),
        ],
    )
    shuffle_items = BooleanField("Mélanger l'ordre des questions", default=True)
    shuffle_options = BooleanField("Mélanger l'ordre des options", default=True)

    def validate_pass_mark(self, field) -> None:
        """Stored in hundredths of a per cent: a finer value would be rounded unseen."""
        # out of range (1E+50, which quantize cannot even hold): the range's message only
        if field.data is not None and 0 <= field.data <= 100 and field.data % Decimal("0.01"):
            raise ValidationError("Indiquez au plus 2 décimales (par exemple 62,5).")


def questionnaire_form(theme: Theme, **kwargs) -> QuestionnaireForm:
    """The questionnaire form with one « items drawn » field per topic of the theme."""

    class ThemedQuestionnaireForm(QuestionnaireForm):
        pass

    for topic in theme.topics:
        setattr(
            ThemedQuestionnaireForm,
            f"draw_{topic.id}",
            WholeNumberField(
                topic.title,
                validators=[Optional(), NumberRange(0, 200, "Entre 0 et 200.")],
            ),
        )
    form = ThemedQuestionnaireForm(**kwargs)
    form.topic_fields = [(topic, form[f"draw_{topic.id}"]) for topic in theme.topics]
    return form


class SessionForm(FrenchForm):
    questionnaire = SelectField("Questionnaire", coerce=int, validate_choice=True)
    title = StringField(
        "Titre", validators=[DataRequired("Le titre est obligatoire."), at_most(200)]
    )
    opens_at = DateTimeLocalField(
        "Ouverture (heure de Paris)",
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired("Indiquez la date d'ouverture."), paris_time],
    )
    closes_at = DateTimeLocalField(
        "Clôture (heure de Paris)",
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired("Indiquez la date de clôture."), paris_time],
    )
    purpose = RadioField(
        "Nature de la session",
        choices=[
            SelectChoice(
                SessionPurpose.CERTIFICATION.value,
                "Certification : les copies comptent pour les compétences et les blocs",
            ),
            SelectChoice(
                SessionPurpose.TRAINING.value,
                "Entraînement : les copies ne comptent ni pour la certification ni dans les "
                "rapports de la CPNE",
            ),
        ],
        default=SessionPurpose.CERTIFICATION.value,
        validators=[InputRequired("Choisissez la nature de la session.")],
        invalid_choice_message="Choisissez la nature de la session.",
        description="Elle ne peut plus changer une fois des copies commencées.",
    )
    release_policy = SelectField(
        "Publication de la correction",
        choices=[SelectChoice(p.value, p.label) for p in ReleasePolicy],
        default=ReleasePolicy.AFTER_CLOSE.value,
        description=(
            "La correction révèle les bonnes réponses. « Dès la remise » les montre à chaque "
            "candidat qui remet sa copie alors que d'autres peuvent encore composer : il n'est "
            "permis que pour les sessions d'entraînement. Après la clôture, elle n'est publiée qu'une fois toutes "
            "les copies terminées (temps supplémentaire et incidents compris)."
        ),
    )

    #: when editing, the session's times as stored (``keep_times``); none for a new session
    stored_instants: Mapping[str, datetime] = MappingProxyType({})

    def keep_times(self, opens_at: datetime, closes_at: datetime) -> None:
        """Editing: a time left as shown keeps the stored instant (its seconds, and its side of
        the autumn clock change), instead of being read again from the minutes shown."""
        self.stored_instants = {"opens_at": opens_at, "closes_at": closes_at}

    def instant(self, field) -> datetime:
        """The UTC instant of ``opens_at`` or ``closes_at`` as typed (or kept)."""
        return _stored_instant(self, field) or to_utc(field.data)

    def validate_release_policy(self, field) -> None:
        if (
            field.data == ReleasePolicy.IMMEDIATE.value
            and self.purpose.data != SessionPurpose.TRAINING.value
        ):
            raise ValidationError(IMMEDIATE_FOR_TRAINING_ONLY)


class EnrolForm(FrenchForm):
    email = EmailField(
        "Adresse du candidat",
        validators=[DataRequired("Indiquez l'adresse du candidat."), at_most(254)],
    )
    extra_time_percent = PercentField(
        "Temps supplémentaire (%)",
        default=0,
        validators=[
            InputRequired("Indiquez 0 s'il n'y en a pas."),
            EXTRA_TIME_RANGE,
        ],
    )
    note = StringField("Aménagement (note)", validators=[at_most(500)])


class EnrolmentForm(FrenchForm):
    extra_time_percent = PercentField(
        "Temps supplémentaire (%)",
        validators=[
            InputRequired("Indiquez 0 s'il n'y en a pas."),
            EXTRA_TIME_RANGE,
        ],
    )
    note = StringField("Aménagement (note)", validators=[at_most(500)])
    group = StringField("Groupe d'analyse (DIF)", validators=[at_most(60)])


class EnrolmentImportForm(FrenchForm):
    file = FileField(
        "Fichier CSV",
        validators=[
            FileRequired("Choisissez un fichier CSV."),
            FileAllowed(["csv", "txt"], "Un fichier .csv est attendu."),
        ],
        description=(
            "Une ligne par candidat : adresse ; temps supplémentaire en % ; aménagement ; "
            "groupe d'analyse (facultatif : réseau ou métier, jamais une donnée sensible)."
        ),
    )


ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class UserForm(FrenchForm):
    display_name = StringField(
        "Nom affiché", validators=[DataRequired("Le nom est obligatoire."), at_most(200)]
    )
    roles = MultiCheckboxField("Rôles", choices=ROLE_CHOICES)
    active = BooleanField("Compte actif", default=True)
    password = PasswordField(
        "Nouveau mot de passe (laisser vide pour ne pas le changer ; l'utilisateur devra le "
        "remplacer à sa prochaine connexion)",
        validators=[Optional(), Length(min=12, max=1024, message="12 caractères au moins.")],
        render_kw={"autocomplete": "new-password"},
    )


#: one « @ » between a name and a domain of two labels at least, none empty; no space
ADDRESS = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")


def mail_address(form, field) -> None:
    """Refuse an address no message can reach (« @ », « camille@ », a space or an invisible
    character pasted inside): the account would be created, and its holder never found by it.
    Surrounding spaces are dropped and case ignored when the account is stored."""
    address = (field.data or "").strip()
    if address and not (address.isprintable() and ADDRESS.fullmatch(address)):
        raise ValidationError(
            "Adresse électronique invalide : une adresse s'écrit sans espace, sous la forme "
            "prenom.nom@banque.fr."
        )


class NewUserForm(UserForm):
    email = EmailField(
        "Adresse électronique",
        validators=[DataRequired("L'adresse est obligatoire."), at_most(254), mail_address],
    )
    password = PasswordField(
        "Mot de passe initial (l'utilisateur devra le remplacer à sa première connexion)",
        validators=[
            DataRequired("Le mot de passe est obligatoire."),
            Length(min=12, max=1024, message="12 caractères au moins."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
