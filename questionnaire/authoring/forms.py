"""The item editor and the small forms of the review thread."""

from __future__ import annotations

from dataclasses import dataclass

from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from questionnaire.banks.fields import EMPTIED, MAX_LENGTHS, without_controls
from questionnaire.banks.fields import shows_text as has_visible_text
from questionnaire.banks.lint import EARLIEST_CHECK, competency_codes
from questionnaire.banks.models import (
    CognitiveLevel,
    Difficulty,
    ItemType,
    ItemVersion,
    Theme,
    Volatility,
)
from questionnaire.banks.validation import DRAFT_OPTION_KEYS, ParsedItem, ParsedOption
from questionnaire.clock import today
from questionnaire.forms import FrenchForm, FrenchSubForm
from questionnaire.richtext import editable, sanitise

VOLATILITY_LABELS = {
    "stable": "stable (revue tous les 3 ans)",
    "annuelle": "annuelle (chiffre revu chaque 1er janvier)",
    "recente": "récente (revue tous les six mois)",
}


def shows_text(form, field) -> None:
    """Refuse a text the sanitiser would leave blank (only a script, only empty tags)."""
    if (field.data or "").strip() and not has_visible_text(field.data):
        raise ValidationError(f"Ce texte est {EMPTIED}.")


@dataclass(frozen=True)
class ErrorLink:
    """One line of the error summary: the field, its message and the id of the control to fix."""

    label: str
    message: str
    target: str


class OptionForm(FrenchSubForm):
    text = TextAreaField(
        "Texte", validators=[Optional(), Length(max=MAX_LENGTHS["option"]), shows_text]
    )
    correct = BooleanField("bonne réponse")


class ItemForm(FrenchForm):
    topic = SelectField("Sujet", validators=[InputRequired("Choisissez un sujet.")])
    # One of the theme's competencies (the referential's codes in the bank), as the lint demands
    competency = SelectField(
        "Compétence",
        choices=[],
        validate_choice=False,  # validate_competency says which codes, in French
        validators=[InputRequired("Choisissez la compétence évaluée.")],
    )
    item_type = RadioField(
        "Type de question",
        choices=[
            SelectChoice(ItemType.SINGLE.value, "une seule bonne réponse"),
            SelectChoice(ItemType.MULTIPLE.value, "plusieurs bonnes réponses"),
        ],
        default=ItemType.SINGLE.value,
        validators=[InputRequired("Choisissez le type de question.")],
    )
    stem = TextAreaField(
        "Énoncé",
        validators=[
            DataRequired("L'énoncé est obligatoire."),
            Length(max=MAX_LENGTHS["stem"]),
            shows_text,
        ],
        description="Mise en forme permise : <em>, <strong>, listes, tableaux.",
    )
    # Five rows; an imported draft with more options (up to 10) shows them all, so that saving
    # never drops one silently: the author removes the surplus, the form says why.
    options = FieldList(FormField(OptionForm), min_entries=5, max_entries=len(DRAFT_OPTION_KEYS))
    rationale = TextAreaField(
        "Justification",
        validators=[
            DataRequired("La justification est obligatoire."),
            Length(max=MAX_LENGTHS["rationale"]),
            shows_text,
        ],
    )
    reference = StringField(
        "Référence juridique",
        validators=[
            DataRequired("La référence est obligatoire."),
            Length(max=MAX_LENGTHS["reference"]),
        ],
    )
    cognitive_level = SelectField(
        "Niveau cognitif", choices=[SelectChoice(c.value) for c in CognitiveLevel]
    )
    difficulty = SelectField(
        "Difficulté a priori", choices=[SelectChoice(d.value) for d in Difficulty]
    )
    valid_as_of = DateField(
        "Valide au", validators=[InputRequired("Indiquez la date de vérification (AAAA-MM-JJ).")]
    )
    volatility = SelectField(
        "Volatilité",
        choices=[SelectChoice(v.value, VOLATILITY_LABELS[v.value]) for v in Volatility],
    )
    # the version and content the page was filled from (services.edit_base): a stale save is refused
    base = HiddenField()

    option_errors: list[ErrorLink]
    allowed_competencies: list[str]

    def set_theme(self, theme: Theme) -> None:
        self.topic.choices = [SelectChoice(t.slug, t.title) for t in theme.topics]
        labels = {code.split()[0]: code for code in reversed(theme.competencies) if code.strip()}
        self.allowed_competencies = competency_codes(theme.competencies)
        self.competency.choices = [
            SelectChoice(code, labels[code]) for code in self.allowed_competencies
        ]

    def filled_options(self) -> list[ParsedOption]:
        return [
            ParsedOption(
                DRAFT_OPTION_KEYS[i],
                without_controls(entry.form.text.data).strip(),
                bool(entry.form.correct.data),
            )
            for i, entry in enumerate(self.options.entries)
            if without_controls(entry.form.text.data or "").strip()
        ]

    def validate_competency(self, field: SelectField) -> None:
        allowed = self.allowed_competencies
        if field.data not in allowed:
            raise ValidationError(
                "Choisissez une compétence du thème : " + ", ".join(allowed) + "."
                if allowed
                else "Ce thème ne déclare aucune compétence : complétez d'abord sa banque."
            )

    def validate_valid_as_of(self, field: DateField) -> None:
        # the day the content was checked: a later date would silence the review reminders
        last = today()
        if field.data is not None and field.data > last:
            raise ValidationError(
                f"La date de vérification ne peut pas dépasser aujourd'hui ({last:%d/%m/%Y})."
            )
        if field.data is not None and field.data < EARLIEST_CHECK:
            raise ValidationError(
                "La date de vérification ne peut pas précéder le "
                f"{EARLIEST_CHECK:%d/%m/%Y} : indiquez le jour où le contenu a été vérifié."
            )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.option_errors = self._check_options()
        return valid and not self.option_errors

    def _check_options(self) -> list[ErrorLink]:
        """The rules on the set of options, each linked to the option that breaks it."""
        entries = self.options.entries
        texts = [(entry.form.text.data or "").strip() for entry in entries]
        filled = self.filled_options()
        filled_at = [i for i, text in enumerate(texts) if text]
        errors = []

        def error(message: str, index: int, control: str = "text") -> None:
            errors.append(ErrorLink("Options", message, entries[index].form[control].id))

        if not 3 <= len(filled) <= 5:
            # too few: the first empty option; too many: the first one past the fifth
            error(
                "Une question a de 3 à 5 options.",
                texts.index("") if len(filled) < 3 else filled_at[5],
            )
        last = filled_at[-1] if filled_at else -1
        gaps = [i for i, text in enumerate(texts[: last + 1]) if not text]
        if gaps:
            error(
                "Remplissez les options dans l'ordre, sans en laisser une vide entre deux.",
                gaps[0],
            )
        empty_correct = [
            i
            for i, (entry, text) in enumerate(zip(entries, texts, strict=True))
            if entry.form.correct.data and not text
        ]
        if empty_correct:
            error(
                "Une option vide ne peut pas être une bonne réponse.", empty_correct[0], "correct"
            )
        n_correct = sum(o.correct for o in filled)
        first_box = filled_at[0] if filled_at else 0
        if self.item_type.data == ItemType.SINGLE.value and n_correct != 1:
            error(
                "Une question à réponse unique a exactement une bonne réponse.",
                first_box,
                "correct",
            )
        if self.item_type.data == ItemType.MULTIPLE.value and (
            n_correct < 2 or n_correct == len(filled)
        ):
            error(
                "Une question à réponses multiples a au moins deux bonnes réponses et une fausse.",
                first_box,
                "correct",
            )
        return errors

    def error_links(self) -> list[ErrorLink]:
        """Every error of a failed submission in page order, for the summary at the top."""
        links = []
        for field in self:
            if field is self.options:
                for key, entry in zip(DRAFT_OPTION_KEYS, field.entries, strict=False):
                    text = entry.form.text
                    links += [ErrorLink(f"Option {key}", m, text.id) for m in text.errors]
                links += getattr(self, "option_errors", [])
            else:
                target = f"{field.id}-0" if field.type == "RadioField" else field.id
                links += [ErrorLink(field.label.text, m, target) for m in field.errors]
        return links

    def to_parsed(self, external_id: str = "") -> ParsedItem:
        return ParsedItem(
            id=external_id,
            topic=self.topic.data,
            competency=self.competency.data.strip(),
            type=ItemType(self.item_type.data),
            # a pasted control character would break the QTI and XLSX exports
            stem=without_controls(self.stem.data).strip(),
            options=self.filled_options(),
            rationale=without_controls(self.rationale.data).strip(),
            reference=without_controls(self.reference.data).strip(),
            cognitive_level=CognitiveLevel(self.cognitive_level.data),
            difficulty=Difficulty(self.difficulty.data),
            valid_as_of=self.valid_as_of.data,
            volatility=Volatility(self.volatility.data),
        )

    def fill_from(self, version: ItemVersion) -> None:
        """Prefill with a stored version's content (for a new draft or an open one)."""
        self.topic.data = version.topic.slug
        self.competency.data = version.competency
        if version.competency not in self.allowed_competencies:
            # shown as it is (an import may bring any text), so that saving never changes it
            # silently: the author picks one of the theme's, the form says so
            self.competency.choices = [
                SelectChoice(version.competency, f"{version.competency} (hors du thème)"),
                *self.competency.choices,
            ]
        self.item_type.data = version.item_type.value
        # the text areas show what the author typed, not the entities the sanitiser stored
        self.stem.data = editable(version.stem)
        while len(self.options.entries) < len(version.options):
            self.options.append_entry()
        for entry, key in zip(self.options.entries, DRAFT_OPTION_KEYS, strict=False):
            option = version.option(key)
            entry.form.text.data = editable(option.text) if option else ""
            entry.form.correct.data = bool(option and option.is_correct)
        self.rationale.data = editable(version.rationale)
        self.reference.data = version.reference
        self.cognitive_level.data = version.cognitive_level.value
        self.difficulty.data = version.difficulty.value
        self.valid_as_of.data = version.valid_as_of
        self.volatility.data = version.volatility.value


@dataclass(frozen=True)
class PreviewOption:
    key: str
    text: str


@dataclass(frozen=True)
class PreviewQuestion:
    """What the candidate page needs from a version, built from unsaved editor content."""

    stem: str
    is_multiple: bool
    options: tuple[PreviewOption, ...]

    def option(self, key: str) -> PreviewOption | None:
        return next((o for o in self.options if o.key == key), None)

    @property
    def option_order(self) -> list[str]:
        return [o.key for o in self.options]


def preview_of(form: ItemForm) -> PreviewQuestion:
    """The editor's content as a candidate would get it (sanitised, in bank order)."""
    return PreviewQuestion(
        stem=sanitise(form.stem.data or ""),
        is_multiple=form.item_type.data == ItemType.MULTIPLE.value,
        options=tuple(PreviewOption(o.key, sanitise(o.text)) for o in form.filled_options()),
    )


class CommentForm(FrenchForm):
    comment = TextAreaField(
        "Commentaire", validators=[DataRequired("Le commentaire est vide."), Length(max=5000)]
    )


class ReviewForm(FrenchForm):
    comment = TextAreaField("Commentaire pour l'auteur", validators=[Length(max=5000)])


class ReferenceChangeForm(FrenchForm):
    reference = StringField(
        "Référence modifiée",
        validators=[DataRequired("Indiquez la référence."), Length(min=3, max=200)],
        description="Telle qu'elle est citée dans les items, par exemple « Art. 197 CGI ».",
    )
    changed_on = DateField(
        "Modifiée le", validators=[InputRequired("Indiquez la date (AAAA-MM-JJ).")]
    )
    note = TextAreaField("Nature du changement", validators=[Length(max=2000)])
