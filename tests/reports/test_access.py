"""Who may open which report: every report URL × every role, and no figures of other people's
learners in any refusal."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.reports.conftest import (
    ADMIN,
    COORDINATOR,
    COURSE,
    LEARNER,
    OTHER_COORDINATOR,
    OTHER_TRAINER,
    TRAINER,
)

ROLES = {
    "anonymous": None,
    "learner": LEARNER,
    "trainer": TRAINER,  # an author of the course
    "trainer_not_author": OTHER_TRAINER,
    "coordinator_in_scope": COORDINATOR,  # Jelgavas novads
    "coordinator_out_of_scope": OTHER_COORDINATOR,  # Pasvalio rajono savivaldybė
    "admin": ADMIN,
}
# Expected status per role, in the order of ROLES.
COORDINATOR_PAGE = (302, 403, 403, 403, 200, 403, 200)
COORDINATOR_OWN = (302, 403, 403, 403, 200, 200, 200)  # no organisation chosen: their own area
TRAINER_LIST = (302, 403, 200, 200, 403, 403, 200)
TRAINER_COURSE = (302, 403, 200, 403, 403, 403, 200)

MATRIX = [
    ("/reports", COORDINATOR_OWN),
    ("/reports?org={jelgava}", COORDINATOR_PAGE),
    ("/reports/breakdown", COORDINATOR_OWN),
    ("/reports/breakdown?org={jelgava}", COORDINATOR_PAGE),
    ("/reports/breakdown?org={ozolnieki}", COORDINATOR_PAGE),
    ("/reports/funnel", COORDINATOR_OWN),
    ("/reports/funnel?org={jelgava}", COORDINATOR_PAGE),
    ("/reports/libraries/{ozolnieki}", COORDINATOR_PAGE),
    ("/reports/items", TRAINER_LIST),
    (f"/reports/items/{COURSE}", TRAINER_COURSE),
    ("/reports/export/courses?format=csv&org={jelgava}", COORDINATOR_PAGE),
    ("/reports/export/breakdown?format=xlsx&org={jelgava}", COORDINATOR_PAGE),
    ("/reports/export/funnel?format=csv&org={jelgava}", COORDINATOR_PAGE),
    ("/reports/export/funder?format=csv&org={jelgava}", COORDINATOR_PAGE),
    ("/reports/export/courses?format=csv", COORDINATOR_OWN),
    ("/reports/export/learners?format=csv&library={ozolnieki}", COORDINATOR_PAGE),
    (f"/reports/export/items?format=xlsx&course={COURSE}", TRAINER_COURSE),
]

# Names of learners in Jelgavas novads: never in a page or file refused to someone.
PRIVATE = ("Ilze Bērziņa", "Jānis Ozoliņš", "Līga Šņore", "Bērzi")


@pytest.fixture()
def clients(app, world):
    result = {}
    for role, email in ROLES.items():
        client = app.test_client()
        if email:
            assert login(client, email).status_code == 302
        result[role] = client
    return result


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_access_matrix(clients, world):
    """One test over the whole matrix (the data set and the sign-ins are built once)."""
    wrong = []
    for template, expected in MATRIX:
        url = template.format(
            jelgava=world.orgs["Jelgavas novads"], ozolnieki=world.orgs["Ozolnieku bibliotēka"]
        )
        for (role, client), status in zip(clients.items(), expected, strict=True):
            response = client.get(url)
            if response.status_code != status:
                wrong.append(f"{url} as {role}: {response.status_code}, expected {status}")
            if response.status_code == 302:
                assert "/login" in response.headers["Location"]
            body = "" if response.mimetype == XLSX else response.get_data(as_text=True)
            if response.status_code != 200 or role == "coordinator_out_of_scope":
                leaked = [name for name in PRIVATE if name in body]
                assert not leaked, f"{role} sees {leaked} at {url}"
    assert not wrong, "\n".join(wrong)


def test_the_report_menu_entry_shows_for_coordinators_only(clients):
    assert "/reports" in clients["coordinator_in_scope"].get("/").get_data(as_text=True)
    assert 'href="/reports"' not in clients["learner"].get("/").get_data(as_text=True)
