"""Forms: re-issue (language and name), verification, revocation, search and ZIP export."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.certificates.services import MAX_NAME_LENGTH
from app.forms import select_choices, strip
from app.i18n import LANGUAGES, _l

#: Certificate languages, each named in its own language (the label carries ``lang``).
LANGUAGE_CHOICES = select_choices(LANGUAGES.items())


class ReissueForm(FlaskForm):
    learner_name = StringField(
        _l("Your name as it should appear on the certificate"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter your name as it should appear on the certificate.")),
            Length(
                max=MAX_NAME_LENGTH,
                message=_l("The name can be at most %(max)d characters long.", max=MAX_NAME_LENGTH),
            ),
        ],
    )
    language = RadioField(
        _l("Language of the certificate"),
        choices=LANGUAGE_CHOICES,
        validators=[DataRequired(_l("Choose the language of the certificate."))],
    )


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a public look-up that changes nothing; rate-limited instead

    code = StringField(
        _l("Verification code or certificate number"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the verification code or the certificate number.")),
            Length(max=200),
        ],
    )
    surname = StringField(
        _l("Surname of the certificate holder"),
        filters=[strip],
        validators=[Optional(), Length(max=200)],
    )


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for revoking"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the reason for revoking the certificate.")),
            Length(
                min=5,
                max=2000,
                message=_l("Write the reason in %(min)d to %(max)d characters.", min=5, max=2000),
            ),
        ],
    )


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # GET search form

    q = StringField(_l("Search"), filters=[strip], validators=[Optional(), Length(max=200)])
    status = SelectField(
        _l("Status"),
        choices=select_choices(
            [
                ("", _l("All")),
                ("valid", _l("Valid")),
                ("replaced", _l("Replaced")),
                ("revoked", _l("Revoked")),
            ]
        ),
        validators=[Optional()],
    )


class IsoDateField(DateField):
    """A date typed as year-month-day (what ``<input type="date">`` sends), with our message."""

    def process_formdata(self, valuelist):
        if not valuelist or not "".join(valuelist).strip():
            self.data = None  # empty: InputRequired says what to do
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter the date as year-month-day, e.g. 2026-03-31.")) from None


class ExportForm(FlaskForm):
    course_id = SelectField(
        _l("Course"), validators=[DataRequired(_l("Choose a course."))], choices=[]
    )
    start = IsoDateField(
        _l("Completed on or after"),
        validators=[InputRequired(_l("Enter the first day of the period, e.g. 2026-01-01."))],
    )
    end = IsoDateField(
        _l("Completed on or before"),
        validators=[InputRequired(_l("Enter the last day of the period, e.g. 2026-12-31."))],
    )

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The last day must not be before the first day."))
