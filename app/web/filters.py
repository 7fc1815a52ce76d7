"""Template globals and filters: navigation, display settings, locale-aware dates and numbers."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, session, url_for
from flask_login import current_user

from app.i18n import _l, format_date, format_datetime, format_decimal, format_percent

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


def display_preferences() -> dict:
    """The user's saved display settings, or the visitor's (kept in the session)."""
    if current_user.is_authenticated:
        return {key: getattr(current_user, key) for key in DISPLAY_DEFAULTS}
    return {**DISPLAY_DEFAULTS, **session.get("display", {})}


def display_classes() -> str:
    prefs = display_preferences()
    classes = []
    if prefs["text_size"] and int(prefs["text_size"]) != 100:
        classes.append(f"text-{int(prefs['text_size'])}")
    if prefs["high_contrast"]:
        classes.append("theme-contrast")
    if prefs["dyslexia_spacing"]:
        classes.append("dyslexia-spacing")
    if prefs["reduced_motion"]:
        classes.append("reduce-motion")
    return " ".join(classes)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        nav_items=nav_items,
        footer_items=footer_items,
        display_classes=display_classes,
        has_endpoint=lambda endpoint: endpoint in current_app.view_functions,
    )
    app.jinja_env.filters.update(
        date=lambda value, fmt="long": format_date(value, fmt) if value else "",
        datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        decimal=lambda value: format_decimal(value) if value is not None else "",
        percent=lambda value: format_percent(value) if value is not None else "",
    )
