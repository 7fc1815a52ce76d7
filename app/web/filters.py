"""Template globals and filters: navigation, display settings, locale-aware dates and numbers."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from flask import Flask, current_app, request, session, url_for
from flask_login import current_user

from app.i18n import (
    _l,
    current_language,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
)

# (endpoint, label, who sees it). An entry shows only once its feature has registered the endpoint.
NAV = [
    ("web.home", _l("Home"), "all"),
    ("learning.catalogue", _l("Courses"), "all"),
    ("learning.dashboard", _l("My learning"), "user"),
    ("courses.trainer_overview", _l("Course authoring"), "trainer"),
    ("reports.index", _l("Reports"), "coordinator"),
    ("admin.index", _l("Administration"), "admin"),
]
FOOTER = [
    ("web.accessibility_statement", _l("Accessibility statement")),
    ("web.display_settings", _l("Display settings")),
    ("web.privacy", _l("Privacy notice")),
    ("web.help", _l("Help")),
]


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    current: bool


def _allowed(who: str) -> bool:
    if who == "all":
        return True
    if not current_user.is_authenticated:
        return False
    if who == "user":
        return True
    return current_user.is_admin or current_user.has_role(who)


def nav_items() -> list[NavItem]:
    endpoints = current_app.view_functions
    current_bp = (request.endpoint or "").split(".")[0]
    items = []
    for endpoint, label, who in NAV:
        if endpoint in endpoints and _allowed(who):
            is_current = request.endpoint == endpoint or (
                endpoint != "web.home"
                and current_bp == endpoint.split(".")[0]
                and endpoint.split(".")[0] not in {"web", "learning"}
            )
            items.append(NavItem(url_for(endpoint), str(label), is_current))
    return items


def footer_items() -> list[NavItem]:
    endpoints = current_app.view_functions
    return [
        NavItem(url_for(endpoint), str(label), request.endpoint == endpoint)
        for endpoint, label in FOOTER
        if endpoint in endpoints
    ]


DISPLAY_DEFAULTS = {
    "text_size": 100,
    "high_contrast": False,
    "dyslexia_spacing": False,
    "reduced_motion": False,
}
TEXT_SIZE_CLASSES = {125: "text-125", 150: "text-150", 175: "text-175", 200: "text-200"}


def display_preferences() -> dict:
    """The user's saved display settings, or the visitor's (kept in the session)."""
    if current_user.is_authenticated:
        return {key: getattr(current_user, key) for key in DISPLAY_DEFAULTS}
    saved = session.get("display")
    prefs = dict(DISPLAY_DEFAULTS)
    if isinstance(saved, dict):
        prefs.update({key: saved[key] for key in DISPLAY_DEFAULTS if key in saved})
    return prefs


def display_classes() -> str:
    prefs = display_preferences()
    classes = []
    if prefs["text_size"] in TEXT_SIZE_CLASSES:
        classes.append(TEXT_SIZE_CLASSES[prefs["text_size"]])
    if prefs["high_contrast"]:
        classes.append("theme-contrast")
    if prefs["dyslexia_spacing"]:
        classes.append("dyslexia-spacing")
    if prefs["reduced_motion"]:
        classes.append("reduce-motion")
    return " ".join(classes)


def _static_version(app: Flask, filename: str) -> str:
    """A short fingerprint of a static file (its size and modification time), cached per process."""
    cache = app.extensions.setdefault("static_versions", {})
    if filename not in cache:
        try:
            stat = os.stat(os.path.join(app.static_folder, filename))
        except OSError:
            cache[filename] = ""
        else:
            cache[filename] = hashlib.sha1(  # noqa: S324 - a cache key, not security
                f"{stat.st_size}:{stat.st_mtime_ns}".encode()
            ).hexdigest()[:10]
    return cache[filename]


def official_date(value) -> str:
    """A date as official texts write it: 27.11.2026. in Latvian (the form of the model
    accessibility statement), 2026 m. lapkričio 27 d. in Lithuanian, 27 November 2026 in English.
    """
    if not value:
        return ""
    pattern = {"lv": "dd.MM.yyyy.", "lt": "long"}.get(current_language(), "d MMMM y")
    return format_date(value, pattern)


def register(app: Flask) -> None:
    # Static files carry a fingerprint (?v=...) and may then be cached for a year: a module page
    # on a slow rural line downloads the stylesheet and script once, not on every page.
    @app.url_defaults
    def _add_static_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = _static_version(app, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _cache_static(response):
        if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
            response.cache_control.public = True
            response.cache_control.max_age = 365 * 24 * 3600
            response.cache_control.immutable = True
        return response

    # {% trans %} blocks are extracted with whitespace trimmed (babel.cfg: trimmed = true); trim them
    # when rendering too, so that a block written over several lines finds its translation.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(
        nav_items=nav_items,
        footer_items=footer_items,
        display_classes=display_classes,
        has_endpoint=lambda endpoint: endpoint in current_app.view_functions,
        official_date=official_date,
    )
    app.jinja_env.filters.update(
        date=lambda value, fmt="long": format_date(value, fmt) if value else "",
        datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        decimal=lambda value: format_decimal(value) if value is not None else "",
        percent=lambda value: format_percent(value) if value is not None else "",
    )
