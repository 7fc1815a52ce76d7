"""Page weight on a slow rural line: a module page, without its images, stays under 100 KB
transferred on a first visit (empty cache), and nothing is requested from any other host."""

from __future__ import annotations

import pytest

from tests.a11y.pages.learning import COURSE
from tests.conftest import PASSWORD, Factory

pytestmark = pytest.mark.browser

LIMIT = 100 * 1024


def _first_visit(browser, live_server, path: str, email: str | None = None):
    """Open ``path`` in a fresh browser (nothing cached) and list every response."""
    context = browser.new_context(base_url=live_server)
    if email:
        response = context.request.post(
            "/login", form={"email": email, "password": PASSWORD}, max_redirects=0
        )
        assert response.status == 302
    page = context.new_page()
    seen = []
    page.on("requestfinished", lambda request: seen.append(request))
    page.goto(path, wait_until="load")
    page.wait_for_load_state("networkidle")
    rows = []
    for request in seen:
        sizes = request.sizes()
        rows.append(
            (
                request.url,
                request.resource_type,
                sizes["responseBodySize"] + sizes["responseHeadersSize"],
            )
        )
    context.close()
    return rows


@pytest.mark.parametrize(
    ("path", "who"),
    [
        (f"/courses/{COURSE}/equipment", "learner"),
        (f"/courses/{COURSE}/planning-a-session", "learner"),
        ("/courses", None),
        ("/", None),
    ],
)
def test_pages_are_light_and_load_nothing_from_other_hosts(
    browser, live_app, live_server, path, who
):
    email = None
    if who:
        email = "ilze@example.org"
        Factory(live_app).user(email=email)
    rows = _first_visit(browser, live_server, path, email)
    foreign = [url for url, _kind, _size in rows if not url.startswith(live_server + "/")]
    assert foreign == [], f"requests to other hosts: {foreign}"
    weight = sum(size for _url, kind, size in rows if kind != "image")
    listing = "\n".join(f"{size:>7} {kind:<10} {url}" for url, kind, size in rows)
    print(f"\n{path}: {weight / 1024:.1f} KB without images\n{listing}")
    assert any(kind == "stylesheet" for _u, kind, _s in rows), "the stylesheet was loaded"
    assert weight < LIMIT, f"{path} weighs {weight / 1024:.1f} KB without images:\n{listing}"
