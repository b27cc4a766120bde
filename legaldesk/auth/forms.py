"""Login form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired()])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired()])
