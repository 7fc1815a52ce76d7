"""Sweep rows for certificates: the learner's list and name change, public verification, the
coordinators' ZIP export and the administrators' pages."""

from __future__ import annotations

import sqlalchemy as sa

from app.certificates.models import Certificate
from app.extensions import db
from tests.a11y.pages.learning import learners
from tests.a11y.sweep import EMPTY, FILLED, Row, State, submit


def certificate(data: dict) -> dict:
    data.update(learners(data) or {})
    cert = db.session.scalar(
        sa.select(Certificate).where(Certificate.user_id == data["graduate_id"])
    )
    surname = cert.learner_name.split()[-1]
    return {"serial": cert.serial, "code": cert.verification_code, "surname": surname}


ROWS = [
    Row("certificates.mine", "/certificates", role="learner"),
    Row("certificates.mine", "/certificates", role="graduate", setup=certificate, states=(FILLED,)),
    Row(
        "certificates.change",
        "/certificates/{serial}/change",
        role="graduate",
        setup=certificate,
        states=(EMPTY, State("error", act=submit({"learner_name": ""}), status=400, errors=True)),
    ),
    Row(
        "certificates.verify_form",
        "/verify",
        setup=certificate,
        states=(
            EMPTY,
            State("error", act=submit({"code": ""}), status=400, errors=True),
            State("success", act=submit({"code": "{code}"})),
            State("not found", act=submit({"code": "ZZZZ-ZZZZ-ZZZZ"}), status=404, errors=True),
        ),
    ),
    Row("certificates.verify", "/verify/{code}", setup=certificate),
    Row("certificates.zip_export", "/certificates/export", role="coordinator", setup=certificate),
    Row(
        "certificates.admin_list",
        "/admin/certificates",
        role="admin",
        setup=certificate,
        states=(FILLED,),
    ),
    Row(
        "certificates.admin_detail",
        "/admin/certificates/{serial}",
        role="admin",
        setup=certificate,
        states=(FILLED,),
    ),
]

EXEMPT = {
    "certificates.download": "the certificate PDF file (checked in tests/certificates)",
    "certificates.admin_download": "the certificate PDF file (checked in tests/certificates)",
}
