"""Automatic issue at course completion: what is printed, the transaction, failures and retry,
serial numbers, idempotency, newer course versions."""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import Decimal
from hashlib import sha256
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from app.accounts.models import User
from app.admin.models import AuditEvent
from app.certificates import services
from app.certificates.models import Certificate
from app.certificates.pdf import CertificateRenderError
from app.extensions import db
from app.learning.models import Enrolment
from tests.certificates.conftest import COURSE_ID, HALF, RIGHT, TITLES, WRONG, complete_course

YEAR = datetime.now(ZoneInfo("Europe/Riga")).year


def certificates(app) -> list[Certificate]:
    with app.app_context():
        rows = list(db.session.scalars(db.select(Certificate).order_by(Certificate.id)))
        db.session.expunge_all()
        return rows


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_completing_a_course_issues_its_certificate(app, factory, courses_dir):
    user_id = factory.user(name="Ģirts Ķēniņš-Žūriņa", language="lt")
    complete_course(app, user_id, attempts=(WRONG, HALF))

    [cert] = certificates(app)
    assert re.fullmatch(rf"LV-LT-{YEAR}-000001", cert.serial)
    assert re.fullmatch(r"([2-9A-HJKMNP-Z]{4}-){4}[2-9A-HJKMNP-Z]{4}", cert.verification_code)
    assert cert.user_id == user_id
    assert cert.learner_name == "Ģirts Ķēniņš-Žūriņa"
    assert cert.language == "lt"  # the learner's own language
    assert cert.course_title == TITLES["lt"]
    assert (cert.course_id, cert.course_version) == (COURSE_ID, 1)
    assert cert.hours == Decimal("1.5")
    assert cert.completed_on == datetime.now(ZoneInfo("Europe/Riga")).date()
    assert cert.score_percent == 50  # best attempt: 0 % then 50 %
    assert cert.issuer == "Lasītava"
    assert cert.status == "valid"
    assert cert.sha256 == sha256(cert.pdf).hexdigest()
    text = pdf_text(cert.pdf)
    assert "Ģirts Ķēniņš-Žūriņa" in text
    assert TITLES["lt"] in text
    assert cert.serial in text
    # The URL may wrap at the end of a line.
    assert f"https://lasitava.example/verify/{cert.verification_code}" in "".join(text.split())
    with app.app_context():
        event = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "certificate.issued")
        )
        assert event.target_id == cert.serial
        assert event.details["reason"] == "completion"


def test_score_is_the_mean_of_the_best_attempt_per_quiz(app, factory, courses_dir):
    user_id = factory.user()
    complete_course(app, user_id, attempts=(RIGHT,))
    [cert] = certificates(app)
    assert cert.score_percent == 100


def test_language_falls_back_to_the_course_language_then_latvian(app, factory, courses_dir):
    user_id = factory.user(language=None)
    complete_course(app, user_id, lang="en")
    [cert] = certificates(app)
    assert cert.language == "en"
    assert cert.course_title == TITLES["en"]


def test_no_certificate_without_the_completion(app, factory, courses_dir):
    """The certificate is written in the completion's transaction: rolled back together."""
    user_id = factory.user()
    complete_course(app, user_id, commit=False)
    assert certificates(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(Enrolment)) is None


def test_render_failure_keeps_the_completion_and_is_retried_on_the_next_visit(
    app, factory, courses_dir, monkeypatch, client, login_as, caplog
):
    user_id = factory.user(email="ruta@example.org", language="lv")

    def broken(*args, **kwargs):
        raise CertificateRenderError("template exploded")

    monkeypatch.setattr(services, "render_pdf", broken)
    complete_course(app, user_id)
    assert certificates(app) == []
    with app.app_context():
        enrolment = db.session.scalar(db.select(Enrolment))
        assert enrolment.completed_at is not None  # the completion was committed
    assert "will be retried" in caplog.text

    login_as("ruta@example.org")
    page = client.get("/certificates").get_data(as_text=True)
    assert "joprojām tiek sagatavotas" in page  # still failing: the learner is told
    assert certificates(app) == []

    monkeypatch.undo()
    response = client.get("/certificates")
    page = response.get_data(as_text=True)
    [cert] = certificates(app)
    assert cert.serial in page
    assert "ir gatava" in page  # "Your certificate for … is ready."
    # Nothing is issued twice.
    client.get("/certificates")
    assert len(certificates(app)) == 1


def test_a_profile_name_the_fonts_cannot_print_leaves_the_certificate_pending(
    app, factory, courses_dir, caplog
):
    user_id = factory.user(name="Ģirts 李 Šņore")
    complete_course(app, user_id)
    assert certificates(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(Enrolment)).completed_at is not None
    assert "cannot print these characters of the name: 李" in caplog.text

    # Once the name in the profile is corrected, the retry issues the certificate.
    with app.app_context():
        db.session.get(User, user_id).full_name = "Ģirts Šņore"
        db.session.commit()
        services.issue_pending(user_id)
        db.session.commit()
    [cert] = certificates(app)
    assert cert.learner_name == "Ģirts Šņore"


def test_my_learning_retries_and_lists_the_certificate(
    app, factory, courses_dir, monkeypatch, client, login_as
):
    user_id = factory.user(email="ruta@example.org", language="lv")
    monkeypatch.setattr(
        services, "render_pdf", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full"))
    )
    complete_course(app, user_id)
    assert certificates(app) == []
    monkeypatch.undo()

    login_as("ruta@example.org")
    page = client.get("/my").get_data(as_text=True)
    [cert] = certificates(app)
    assert "Manas apliecības" in page
    assert f"/certificates/{cert.serial}/download" in page
    assert f"/certificates/{cert.serial}/change" in page


def test_serial_numbers_count_up_and_a_taken_number_is_skipped(
    app, factory, courses_dir, monkeypatch
):
    first = factory.user()
    complete_course(app, first)
    taken = certificates(app)[0].serial

    real_next = services._next_serial
    calls = []

    def collide_once(now):
        calls.append(now)
        return taken if len(calls) == 1 else real_next(now)

    monkeypatch.setattr(services, "_next_serial", collide_once)
    second = factory.user()
    complete_course(app, second)
    serials = [c.serial for c in certificates(app)]
    assert serials == [f"LV-LT-{YEAR}-000001", f"LV-LT-{YEAR}-000002"]
    assert len(calls) == 2


def test_serial_prefix_is_configurable(app, factory, courses_dir, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_SERIAL_PREFIX", "LT-LV")
    complete_course(app, factory.user())
    assert certificates(app)[0].serial == f"LT-LV-{YEAR}-000001"


def test_issuing_is_idempotent(app, factory, courses_dir):
    user_id = factory.user()
    complete_course(app, user_id)
    with app.app_context():
        again = services.issue_for_completion(user_id, COURSE_ID, 1, reason="retry")
        assert again.serial == certificates(app)[0].serial
        assert services.issue_pending(user_id) == []
        db.session.commit()
    assert len(certificates(app)) == 1


def test_a_revoked_certificate_is_not_issued_again(app, factory, courses_dir):
    admin_id = factory.user(role="admin")
    user_id = factory.user()
    complete_course(app, user_id)
    with app.app_context():
        cert = db.session.scalar(db.select(Certificate))
        services.revoke(cert, reason="Issued by mistake", actor_id=admin_id)
        db.session.commit()
        assert services.issue_pending(user_id) == []
        db.session.commit()
    assert [c.status for c in certificates(app)] == ["revoked"]


def test_issuer_follows_the_country_of_the_learners_library(app, factory, courses_dir, monkeypatch):
    orgs = factory.org_tree()
    monkeypatch.setitem(
        app.config,
        "CERTIFICATE_ISSUERS",
        "LA=Latvijas Nacionālās bibliotēkas Bibliotēku attīstības centrs; LI=Lietuvos nacionalinė biblioteka",
    )
    monkeypatch.setitem(app.config, "CERTIFICATE_ISSUER", "Lasītava")
    latvian = factory.user(library_id=orgs["Ozolnieku bibliotēka"])
    lithuanian = factory.user(library_id=orgs["Velžio biblioteka"])
    nowhere = factory.user()
    for user_id in (latvian, lithuanian, nowhere):
        complete_course(app, user_id)
    assert [c.issuer for c in certificates(app)] == [
        "Latvijas Nacionālās bibliotēkas Bibliotēku attīstības centrs",
        "Lietuvos nacionalinė biblioteka",
        "Lasītava",
    ]
    assert "Lietuvos nacionalinė biblioteka" in pdf_text(certificates(app)[1].pdf)


def test_a_draft_course_gives_no_certificate(app, factory, courses_dir):
    course_yml = courses_dir / COURSE_ID / "course.yml"
    course_yml.write_text(
        course_yml.read_text(encoding="utf-8").replace("published: true", "published: false"),
        encoding="utf-8",
    )
    complete_course(app, factory.user(role="trainer"))
    assert certificates(app) == []


def test_a_newer_course_version_gets_a_certificate_that_replaces_the_old_one(
    app, factory, courses_dir
):
    user_id = factory.user(language="lv")
    complete_course(app, user_id)
    with app.app_context():
        first = db.session.scalar(db.select(Certificate))
        changed = services.reissue(first, learner_name="Līga Ūdre", language="en", actor_id=user_id)
        db.session.commit()
        chosen = changed.serial

    # The author adds a module and raises the version: the course reopens.
    folder = courses_dir / COURSE_ID
    yml = (folder / "course.yml").read_text(encoding="utf-8")
    yml = yml.replace("version: 1", "version: 2").replace(
        "modules: [01-preparing, 02-reading]", "modules: [01-preparing, 02-reading, 03-after]"
    )
    (folder / "course.yml").write_text(yml, encoding="utf-8")
    for lang, title in (("lv", "Pēc lasīšanas"), ("lt", "Po skaitymo"), ("en", "Afterwards")):
        (folder / f"03-after.{lang}.md").write_text(
            f"---\nid: after\ntitle: {title}\nminutes: 5\n---\n# {title}\n\nText.\n",
            encoding="utf-8",
        )
    from app.learning import content
    from app.learning import services as learning

    with app.app_context():
        course = content.catalog().get(COURSE_ID)
        assert course.version == 2
        outcome = learning.mark_read(user_id, course, course.module("after").view("lv"))
        assert outcome.course_completed
        db.session.commit()

    old, replaced, new = certificates(app)
    assert replaced.serial == chosen and replaced.status == "replaced"
    assert replaced.replaced_by_id == new.id
    assert new.course_version == 2 and new.status == "valid"
    # The learner's chosen name and language are kept.
    assert (new.learner_name, new.language, new.course_title) == (
        "Līga Ūdre",
        "en",
        TITLES["en"],
    )
    assert old.status == "replaced"


@pytest.mark.parametrize("field", ["full_name", "course"])
def test_issued_certificates_do_not_follow_later_edits(app, factory, courses_dir, field):
    user_id = factory.user(name="Līga Šņore-Ūdre")
    complete_course(app, user_id)
    [before] = certificates(app)
    if field == "full_name":
        from app.accounts.models import User

        with app.app_context():
            db.session.get(User, user_id).full_name = "Līga Bērziņa"
            db.session.commit()
    else:
        yml = courses_dir / COURSE_ID / "course.yml"
        yml.write_text(
            yml.read_text(encoding="utf-8")
            .replace("Skaļā lasīšana senioriem", "Jauns nosaukums")
            .replace("hours: 1.5", "hours: 4"),
            encoding="utf-8",
        )
    with app.app_context():
        assert services.issue_pending(user_id) == []
        db.session.commit()
    [after] = certificates(app)
    assert (after.pdf, after.sha256, after.learner_name, after.course_title, after.hours) == (
        before.pdf,
        before.sha256,
        before.learner_name,
        before.course_title,
        before.hours,
    )


def test_the_issue_pending_command_issues_what_is_missing(
    app, factory, courses_dir, monkeypatch, runner
):
    user_id = factory.user()
    monkeypatch.setattr(
        services, "render_pdf", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full"))
    )
    complete_course(app, user_id)
    result = runner.invoke(args=["certificates", "issue-pending"])
    assert result.exit_code == 1
    assert "1 completion(s) still without a certificate" in result.output
    monkeypatch.undo()
    result = runner.invoke(args=["certificates", "issue-pending"])
    assert result.exit_code == 0, result.output
    [cert] = certificates(app)
    assert f"{cert.serial}  {COURSE_ID}  user {user_id}" in result.output
    assert "1 certificate(s) issued" in result.output


def _name_template(courses_dir, template: str) -> None:
    course_file = courses_dir / COURSE_ID / "course.yml"
    text = course_file.read_text(encoding="utf-8")
    assert "certificate: {template: default}" in text
    course_file.write_text(
        text.replace("certificate: {template: default}", f"certificate: {{template: {template}}}"),
        encoding="utf-8",
    )


def _name_template_back(courses_dir, template: str) -> None:
    course_file = courses_dir / COURSE_ID / "course.yml"
    text = course_file.read_text(encoding="utf-8")
    course_file.write_text(
        text.replace(f"certificate: {{template: {template}}}", "certificate: {template: default}"),
        encoding="utf-8",
    )


def test_warm_up_refuses_a_course_that_names_a_missing_template(
    app, courses_dir, runner, monkeypatch, tmp_path
):
    result = runner.invoke(args=["certificates", "warm-up"])
    assert result.exit_code == 0, result.output

    # The course checker refuses the course; warm-up (run at deployment) says why and fails.
    _name_template(courses_dir, "fancy")
    result = runner.invoke(args=["certificates", "warm-up"])
    assert result.exit_code == 1
    assert f"course {COURSE_ID!r} names the certificate template 'fancy'" in result.output
    assert "available: compact, default" in result.output
    assert "certificate fonts and templates ready" not in result.output

    # A CERTIFICATES_DIR that does not exist: every course's template is missing.
    _name_template_back(courses_dir, "fancy")
    monkeypatch.setitem(app.config, "CERTIFICATES_DIR", str(tmp_path / "no-such-folder"))
    result = runner.invoke(args=["certificates", "warm-up"])
    assert result.exit_code == 1
    assert f"course {COURSE_ID!r} names the certificate template 'default'" in result.output
    assert "available: none" in result.output


def test_a_missing_template_fails_before_rendering_and_keeps_the_completion(
    app, factory, courses_dir, monkeypatch, caplog, tmp_path
):
    # The course loads (without the templates folder the checker cannot check the name)...
    monkeypatch.setitem(app.config, "CERTIFICATES_DIR", str(tmp_path / "no-such-folder"))
    rendered = []
    real_render = services.render_pdf
    monkeypatch.setattr(
        services, "render_pdf", lambda *a, **k: rendered.append(a) or real_render(*a, **k)
    )
    user_id = factory.user()
    complete_course(app, user_id)

    # ...and issuing stops before rendering, names the problem and keeps the completion.
    assert certificates(app) == []
    assert rendered == []
    with app.app_context():
        assert db.session.scalar(db.select(Enrolment)).completed_at is not None
    assert f"course {COURSE_ID!r} names the certificate template 'default'" in caplog.text
    assert "will be retried" in caplog.text
