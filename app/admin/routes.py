"""Administration pages: overview, users (invite, edit, roles, erasure), organisations, audit log."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.accounts.access import admin_required
from app.accounts.models import Organisation, User
from app.accounts.services import AccountError, NewUser
from app.admin import queries, services
from app.admin.forms import (
    KIND_LABELS,
    ROLE_LABELS,
    ConfirmForm,
    EraseForm,
    InviteForm,
    OrganisationForm,
    RoleForm,
    UserForm,
)
from app.extensions import db
from app.forms import select_choices
from app.i18n import _
from app.mail import MailError

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
# The learner's own data-protection page lives outside /admin.
privacy_bp = Blueprint("privacy", __name__, template_folder="templates")


def data_export_response(user: User):
    """The person's data as a downloadable JSON file."""
    body = json.dumps(queries.user_data_export(user), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="lasitava-data-{user.id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@privacy_bp.get("/account/data")
@login_required
def my_data():
    return render_template("admin/my_data.html")


@privacy_bp.get("/account/data.json")
@login_required
def my_data_download():
    services.record_audit(
        "user.data_exported",
        actor_id=current_user.id,
        target_type="user",
        target_id=current_user.id,
    )
    db.session.commit()
    return data_export_response(current_user)


def _org_choices(kind: str | None = None, blank=None) -> list:
    choices = [("", blank)] if blank else []
    for org, depth, _n in queries.organisation_tree():
        if kind is None or org.kind == kind:
            indent = "\u2003" * depth if kind is None else ""
            choices.append((str(org.id), f"{indent}{org.name}"))
    return select_choices(choices)


def _org(value: str | None) -> Organisation | None:
    if not value:
        return None
    org = db.session.get(Organisation, int(value)) if value.isdigit() else None
    if org is None:
        abort(400)
    return org


def _get_user(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _mail_down_message() -> str:
    return _(
        "The invitation e-mail could not be sent (the server log says why). Nothing was saved; "
        "please try again later."
    )


@bp.get("/")
@admin_required
def index():
    return render_template("admin/index.html", overview=queries.overview())


@bp.get("/users")
@admin_required
def users():
    q = request.args.get("q", "").strip()[:100]
    org = _org(request.args.get("org")) if request.args.get("org") else None
    page = request.args.get("page", "1")
    result = queries.search_users(q, org, int(page) if page.isdigit() else 1)
    return render_template(
        "admin/users.html",
        result=result,
        q=q,
        org=org,
        org_choices=_org_choices(blank=_("All organisations")),
        role_labels=ROLE_LABELS,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def invite():
    form = InviteForm()
    form.library_id.choices = _org_choices("library", blank=_("No library"))
    form.scope_id.choices = _org_choices(blank=_("The whole network"))
    if request.method == "POST":
        if form.validate_on_submit():
            scope = _org(form.scope_id.data) if form.role.data == "coordinator" else None
            roles = [(form.role.data, scope)]
            if form.role.data != "learner":
                roles.append(("learner", None))
            try:
                user = services.invite_user(
                    NewUser(
                        email=form.email.data,
                        full_name=form.full_name.data,
                        roles=tuple(roles),
                        library=_org(form.library_id.data),
                        preferred_language=form.preferred_language.data or None,
                    ),
                    actor=current_user,
                )
            except AccountError as error:
                form.email.errors.append(str(error))
            except MailError:
                db.session.rollback()
                form.email.errors.append(_mail_down_message())
            else:
                db.session.commit()
                flash(_("The invitation has been sent to %(email)s.", email=user.email), "success")
                return redirect(url_for("admin.user", user_id=user.id))
        return render_template("admin/invite.html", form=form), 400
    return render_template("admin/invite.html", form=form)


def _user_page(user: User, form=None, role_form=None, erase_form=None, status=200):
    form = form or UserForm(
        obj=user,
        library_id=str(user.library_id or ""),
        preferred_language=user.preferred_language or "",
    )
    form.library_id.choices = _org_choices("library", blank=_("No library"))
    role_form = role_form or RoleForm(prefix="role")
    role_form.scope_id.choices = _org_choices(blank=_("The whole network"))
    return (
        render_template(
            "admin/user.html",
            user=user,
            form=form,
            role_form=role_form,
            erase_form=erase_form or EraseForm(prefix="erase"),
            confirm=ConfirmForm(),
            role_labels=ROLE_LABELS,
        ),
        status,
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user(user_id: int):
    target = _get_user(user_id)
    if request.method == "GET":
        return _user_page(target)
    form = UserForm()
    form.library_id.choices = _org_choices("library", blank=_("No library"))
    if form.validate_on_submit():
        try:
            services.update_user(
                target,
                actor=current_user,
                full_name=form.full_name.data,
                library=_org(form.library_id.data),
                active=form.active.data,
                preferred_language=form.preferred_language.data or None,
            )
        except AccountError:
            db.session.rollback()
            form.active.errors.append(_("You cannot deactivate your own account."))
        else:
            db.session.commit()
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("admin.user", user_id=target.id))
    return _user_page(target, form=form, status=400)


@bp.post("/users/<int:user_id>/roles")
@admin_required
def add_role(user_id: int):
    target = _get_user(user_id)
    role_form = RoleForm(prefix="role")
    role_form.scope_id.choices = _org_choices(blank=_("The whole network"))
    if role_form.validate_on_submit():
        scope = _org(role_form.scope_id.data) if role_form.role.data == "coordinator" else None
        try:
            services.add_role(target, role_form.role.data, scope, actor=current_user)
        except AccountError:
            db.session.rollback()
            role_form.role.errors.append(_("The person already has this role."))
        else:
            db.session.commit()
            flash(_("The role has been added."), "success")
            return redirect(url_for("admin.user", user_id=target.id))
    return _user_page(target, role_form=role_form, status=400)


@bp.post("/users/<int:user_id>/roles/<int:grant_id>/delete")
@admin_required
def remove_role(user_id: int, grant_id: int):
    target = _get_user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.remove_role(target, grant_id, actor=current_user)
    except AccountError as error:
        db.session.rollback()
        if str(error) == "missing":
            abort(404)
        flash(_("You cannot remove your own administrator role."), "error")
        return redirect(url_for("admin.user", user_id=target.id))
    db.session.commit()
    flash(_("The role has been removed."), "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.post("/users/<int:user_id>/invite")
@admin_required
def resend(user_id: int):
    target = _get_user(user_id)
    if not ConfirmForm().validate_on_submit() or not target.active:
        abort(400)
    try:
        services.resend_invitation(target, actor=current_user)
    except MailError:
        db.session.rollback()
        flash(_mail_down_message(), "error")
        return redirect(url_for("admin.user", user_id=target.id))
    db.session.commit()
    flash(_("A new invitation has been sent to %(email)s.", email=target.email), "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.post("/users/<int:user_id>/erase")
@admin_required
def erase(user_id: int):
    target = _get_user(user_id)
    erase_form = EraseForm(prefix="erase")
    if erase_form.validate_on_submit():
        if erase_form.confirm.data.strip().lower() != target.email:
            erase_form.confirm.errors.append(
                _("The e-mail address does not match. Nothing has been erased.")
            )
        elif target.id == current_user.id:
            erase_form.confirm.errors.append(_("You cannot erase your own account."))
        else:
            services.erase_user(target, actor=current_user)
            db.session.commit()
            flash(_("The personal data has been erased. Anonymous figures are kept."), "success")
            return redirect(url_for("admin.users"))
    return _user_page(target, erase_form=erase_form, status=400)


@bp.get("/users/<int:user_id>/data.json")
@admin_required
def user_data(user_id: int):
    target = _get_user(user_id)
    services.record_audit(
        "user.data_exported", actor_id=current_user.id, target_type="user", target_id=target.id
    )
    db.session.commit()
    return data_export_response(target)


@bp.route("/organisations", methods=["GET", "POST"])
@admin_required
def organisations():
    form = OrganisationForm()
    form.parent_id.choices = _org_choices(blank=_("None (a country)"))
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.add_organisation(
                    form.kind.data,
                    form.name.data,
                    _org(form.parent_id.data),
                    form.code.data.strip() if form.code.data else None,
                    actor=current_user,
                )
            except AccountError as error:
                db.session.rollback()
                messages = {
                    "code": _("Another organisation already has this code."),
                    "duplicate": _("An organisation with this name already exists there."),
                }
                form.name.errors.append(
                    messages.get(
                        str(error),
                        _(
                            "A %(kind)s cannot be placed there: countries have no parent, municipalities belong to a country and libraries to a municipality.",
                            kind=KIND_LABELS[form.kind.data],
                        ),
                    )
                )
            else:
                db.session.commit()
                flash(_("The organisation has been added."), "success")
                return redirect(url_for("admin.organisations"))
        status = 400
    return render_template(
        "admin/organisations.html",
        tree=queries.organisation_tree(),
        form=form,
        kind_labels=KIND_LABELS,
    ), status


@bp.get("/audit")
@admin_required
def audit():
    page = request.args.get("page", "1")
    result = queries.audit_log(int(page) if page.isdigit() else 1)
    return render_template(
        "admin/audit.html", result=result, actors=queries.actor_names(result.items)
    )
