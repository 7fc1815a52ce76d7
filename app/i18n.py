"""Interface languages: the only module that imports flask_babel.

English is the source language; Latvian is the default interface language. Latvian and Lithuanian
each have three plural forms, so counts always go through ``ngettext``.
"""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import (
    Babel,
    force_locale,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
    gettext,
    lazy_gettext,
    ngettext,
)
from flask_login import current_user

LANGUAGES: dict[str, str] = {"lv": "Latviešu", "lt": "Lietuviškai", "en": "English"}
DEFAULT_LANGUAGE = "lv"

_ = gettext
_l = lazy_gettext

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "_",
    "_l",
    "babel",
    "current_language",
    "force_locale",
    "format_date",
    "format_datetime",
    "format_decimal",
    "format_percent",
    "ngettext",
    "select_locale",
]


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext no-op marker
    """Mark a string for extraction without translating it now (translated where it is shown)."""
    return message


def select_locale() -> str:
    """The user's saved preference, else the switcher (session), else Accept-Language, else lv."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    if current_user and getattr(current_user, "is_authenticated", False):
        preferred = getattr(current_user, "preferred_language", None)
        if preferred in LANGUAGES:
            return preferred
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if request.accept_languages:
        best = request.accept_languages.best_match(list(LANGUAGES))
        if best:
            return best
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """The language code of the current request ('lv', 'lt' or 'en')."""
    locale = get_locale()
    return str(locale.language) if locale else DEFAULT_LANGUAGE


babel = Babel()


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _i18n_context():
        return {"LANGUAGES": LANGUAGES, "current_language": current_language()}


def translations_dir() -> str:
    return current_app.config["TRANSLATIONS_DIR"]
