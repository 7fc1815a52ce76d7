"""Every page of the platform, for every role, in lv, lt and en, in each of its states: axe-core
(WCAG 2.0/2.1/2.2 A and AA), structure, error states, reflow at 320 px and same-origin requests.
The pages are listed in tests/a11y/pages/; see tests/a11y/sweep.py."""

from __future__ import annotations

import os

import pytest

from tests.a11y.sweep import LANGS, all_exempt, all_rows

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_passes_the_sweep(sweep, lang):
    # A11Y_ONLY=learning.module (part of an endpoint or URL) sweeps only those rows, while fixing.
    only = os.environ.get("A11Y_ONLY", "")
    rows = [row for row in all_rows() if only in (row.endpoint or "") + " " + row.url]
    report = sweep.run(rows, lang)
    print(
        f"\nsweep [{lang}]: {report.visits} page states in {report.seconds:.1f} s "
        f"({report.seconds / max(report.visits, 1):.3f} s each); slowest:\n  "
        + "\n  ".join(report.slowest())
    )
    assert report.visits >= len(rows) > 0
    assert not report.problems, f"{len(report.problems)} problems:\n" + "\n".join(report.problems)


def test_every_get_route_is_in_the_sweep(live_app):
    routes = {
        rule.endpoint
        for rule in live_app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static"
    }
    covered = {row.endpoint for row in all_rows() if row.endpoint}
    exempt = all_exempt()
    missing = sorted(routes - covered - exempt.keys())
    assert not missing, (
        "GET routes missing from the accessibility sweep — add a Row to tests/a11y/pages/<feature>.py "
        f"(or an EXEMPT entry with a reason): {missing}"
    )
    stale = sorted((covered | exempt.keys()) - routes)
    assert not stale, f"sweep rows or exemptions for endpoints that no longer exist: {stale}"
    assert all(reason.strip() for reason in exempt.values()), "every exemption needs a reason"
