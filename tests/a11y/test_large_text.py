"""Every page with the largest display settings (200 % text, wider spacing, high contrast): nothing
is cut off and nothing scrolls sideways, on a desktop window and on a window half as wide."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from tests.a11y.sweep import all_rows

pytestmark = pytest.mark.browser

LARGEST = {"text_size": "200", "high_contrast": "y", "dyslexia_spacing": "y", "reduced_motion": "y"}


def test_every_page_with_200_percent_text(sweep, live_app):
    with live_app.app_context():
        db.session.execute(
            sa.update(User).values(text_size=200, high_contrast=True, dyslexia_spacing=True)
        )
        db.session.commit()
    visitor = sweep.page_for(None)
    visitor.goto("/display")
    response = visitor.context.request.post("/display", form=LARGEST, max_redirects=0)
    assert response.status == 302
    for page in (visitor, sweep.page_for("learner")):
        page.goto("/")
        assert "text-200" in page.evaluate("document.documentElement.className")
    rows = [row for row in all_rows() if row.states[0].act is None]
    report = sweep.run_reflow(rows, "lv", widths=(1280, 640))
    print(f"\nlarge text: {report.visits} pages in {report.seconds:.1f} s")
    assert not report.problems, f"{len(report.problems)} problems:\n" + "\n".join(report.problems)
