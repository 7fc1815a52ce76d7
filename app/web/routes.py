"""Home page, help page and the language switcher."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.extensions import db
from app.i18n import LANGUAGES

bp = Blueprint("web", __name__, template_folder="templates")


@bp.get("/")
def home():
    return render_template("web/home.html")


@bp.get("/help")
def help():
    return render_template("web/help.html")


@bp.post("/language")
def set_language():
    lang = request.form.get("lang", "")
    if lang not in LANGUAGES:
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.preferred_language = lang
        db.session.commit()
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.home")
    return redirect(target)
