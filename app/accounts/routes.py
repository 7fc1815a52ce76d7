"""Sign in and out, password reset, first-login invitation, profile."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import services
from app.accounts.forms import ForgotPasswordForm, LoginForm, ProfileForm, SetPasswordForm
from app.accounts.models import User
from app.extensions import db, limiter, login_manager
from app.i18n import _, _l
from app.mail import MailError

bp = Blueprint("accounts", __name__, template_folder="templates")

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please sign in to open this page.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after signing in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _account_key() -> str:
    return "account:" + services.normalise_email(request.form.get("email", ""))


def _failed(response) -> bool:
    return response.status_code == 401


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            user = services.authenticate(form.email.data, form.password.data)
            if user is not None:
                login_user(user, remember=form.remember.data)
                db.session.commit()
                return redirect(_safe_next(request.args.get("next")) or url_for("web.home"))
            # The same words whether the e-mail is unknown or the password is wrong.
            form.password.errors.append(_("The e-mail address or password is not correct."))
            status = 401
        else:
            status = 400
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    # Keep the interface in the language the person was using.
    if current_user.preferred_language:
        session["lang"] = current_user.preferred_language
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("web.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("accounts/forgot_password.html", form=form), 400
        user = services.find_user_by_email(form.email.data)
        if user is not None and user.is_active:
            try:
                services.send_reset_link(user)
            except MailError:
                pass  # logged; the page must not tell a known address from an unknown one
        # Whether or not the address is known, the answer is the same.
        return render_template("accounts/link_sent.html", email=form.email.data.strip())
    return render_template("accounts/forgot_password.html", form=form)


def _link_page(token: str, purpose: str):
    try:
        user = services.user_for_link(token, purpose)
    except services.LinkError as error:
        status = 404 if error.reason == "invalid" else 410
        return render_template(
            "accounts/link_error.html", reason=error.reason, purpose=purpose
        ), status
    form = SetPasswordForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template(
                "accounts/set_password.html", form=form, purpose=purpose, user=user
            ), 400
        services.set_password(user, form.password.data)
        login_user(user)
        db.session.commit()
        flash(_("Your password has been saved. You are signed in."), "success")
        return redirect(url_for("web.home"))
    return render_template("accounts/set_password.html", form=form, purpose=purpose, user=user)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def reset_password(token: str):
    return _link_page(token, "reset")


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def accept_invite(token: str):
    return _link_page(token, "invite")


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("accounts/profile.html", form=form), 400
        current_user.full_name = form.full_name.data.strip()
        current_user.preferred_language = form.preferred_language.data
        db.session.commit()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)
