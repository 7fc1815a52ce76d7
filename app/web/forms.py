"""Display settings and the accessibility feedback form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length, Optional

from app.i18n import _l

TEXT_SIZES = (100, 125, 150, 175, 200)


def _size(value: object) -> int | None:
    """Coerce a submitted text size; anything that is not a whole number becomes None (invalid)."""
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class DisplaySettingsForm(FlaskForm):
    text_size = RadioField(
        _l("Text size"),
        choices=[SelectChoice(size, f"{size} %") for size in TEXT_SIZES],
        coerce=_size,
        validate_choice=False,  # AnyOf below gives a clearer message than WTForms' own
        validators=[
            InputRequired(_l("Choose a text size.")),
            AnyOf(
                TEXT_SIZES, message=_l("Choose one of the text sizes shown, from 100 %% to 200 %%.")
            ),
        ],
    )
    high_contrast = BooleanField(_l("High contrast: black text on white, thicker lines"))
    dyslexia_spacing = BooleanField(_l("Wider spacing between letters, words and lines"))
    reduced_motion = BooleanField(_l("Reduce movement on the screen"))


class FeedbackForm(FlaskForm):
    message = TextAreaField(
        _l("Your message"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Write your message.")),
            Length(max=5000, message=_l("Shorten your message to 5,000 characters or fewer.")),
        ],
    )
    page_url = StringField(
        _l("The page where you had the problem (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=500, message=_l("Shorten the page address to 500 characters or fewer.")),
        ],
    )
    name = StringField(
        _l("Your name (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=200, message=_l("Shorten your name to 200 characters or fewer.")),
        ],
    )
    email = EmailField(
        _l("Your e-mail address (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=254, message=_l("Shorten the e-mail address to 254 characters or fewer.")),
            Email(
                _l("Enter an e-mail address in the form name@example.org."),
                check_deliverability=False,
            ),
        ],
    )
