"""Login form."""

from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

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


class EmptyForm(FrenchForm):
    """A CSRF-protected form for button-only actions (logout, submit, flag)."""
