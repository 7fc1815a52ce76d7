"""Certificate pages: the learner's certificates, download, language and name (re-issue), public
verification, the coordinators' ZIP export and the administrators' list with revocation.

Endpoints (blueprint ``certificates``):

- ``mine``            GET       /certificates                       the learner's certificates
- ``download``        GET       /certificates/<serial>/download     own PDF (404 for anyone else's)
- ``change``          GET/POST  /certificates/<serial>/change       language and name → re-issue
- ``verify_form``     GET/POST  /verify                             code, or serial + surname
- ``verify``          GET       /verify/<code>                      public, no sign-in
- ``zip_export``      GET/POST  /certificates/export                coordinators: one ZIP per course
- ``admin_list``      GET       /admin/certificates                 search
- ``admin_detail``    GET       /admin/certificates/<serial>
- ``admin_revoke``    POST      /admin/certificates/<serial>/revoke
- ``admin_reissue``   POST      /admin/certificates/<serial>/reissue
- ``admin_download``  GET       /admin/certificates/<serial>/download

Missing certificates are issued (``services.issue_pending``) before "My learning"
(``learning.dashboard``) and "My certificates" are shown: this is the retry after a failed
render at completion.

Verification is rate-limited per address (``CERTIFICATE_VERIFY_LIMIT``, default
"30 per minute;300 per hour", shared by the form and the links). An unknown or malformed code
and a serial whose surname does not match give the same 404 page.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import date, datetime
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from app.accounts.access import admin_required
from app.accounts.models import Role
from app.accounts.queries import scope_paths
from app.certificates import codes, queries, services
from app.certificates.forms import ExportForm, ReissueForm, RevokeForm, SearchForm, VerifyForm
from app.certificates.models import Certificate
from app.certificates.pdf import CertificateRenderError
from app.config import PUBLIC_BASE_URL_MISSING
from app.extensions import csrf, db, limiter
from app.forms import select_choices
from app.i18n import _, current_language

log = logging.getLogger(__name__)

bp = Blueprint("certificates", __name__, template_folder="templates")

DEFAULT_VERIFY_LIMIT = "30 per minute;300 per hour"
#: Pages before which missing certificates are issued.
RETRY_ENDPOINTS = frozenset({"learning.dashboard", "certificates.mine"})


@bp.record_once
def _warn_without_public_base_url(state) -> None:
    """At app creation: in production, certificates and e-mails need PUBLIC_BASE_URL."""
    app = state.app
    if not app.config.get("PUBLIC_BASE_URL") and not (app.debug or app.testing):
        log.warning(
            "%s Until it is set, certificates stay pending and e-mails with links fail.",
            PUBLIC_BASE_URL_MISSING,
        )


@bp.record_once
def _connect_signal(state) -> None:
    from app.learning.signals import course_completed

    course_completed.connect(services.on_course_completed, sender=state.app, weak=False)


# --- retry ---------------------------------------------------------------------------------


@bp.before_app_request
def _issue_missing_certificates():
    """Issue certificates that a failed render left missing (own transaction, never fails the
    page)."""
    if request.endpoint not in RETRY_ENDPOINTS or not current_user.is_authenticated:
        return
    try:
        issued = services.issue_pending(current_user.id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("retrying missing certificates for user %s failed", current_user.id)
        return
    for certificate in issued:
        flash(
            _("Your certificate for “%(course)s” is ready.", course=certificate.course_title),
            "success",
        )


@bp.app_template_global()
def dashboard_certificates() -> list[Certificate]:
    """The signed-in learner's valid certificates (for the "My learning" section)."""
    if not current_user.is_authenticated:
        return []
    return queries.valid_certificates(current_user.id)


# --- the learner's certificates -------------------------------------------------------------


def _pdf_response(certificate: Certificate):
    response = send_file(
        BytesIO(certificate.pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=codes.download_name(
            certificate.language, certificate.serial, certificate.course_id
        ),
        etag=certificate.sha256,
        last_modified=certificate.issued_at,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _pending_titles(lang: str) -> list[str]:
    from app.learning.content import catalog

    titles = []
    for pending in queries.pending_completions(current_user.id):
        course = catalog().get(pending.course_id)
        if course is not None and course.published:
            titles.append(course.title_for(lang))
    return titles


@bp.get("/certificates")
@login_required
def mine():
    certificates = queries.own_certificates(current_user.id)
    return render_template(
        "certificates/mine.html",
        current=[c for c in certificates if c.status == "valid"],
        earlier=[c for c in certificates if c.status != "valid"],
        pending=_pending_titles(current_language()),
    )


@bp.get("/certificates/<serial>/download")
@login_required
def download(serial: str):
    certificate = queries.own_certificate(current_user.id, serial)
    if certificate is None:
        abort(404)
    return _pdf_response(certificate)


def _unprintable_message(characters: str) -> str:
    return _(
        "These characters cannot be printed on the certificate: %(characters)s. Write the name "
        "without them, for example in Latin letters.",
        characters=", ".join(characters),
    )


@bp.route("/certificates/<serial>/change", methods=["GET", "POST"])
@login_required
def change(serial: str):
    certificate = queries.own_certificate(current_user.id, serial)
    if certificate is None or certificate.status != "valid":
        abort(404)
    form = ReissueForm()
    if request.method == "GET":
        form.learner_name.data = certificate.learner_name
        form.language.data = certificate.language
    if form.validate_on_submit():
        try:
            new = services.reissue(
                certificate,
                learner_name=form.learner_name.data,
                language=form.language.data,
                actor_id=current_user.id,
            )
        except services.NothingChanged:
            flash(
                _("The certificate already has this name and language; nothing was changed."),
                "info",
            )
            return redirect(url_for("certificates.mine"))
        except services.AlreadyReplaced as replaced:
            db.session.rollback()
            flash(
                _(
                    "This certificate has already been replaced by certificate %(serial)s.",
                    serial=replaced.certificate.serial,
                ),
                "info",
            )
            return redirect(url_for("certificates.mine"))
        except services.UnprintableName as error:
            form.learner_name.errors.append(_unprintable_message(error.characters))
        except services.InvalidName:
            form.learner_name.errors.append(
                _("Enter your name as it should appear on the certificate.")
            )
        except services.CourseUnavailable:
            form.language.errors.append(
                _(
                    "The course is no longer available, so its title in another language is "
                    "not known. You can still correct the name."
                )
            )
        except CertificateRenderError:
            db.session.rollback()
            log.exception("re-issue of certificate %s failed", certificate.serial)
            flash(
                _(
                    "The new certificate could not be created just now. Your certificate has "
                    "not changed. Please try again later."
                ),
                "error",
            )
            return redirect(url_for("certificates.mine"))
        else:
            db.session.commit()
            flash(
                _(
                    "Your new certificate %(new)s is ready. It replaces certificate %(old)s.",
                    new=new.serial,
                    old=certificate.serial,
                ),
                "success",
            )
            return redirect(url_for("certificates.mine"))
    status = 400 if form.errors else 200
    return render_template("certificates/change.html", form=form, certificate=certificate), status


# --- verification --------------------------------------------------------------------------


def _verify_limit() -> str:
    return current_app.config.get("CERTIFICATE_VERIFY_LIMIT") or DEFAULT_VERIFY_LIMIT


def _too_many(_limit):
    return make_response(render_template("certificates/too_many.html", page_has_errors=True), 429)


@bp.errorhandler(429)
def _rate_limited(error):
    """The verification pages' own "too many checks" page (set by ``_too_many``)."""
    response = getattr(error, "response", None)
    if response is not None:
        return response
    return _too_many(None)


def _no_index(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _result(verification: queries.Verification | None, form: VerifyForm):
    if verification is None:
        page = render_template("certificates/not_found.html", form=form, page_has_errors=True)
        return _no_index(make_response(page, 404))
    # "Check another certificate" starts empty: the code just checked is shown in the result.
    another = VerifyForm(formdata=None)
    page = render_template("certificates/verified.html", result=verification, form=another)
    return _no_index(make_response(page, 200))


@bp.route("/verify", methods=["GET", "POST"])
@csrf.exempt  # a look-up that changes nothing, open to anyone; rate-limited instead
@limiter.shared_limit(
    _verify_limit, scope="certificate-verify", methods=["POST"], on_breach=_too_many
)
def verify_form():
    form = VerifyForm()
    if request.method == "POST":
        if not form.validate():
            return _no_index(
                make_response(render_template("certificates/verify.html", form=form), 400)
            )
        if codes.normalise_code(form.code.data):
            return _result(queries.verify_code(form.code.data), form)
        if codes.normalise_serial(form.code.data) and not form.surname.data:
            form.surname.errors.append(
                _("With a certificate number, also enter the surname printed on the certificate.")
            )
            return _no_index(
                make_response(render_template("certificates/verify.html", form=form), 400)
            )
        return _result(queries.verify_serial(form.code.data, form.surname.data), form)
    return _no_index(make_response(render_template("certificates/verify.html", form=form)))


@bp.get("/verify/<code>")
@limiter.shared_limit(_verify_limit, scope="certificate-verify", on_breach=_too_many)
def verify(code: str):
    return _result(queries.verify_code(code), VerifyForm(formdata=None))


# --- coordinators' ZIP export ---------------------------------------------------------------


def _export_paths() -> list[str] | None:
    """The coordinator's scope (None: everything); 403 for anyone without the role."""
    if not current_user.is_authenticated:
        abort(401)
    paths = scope_paths(current_user, Role.COORDINATOR)
    if paths is not None and not paths:
        abort(403)
    return paths


def _course_choices(paths: list[str] | None) -> list[tuple[str, str]]:
    from app.learning.content import catalog

    courses = catalog()
    lang = current_language()
    choices = []
    for course_id, stored_title in queries.certified_courses(paths):
        course = courses.get(course_id)
        title = course.title_for(lang) if course is not None else stored_title
        choices.append((course_id, f"{title} ({course_id})"))
    return choices


def _zip_response(paths: list[str] | None, course_id: str, start: date, end: date):
    """The ZIP as a download, built in a temporary file (spilled to disk past 32 MB); the
    export is recorded in the audit log and committed first."""
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
    try:
        written = services.write_zip(
            queries.export_certificates(paths, course_id, start, end), spool
        )
        services.record_export(
            actor_id=current_user.id,
            course_id=course_id,
            start=start,
            end=end,
            count=written,
            scope=paths,
        )
        db.session.commit()
        spool.seek(0)
        response = send_file(
            spool,
            mimetype="application/zip",
            as_attachment=True,
            download_name=f"certificates_{course_id}_{start.isoformat()}_{end.isoformat()}.zip",
            max_age=0,
        )
    except BaseException:
        spool.close()
        raise
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/certificates/export", methods=["GET", "POST"])
@login_required
def zip_export():
    paths = _export_paths()
    form = ExportForm()
    form.course_id.choices = select_choices([("", _("Choose a course")), *_course_choices(paths)])
    if request.method == "GET" and not form.start.data:
        today = datetime.now(services.local_zone()).date()
        form.start.data = date(today.year, 1, 1)
        form.end.data = today
    status = 200
    if form.validate_on_submit():
        course_id, start, end = form.course_id.data, form.start.data, form.end.data
        count = queries.export_count(paths, course_id, start, end)
        if count == 0:
            flash(_("No valid certificates match this course and period in your area."), "info")
            status = 404
        else:
            return _zip_response(paths, course_id, start, end)
    elif form.errors:
        status = 400
    return render_template("certificates/export.html", form=form), status


# --- administrators -------------------------------------------------------------------------


def _admin_certificate(serial: str) -> Certificate:
    certificate = queries.by_serial(serial)
    if certificate is None:
        abort(404)
    return certificate


@bp.get("/admin/certificates")
@admin_required
def admin_list():
    form = SearchForm(request.args)
    page = request.args.get("page", "1")
    result = queries.admin_search(
        form.q.data or "",
        form.status.data or "",
        int(page) if page.isdigit() else 1,
    )
    return render_template("certificates/admin_list.html", form=form, result=result)


def _admin_detail(certificate: Certificate, revoke_form=None, reissue_form=None, status=200):
    if reissue_form is None:
        reissue_form = ReissueForm(formdata=None, prefix="reissue")
        reissue_form.learner_name.data = certificate.learner_name
        reissue_form.language.data = certificate.language
    page = render_template(
        "certificates/admin_detail.html",
        certificate=certificate,
        related=queries.related(certificate),
        events=queries.audit_events(certificate),
        revoke_form=revoke_form or RevokeForm(formdata=None, prefix="revoke"),
        reissue_form=reissue_form,
        page_has_errors=status != 200,
    )
    return page, status


@bp.get("/admin/certificates/<serial>")
@admin_required
def admin_detail(serial: str):
    return _admin_detail(_admin_certificate(serial))


@bp.post("/admin/certificates/<serial>/revoke")
@admin_required
def admin_revoke(serial: str):
    certificate = _admin_certificate(serial)
    form = RevokeForm(prefix="revoke")
    if not form.validate_on_submit():
        return _admin_detail(certificate, revoke_form=form, status=400)
    try:
        services.revoke(certificate, reason=form.reason.data, actor_id=current_user.id)
    except services.AlreadyRevoked:
        flash(_("This certificate had already been revoked."), "info")
    else:
        db.session.commit()
        flash(_("Certificate %(serial)s has been revoked.", serial=certificate.serial), "success")
    return redirect(url_for("certificates.admin_detail", serial=certificate.serial))


@bp.post("/admin/certificates/<serial>/reissue")
@admin_required
def admin_reissue(serial: str):
    certificate = _admin_certificate(serial)
    form = ReissueForm(prefix="reissue")
    if not form.validate_on_submit():
        return _admin_detail(certificate, reissue_form=form, status=400)
    try:
        new = services.reissue(
            certificate,
            learner_name=form.learner_name.data,
            language=form.language.data,
            actor_id=current_user.id,
        )
    except services.NothingChanged:
        flash(_("The certificate already has this name and language; nothing was changed."), "info")
    except services.NotReissuable:
        flash(_("Only a valid certificate can be re-issued."), "error")
    except services.AlreadyReplaced as replaced:
        db.session.rollback()
        flash(
            _(
                "This certificate has already been replaced by certificate %(serial)s.",
                serial=replaced.certificate.serial,
            ),
            "info",
        )
    except services.UnprintableName as error:
        form.learner_name.errors.append(_unprintable_message(error.characters))
        return _admin_detail(certificate, reissue_form=form, status=400)
    except services.InvalidName:
        form.learner_name.errors.append(_("Enter the name as it should appear on the certificate."))
        return _admin_detail(certificate, reissue_form=form, status=400)
    except services.CourseUnavailable:
        form.language.errors.append(
            _(
                "The course is no longer available, so its title in another language is "
                "not known. You can still correct the name."
            )
        )
        return _admin_detail(certificate, reissue_form=form, status=400)
    except CertificateRenderError:
        db.session.rollback()
        log.exception("re-issue of certificate %s failed", certificate.serial)
        flash(_("The new certificate could not be created just now. Nothing has changed."), "error")
    else:
        db.session.commit()
        flash(
            _(
                "New certificate %(new)s issued; it replaces certificate %(old)s.",
                new=new.serial,
                old=certificate.serial,
            ),
            "success",
        )
        return redirect(url_for("certificates.admin_detail", serial=new.serial))
    return redirect(url_for("certificates.admin_detail", serial=certificate.serial))


@bp.get("/admin/certificates/<serial>/download")
@admin_required
def admin_download(serial: str):
    certificate = _admin_certificate(serial)
    services.record_admin_download(certificate, actor_id=current_user.id)
    db.session.commit()
    return _pdf_response(certificate)
