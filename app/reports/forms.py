"""The report filter form (GET): period, course, course language, organisation, sharing option.

``resolve_filters`` turns a valid form into ``queries.Filters`` and checks the organisation
and course against what the reader may see; it raises ``FilterError`` with the HTTP status
(404 unknown, 403 outside the reader's scope) and a translated message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Optional, ValidationError

from app.accounts.models import Organisation
from app.i18n import LANGUAGES, _, _l
from app.reports import queries


def parse_date(value: str | None) -> date | None:
    """``YYYY-MM-DD`` (what <input type=date> sends) or None; ValueError when malformed."""
    if not value:
        return None
    return date.fromisoformat(value.strip())


# Reports cover the programme's years; dates far outside them are typing mistakes (and year 1 or
# 9999 would overflow the time-zone arithmetic).
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


class _IsoDate:
    def __call__(self, form, field) -> None:
        try:
            field.parsed = parse_date(field.data)
        except ValueError as exc:
            raise ValidationError(
                _("Enter a real date in the form YYYY-MM-DD, for example 2025-03-31.")
            ) from exc
        if field.parsed is not None and not EARLIEST <= field.parsed <= LATEST:
            field.parsed = None
            raise ValidationError(_("Enter a date from 2000-01-01 to 2099-12-31."))


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    start = StringField(_l("From"), validators=[Optional(), _IsoDate()], render_kw={"type": "date"})
    end = StringField(_l("To"), validators=[Optional(), _IsoDate()], render_kw={"type": "date"})
    course = SelectField(_l("Course"), validate_choice=False)
    language = SelectField(_l("Course language"), validate_choice=False)
    org = SelectField(_l("Organisation"), validate_choice=False)
    shared = BooleanField(_l("For sharing outside the organisation (show counts below 5 as “<5”)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [("", _("All languages"))] + [
            (code, name) for code, name in LANGUAGES.items()
        ]

    def validate_language(self, field) -> None:
        if field.data and field.data not in LANGUAGES:
            raise ValidationError(_("Choose a language from the list."))

    def validate_org(self, field) -> None:
        if field.data and not field.data.isdigit():
            raise ValidationError(_("Choose an organisation from the list."))

    def validate_end(self, field) -> None:
        start = getattr(self.start, "parsed", None)
        end = getattr(field, "parsed", None)
        if start and end and end < start:
            raise ValidationError(
                _("The end date must be the same as or later than the start date.")
            )

    def set_choices(
        self, courses: list[tuple[str, str]], organisations: list[tuple[str, str]]
    ) -> None:
        self.course.choices = [("", _("All courses"))] + courses
        self.org.choices = [("", _("All organisations I can see"))] + organisations

    @property
    def period(self) -> tuple[date | None, date | None]:
        return getattr(self.start, "parsed", None), getattr(self.end, "parsed", None)


class FilterError(Exception):
    """A filter the reader may not use: ``status`` 403 or 404, ``message`` translated."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Resolved:
    filters: queries.Filters
    organisation: Organisation | None
    shared: bool


def _instant(day: date) -> datetime:
    """Midnight at the start of ``day`` in the platform's time zone."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Riga")
    return datetime.combine(day, time(0, 0), tzinfo=zone)


def resolve_filters(
    form: ReportFilterForm, paths: list[str] | None, catalog, *, allow_org: bool = True
) -> Resolved:
    """Validated form data → Filters. The caller has checked ``form.validate()``."""
    start, end = form.period
    course_id = form.course.data or None
    if course_id and catalog.get(course_id) is None:
        raise FilterError(404, _("There is no course with this identifier."))
    organisation = None
    if allow_org and form.org.data:
        organisation = queries.organisation(int(form.org.data))
        if organisation is None:
            raise FilterError(404, _("There is no organisation with this number."))
        if paths is not None and not any(organisation.path.startswith(p) for p in paths):
            raise FilterError(
                403,
                _(
                    "This organisation is outside your area: you can only see reports for your own organisations."
                ),
            )
    filters = queries.Filters(
        start=_instant(start) if start else None,
        end=_instant(end + timedelta(days=1)) if end else None,
        course_id=course_id,
        language=form.language.data or None,
        org_path=organisation.path if organisation is not None else None,
    )
    return Resolved(filters, organisation, bool(form.shared.data))
