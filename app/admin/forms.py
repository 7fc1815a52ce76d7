"""Forms for administrators."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.accounts.models import Role
from app.forms import select_choices, strip
from app.i18n import LANGUAGES, _l

ROLE_LABELS = {
    Role.LEARNER.value: _l("Learner"),
    Role.TRAINER.value: _l("Trainer"),
    Role.COORDINATOR.value: _l("Coordinator"),
    Role.ADMIN.value: _l("Administrator"),
}
KIND_LABELS = {
    "country": _l("Country"),
    "municipality": _l("Municipality"),
    "library": _l("Library"),
}


def _language_choices():
    return select_choices([("", _l("Not chosen (from the browser)")), *LANGUAGES.items()])


class InviteForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the e-mail address.")),
            Email(
                _l("Enter an e-mail address in the form name@example.org."),
                check_deliverability=False,
            ),
        ],
    )
    full_name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the full name.")), Length(max=200)]
    )
    library_id = SelectField(_l("Library"), coerce=str, validators=[Optional()])
    role = SelectField(_l("Role"), choices=select_choices(ROLE_LABELS.items()))
    scope_id = SelectField(_l("Scope (for coordinators)"), coerce=str, validators=[Optional()])
    preferred_language = SelectField(_l("Language of the invitation"), choices=_language_choices)


class UserForm(FlaskForm):
    full_name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the full name.")), Length(max=200)]
    )
    library_id = SelectField(_l("Library"), coerce=str, validators=[Optional()])
    preferred_language = SelectField(_l("Interface language"), choices=_language_choices)
    active = BooleanField(_l("The account is active (the person can sign in)"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=select_choices(ROLE_LABELS.items()))
    scope_id = SelectField(_l("Scope"), coerce=str, validators=[Optional()])


class OrganisationForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=select_choices(KIND_LABELS.items()))
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the name.")), Length(max=255)]
    )
    parent_id = SelectField(_l("Belongs to"), coerce=str, validators=[Optional()])
    code = StringField(_l("Code (optional)"), validators=[Optional(), Length(max=40)])


class ConfirmForm(FlaskForm):
    """An empty form: a POST with a CSRF token."""


class EraseForm(FlaskForm):
    confirm = StringField(
        _l("Type the person's e-mail address to confirm"),
        validators=[DataRequired(_l("Type the e-mail address to confirm."))],
    )
