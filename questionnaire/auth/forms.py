"""Login form."""

from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from questionnaire.forms import FrenchForm


class LoginForm(FrenchForm):
    email = EmailField(
        "Adresse électronique",
        validators=[
            DataRequired("Saisissez votre adresse électronique."),
            Length(max=254),
        ],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired("Saisissez votre mot de passe."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Se connecter")


class PasswordChangeForm(FrenchForm):
    """A user's own password change: the current one, the new one twice."""

    current_password = PasswordField(
        "Mot de passe actuel",
        validators=[DataRequired("Saisissez votre mot de passe actuel."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "Nouveau mot de passe (12 caractères au moins)",
        validators=[
            DataRequired("Saisissez le nouveau mot de passe."),
            Length(max=1024, message="1024 caractères au plus."),
        ],
        render_kw={"autocomplete": "new-password", "minlength": 12},
    )
    confirmation = PasswordField(
        "Nouveau mot de passe, à nouveau",
        validators=[
            DataRequired("Saisissez à nouveau le nouveau mot de passe."),
            EqualTo("new_password", "Les deux saisies du nouveau mot de passe diffèrent."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class EmptyForm(FrenchForm):
    """A CSRF-protected form for button-only actions (logout, submit, flag)."""
