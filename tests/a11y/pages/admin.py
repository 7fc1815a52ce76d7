"""Sweep rows for administration (people, organisations, audit log) and the learner's own data
page."""

from __future__ import annotations

from tests.a11y.pages.learning import learners
from tests.a11y.sweep import EMPTY, FILLED, Row, State, submit

ROWS = [
    Row("admin.index", "/admin/", role="admin"),
    Row("admin.users", "/admin/users", role="admin", setup=learners, states=(FILLED,)),
    Row(
        "admin.invite",
        "/admin/users/new",
        role="admin",
        states=(
            EMPTY,
            State(
                "error",
                act=submit({"email": "not an address", "full_name": ""}),
                status=400,
                errors=True,
            ),
        ),
    ),
    Row(
        "admin.user",
        "/admin/users/{graduate_id}",
        role="admin",
        setup=learners,
        states=(FILLED, State("success", act=submit())),
    ),
    Row("admin.organisations", "/admin/organisations", role="admin", states=(FILLED,)),
    Row("admin.audit", "/admin/audit", role="admin", setup=learners, states=(FILLED,)),
    Row(
        "admin.index",
        "/admin/",
        role="learner",
        states=(State("forbidden", status=403, errors=True),),
    ),
    Row("privacy.my_data", "/account/data", role="graduate", setup=learners),
]

EXEMPT = {
    "admin.user_data": "a person's data as a JSON file (checked in tests/admin)",
    "privacy.my_data_download": "the learner's own data as a JSON file (checked in tests/admin)",
    "healthz": "plain-text health check for load balancers, not a page",
}
