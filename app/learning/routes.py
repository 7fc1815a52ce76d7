"""The learner's journey: catalogue, course page, module pages, quizzes, results, dashboard,
and course media.

Routes are thin: they find the course content (``content``), read the learner's own records
(``queries``, always filtered by ``current_user.id``), call a service for writes and commit.
Every page works without JavaScript.

Endpoints (blueprint ``learning``):

- ``catalogue``      GET  /courses
- ``course``         GET  /courses/<course_id>
- ``module``         GET  /courses/<course_id>/<module_id>
- ``mark_read``      POST /courses/<course_id>/<module_id>/read
- ``quiz``           POST /courses/<course_id>/<module_id>/quiz      review, or back to change
- ``submit_quiz``    POST /courses/<course_id>/<module_id>/quiz/submit
- ``back_to_quiz``   GET  the two quiz addresses above: 303 to the module's quiz (a language
  switch or signing in again sends the browser back to them without the form)
- ``attempt``        GET  /courses/<course_id>/<module_id>/attempts/<attempt_no>
- ``media``          GET  /courses/<course_id>/media/<path>
- ``dashboard``      GET  /my   "continue" resumes at the unfinished module viewed last (the
  course page's "continue" is the next thing to do in course order)
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from werkzeug.security import safe_join

from app.courses.model import Course, Module, ModuleView, public_question
from app.extensions import db
from app.i18n import _, current_language
from app.learning import content, forms, queries, services
from app.learning.forms import QuizAnswers, QuizMeta

log = logging.getLogger(__name__)

bp = Blueprint("learning", __name__, template_folder="templates")

MEDIA_MAX_AGE = 24 * 3600
MEDIA_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


# ------------------------------------------------------------------------------------------
# Problems: friendly pages with the right status code


def problem(status: int, title: str, message: str, course: Course | None = None, **links):
    """A page that explains what went wrong and where to go next."""
    return (
        render_template(
            "learning/problem.html",
            status=status,
            title=title,
            message=message,
            course=course,
            **links,
        ),
        status,
    )


def course_not_found():
    return problem(
        404,
        _("Course not found"),
        _(
            "There is no course at this address. Check the address, or choose a course from the list."
        ),
    )


def course_gone(course_id: str):
    """A course that the learner has records of but that is no longer offered."""
    return problem(
        410,
        _("This course is no longer available"),
        _(
            "The course has been withdrawn or is being revised. Your progress, quiz results and "
            "completion are kept and still appear under “My learning”."
        ),
    )


def module_not_found(course: Course):
    return problem(
        404,
        _("Module not found"),
        _("This course has no module at this address. Choose a module from the course page."),
        course=course,
    )


def module_gone(course: Course):
    return problem(
        410,
        _("This module has been removed from the course"),
        _(
            "The trainers have removed this module. Your records of it are kept; the course "
            "page shows what is left to do."
        ),
        course=course,
    )


def tampered(course: Course, module: Module):
    return problem(
        400,
        _("The answers could not be accepted"),
        _(
            "The form that was sent does not match this quiz, so nothing has been recorded. "
            "Open the module again and answer the quiz from there."
        ),
        course=course,
        module=module,
    )


def no_attempts_left(course: Course, module: Module):
    return problem(
        409,
        _("No attempts left"),
        _(
            "You have used all the attempts for this quiz, so these answers were not "
            "recorded. Contact your trainer if you need another attempt."
        ),
        course=course,
        module=module,
    )


def _lookup_course(course_id: str) -> Course | None:
    return content.visible_course(course_id, current_user)


def _course_or_problem(course_id: str):
    """(course, None) or (None, response)."""
    course = _lookup_course(course_id)
    if course is not None:
        return course, None
    if current_user.is_authenticated and queries.enrolment(current_user.id, course_id) is not None:
        return None, course_gone(course_id)
    return None, course_not_found()


def _module_or_problem(course_id: str, module_id: str):
    """(course, module, None) or (None, None, response)."""
    course, response = _course_or_problem(course_id)
    if course is None:
        return None, None, response
    module = course.module(module_id)
    if module is not None:
        return course, module, None
    if current_user.is_authenticated and queries.has_module_records(
        current_user.id, course_id, module_id
    ):
        return course, None, module_gone(course)
    return course, None, module_not_found(course)


# ------------------------------------------------------------------------------------------
# Catalogue, course page, dashboard


@bp.get("/courses")
def catalogue():
    lang = current_language()
    courses = content.visible_courses(current_user)
    overview = queries.learner_overview(current_user.id) if current_user.is_authenticated else None
    items = []
    for course in courses:
        items.append(
            {
                "course": course,
                "title": course.text("title", lang),
                "summary": course.text("summary", lang),
                "in_language": content.available_in(course, lang),
                "state": overview.state(course) if overview else None,
            }
        )
    # Courses the learner can read in their own language first, then by title.
    items.sort(key=lambda i: (not i["in_language"], i["title"][0].casefold()))
    return render_template("learning/catalogue.html", items=items, lang=lang)


@bp.get("/courses/<course_id>")
def course(course_id: str):
    course, response = _course_or_problem(course_id)
    if course is None:
        return response
    lang = current_language()
    state = (
        queries.course_state_for(current_user.id, course) if current_user.is_authenticated else None
    )
    return render_template(
        "learning/course.html",
        course=course,
        state=state,
        lang=lang,
        title=course.text("title", lang),
        summary=course.text("summary", lang),
        in_language=content.available_in(course, lang),
    )


@bp.get("/my")
@login_required
def dashboard():
    lang = current_language()
    overview = queries.learner_overview(current_user.id)
    catalog = content.catalog()
    drafts = content.can_preview_drafts(current_user)
    in_progress, completed, gone = [], [], []
    for course_id, enrolment in overview.enrolments.items():
        course = catalog.get(course_id)
        if course is None or not (course.published or drafts):
            gone.append(
                {
                    "course_id": course_id,
                    "enrolment": enrolment,
                    "title": content.course_title(course_id, lang),
                    "modules_done": overview.completed_modules(course_id),
                }
            )
            continue
        state = overview.state(course)
        entry = {
            "course": course,
            "state": state,
            "title": course.text("title", lang),
            # Resume where the learner left off (the course page shows the next step in order).
            "step": content.resume_step(state, overview.progress),
        }
        (completed if state.status == "completed" else in_progress).append(entry)
    return render_template(
        "learning/dashboard.html",
        in_progress=in_progress,
        completed=completed,
        gone=gone,
        overview=overview,
        lang=lang,
    )


# ------------------------------------------------------------------------------------------
# Module page


def _seed(attempt_no: int) -> str:
    return f"{current_user.id}:{attempt_no}"


def _render_module(
    course: Course,
    view: ModuleView,
    *,
    answers: QuizAnswers | None = None,
    meta: QuizMeta | None = None,
    status: int = 200,
):
    module = view.module
    history = (
        queries.attempt_history(current_user.id, course.id, module.id) if module.has_quiz else []
    )
    row = queries.progress(current_user.id, course.id).get((course.id, module.id))
    stats = queries.stats_from_history(course.id, module.id, history)
    state = queries.module_state(course, module, row, stats)
    if meta is None:
        meta = QuizMeta(forms.new_submission_key(), len(history) + 1, view.lang)
    questions = (
        [public_question(q, _seed(meta.attempt_no)) for q in view.questions]
        if module.has_quiz
        else []
    )
    can_attempt = module.has_quiz and state.attempts_left != 0
    return (
        render_template(
            "learning/module.html",
            course=course,
            module=module,
            view=view,
            body=content.module_body(view.variant),
            toc=content.table_of_contents(view.variant),
            neighbours=content.neighbours(course, module),
            state=state,
            history=history,
            questions=questions,
            answers=answers,
            meta=meta,
            can_attempt=can_attempt,
            fallback_notice=_(
                content.FALLBACK_NOTICES.get(view.lang, content.FALLBACK_NOTICES["en"])
            ),
            page_has_errors=bool(answers and answers.errors),
        ),
        status,
    )


@bp.get("/courses/<course_id>/<module_id>")
@login_required
def module(course_id: str, module_id: str):
    course, module, response = _module_or_problem(course_id, module_id)
    if module is None:
        return response
    view = module.view(current_language())
    services.record_module_view(current_user.id, course, view)
    # Rendered inside the same transaction, then committed: committing first would expire the
    # signed-in user and cost two more queries.
    response = _render_module(course, view)
    db.session.commit()
    return response


@bp.post("/courses/<course_id>/<module_id>/read")
@login_required
def mark_read(course_id: str, module_id: str):
    course, module, response = _module_or_problem(course_id, module_id)
    if module is None:
        return response
    view = module.view(current_language())
    try:
        outcome = services.mark_read(current_user.id, course, view)
    except services.HasQuizError:
        db.session.rollback()
        return problem(
            409,
            _("This module is completed by passing its quiz"),
            _("Answer the quiz at the end of the module to complete it."),
            course=course,
            module=module,
        )
    db.session.commit()
    title = view.title
    if outcome.course_completed:
        flash(_("Congratulations! You have completed the course."), "success")
        return redirect(url_for(".course", course_id=course.id), 303)
    flash(_("“%(title)s” is marked as read.", title=title), "success")
    following = content.neighbours(course, module).next
    if following is not None:
        return redirect(url_for(".module", course_id=course.id, module_id=following.id), 303)
    return redirect(url_for(".course", course_id=course.id), 303)


# ------------------------------------------------------------------------------------------
# Quiz: answer → review → confirm → result


def _quiz_input(course: Course, module: Module):
    """Parse the posted quiz: (view, meta, answers, None) or (.., response) when tampered."""
    if not module.has_quiz:
        return (
            None,
            None,
            None,
            problem(
                404,
                _("This module has no quiz"),
                _("There is nothing to answer in this module."),
                course=course,
                module=module,
            ),
        )
    try:
        meta = forms.parse_quiz_meta(request.form, tuple(module.variants))
        view = module.view(meta.lang)
        answers = forms.parse_quiz_answers(view.questions, request.form)
    except forms.TamperedFormError as error:
        log.info("quiz form refused for %s/%s: %s", course.id, module.id, error)
        return None, None, None, tampered(course, module)
    return view, meta, answers, None


@bp.get("/courses/<course_id>/<module_id>/quiz")
@bp.get("/courses/<course_id>/<module_id>/quiz/submit")
@login_required
def back_to_quiz(course_id: str, module_id: str):
    """The quiz addresses only take the posted form. They are opened without it when the
    language is switched (it returns to the current address) or after signing in again: go back
    to the module's quiz. Nothing is recorded here, not even the visit."""
    course, module, response = _module_or_problem(course_id, module_id)
    if module is None:
        return response
    target = url_for(".module", course_id=course.id, module_id=module.id)
    return redirect(target + ("#quiz" if module.has_quiz else ""), 303)


@bp.post("/courses/<course_id>/<module_id>/quiz")
@login_required
def quiz(course_id: str, module_id: str):
    """The quiz form was sent: show the review page, or the form again (with errors, or to
    change the answers). Nothing is recorded here."""
    course, module, response = _module_or_problem(course_id, module_id)
    if module is None:
        return response
    view, meta, answers, response = _quiz_input(course, module)
    if response is not None:
        return response
    if request.form.get("action") == "change":
        answers.errors.clear()
        return _render_module(course, view, answers=answers, meta=meta)
    history = queries.attempt_history(current_user.id, course.id, module.id)
    left = max(0, course.max_attempts - len(history)) if course.max_attempts else None
    if left == 0:
        return no_attempts_left(course, module)
    if not answers.complete:
        return _render_module(course, view, answers=answers, meta=meta, status=400)
    questions = [public_question(q, _seed(meta.attempt_no)) for q in view.questions]
    return render_template(
        "learning/review.html",
        course=course,
        module=module,
        view=view,
        questions=questions,
        answers=answers,
        meta=meta,
        attempts_left=left,
        answer_text=_answer_text,
    )


def _answer_text(question: dict, answers: QuizAnswers) -> list[Markup]:
    """What the learner answered, as shown on the review page."""
    name = forms.field_name(question["id"])
    kind = question["kind"]
    if kind in ("single", "multiple"):
        chosen = set(answers.chosen(name))
        return [Markup(o["html"]) for o in question["options"] if str(o["key"]) in chosen]  # noqa: S704
    if kind == "matching":
        choices = {str(c["key"]): c["text"] for c in question["choices"]}
        return [
            Markup("{} → {}").format(
                Markup(left["html"]),  # noqa: S704 - sanitised by the engine
                choices.get(answers.value(forms.pair_field_name(question["id"], left["key"])), ""),
            )
            for left in question["lefts"]
        ]
    return [Markup("{}").format(answers.value(name))]


@bp.post("/courses/<course_id>/<module_id>/quiz/submit")
@login_required
def submit_quiz(course_id: str, module_id: str):
    course, module, response = _module_or_problem(course_id, module_id)
    if module is None:
        return response
    view, meta, answers, response = _quiz_input(course, module)
    if response is not None:
        return response
    if not answers.complete:
        # The review page only offers complete answers: this form was altered.
        return tampered(course, module)
    try:
        outcome = services.submit_attempt(
            current_user.id, course, view, answers.answers, meta.submission_key, meta.attempt_no
        )
        db.session.commit()
    except services.AlreadySubmittedError as already:
        attempt_no = already.attempt.attempt_no
        db.session.rollback()
        if already.attempt.submission_key != meta.submission_key:
            flash(
                _(
                    "These answers were not recorded: this quiz had already been submitted in "
                    "another window or tab. This is the result of that submission."
                ),
                "info",
            )
        return redirect(_attempt_url(course, module, attempt_no), 303)
    except services.AttemptLimitError:
        db.session.rollback()
        return no_attempts_left(course, module)
    except services.BadSubmissionError:
        db.session.rollback()
        return tampered(course, module)
    except IntegrityError:
        # A concurrent request (double click, second tab) took this attempt number or key.
        db.session.rollback()
        won = queries.attempt_by_key(meta.submission_key)
        if won is None or won.user_id != current_user.id:
            won = queries.attempt(current_user.id, course.id, module.id, meta.attempt_no)
            if won is not None:
                flash(
                    _(
                        "These answers were not recorded: this quiz had already been submitted "
                        "in another window or tab. This is the result of that submission."
                    ),
                    "info",
                )
        if won is None:
            return problem(
                409,
                _("The answers could not be recorded"),
                _(
                    "Another submission of this quiz was being recorded at the same moment. "
                    "Open the module again to see your results."
                ),
                course=course,
                module=module,
            )
        return redirect(_attempt_url(course, module, won.attempt_no), 303)
    if outcome.completion.course_completed:
        flash(_("Congratulations! You have completed the course."), "success")
    return redirect(_attempt_url(course, module, outcome.attempt.attempt_no), 303)


def _attempt_url(course: Course, module: Module, attempt_no: int) -> str:
    return url_for(".attempt", course_id=course.id, module_id=module.id, attempt_no=attempt_no)


# Bounded like the quiz form's attempt number: a larger one is a 404, not a database error.
@bp.get(
    f"/courses/<course_id>/<module_id>/attempts/<int(min=1, max={forms.MAX_ATTEMPT_NO}):attempt_no>"
)
@login_required
def attempt(course_id: str, module_id: str, attempt_no: int):
    course, module, response = _module_or_problem(course_id, module_id)
    if module is None:
        return response
    record = queries.attempt(current_user.id, course.id, module.id, attempt_no)
    if record is None:
        return problem(
            404,
            _("Result not found"),
            _("You have no quiz attempt with this number. Your results are listed in the module."),
            course=course,
            module=module,
        )
    history = queries.attempt_history(current_user.id, course.id, module.id)
    stats = queries.stats_from_history(course.id, module.id, history)
    left = max(0, course.max_attempts - len(history)) if course.max_attempts else None
    reveal = content.reveal_answers(course, stats.passed, left)
    row = queries.progress(current_user.id, course.id).get((course.id, module.id))
    state = queries.module_state(course, module, row, stats)
    return render_template(
        "learning/result.html",
        course=course,
        module=module,
        attempt=record,
        reviews=content.review_answers(module, record, reveal, next_attempt=left != 0),
        reveal=reveal,
        attempts_left=left,
        latest=record.attempt_no == history[-1].attempt_no,
        state=state,
        neighbours=content.neighbours(course, module),
    )


# ------------------------------------------------------------------------------------------
# Media


@bp.get("/courses/<course_id>/media/<path:filename>")
def media(course_id: str, filename: str):
    """A file from the course's media folder, with caching headers and conditional requests.
    Published courses' media are public; drafts' only for trainers and administrators."""
    course = _lookup_course(course_id)
    if course is None:
        abort(404)
    folder = content.media_folder(course).resolve()
    joined = safe_join(str(folder), filename)
    if joined is None:
        abort(404)
    path = Path(joined).resolve()
    if not path.is_file() or folder not in path.parents:
        abort(404)
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    response = send_file(
        path, mimetype=mimetype, conditional=True, etag=True, last_modified=path.stat().st_mtime
    )
    if course.published:
        response.cache_control.public = True
    else:
        response.cache_control.private = True
        response.cache_control.no_cache = True
    response.cache_control.max_age = MEDIA_MAX_AGE if course.published else 0
    # An SVG opened on its own must not run scripts or load anything.
    response.headers["Content-Security-Policy"] = MEDIA_CSP
    return response


@bp.context_processor
def _helpers():
    return {
        "module_status_label": content.module_status_label,
        "attempts_left_text": content.attempts_left_text,
        "progress_sentence": content.progress_sentence,
        "course_status_label": content.course_status_label,
        "course_fallback_notice": content.course_fallback_notice,
        "hours_text": content.hours_text,
        "minutes_text": content.minutes_text,
        "next_step": content.next_step,
        "field_name": forms.field_name,
        "pair_field_name": forms.pair_field_name,
    }
