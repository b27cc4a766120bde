"""Log-in, second-factor, forgotten-password and new-password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired()])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired()])


class CodeForm(FlaskForm):
    """A code from the authenticator app (or a recovery code where accepted)."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])


class DisableTwoFactorForm(FlaskForm):
    """Password and a current code, to turn two-factor authentication off."""

    password = PasswordField(_l("Mot de passe"), validators=[DataRequired()])
    code = StringField(_l("Code de l'application ou code de secours"),
                       validators=[DataRequired(), Length(max=40)])


class ForgotForm(FlaskForm):
    """The address of the account whose password was forgotten."""

    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(_l("Nouveau mot de passe"), validators=[DataRequired()])
    confirm = PasswordField(_l("Confirmez le mot de passe"), validators=[
        DataRequired(), EqualTo("password", message=_l("Les deux saisies diffèrent."))])
