"""Sweep rows for the reports of coordinators, trainers and administrators."""

from __future__ import annotations

from tests.a11y.pages.learning import COURSE, learners
from tests.a11y.sweep import FILLED, Row, State

ROWS = [
    Row("reports.index", "/reports", role="coordinator", setup=learners, states=(FILLED,)),
    Row("reports.index", "/reports", role="admin", setup=learners, states=(FILLED,)),
    Row(
        "reports.index",
        f"/reports?course={COURSE}&language=lv&shared=y",
        role="coordinator",
        setup=learners,
        states=(State("filtered"),),
    ),
    Row(
        "reports.index",
        "/reports?start=2026-13-45",
        role="coordinator",
        setup=learners,
        states=(State("error", status=400, errors=True),),
    ),
    Row(
        "reports.breakdown",
        "/reports/breakdown",
        role="coordinator",
        setup=learners,
        states=(FILLED,),
    ),
    Row("reports.funnel", "/reports/funnel", role="coordinator", setup=learners, states=(FILLED,)),
    Row(
        "reports.library",
        "/reports/libraries/{Ozolnieku bibliotēka}",
        role="coordinator",
        setup=learners,
        states=(FILLED,),
    ),
    Row("reports.items", "/reports/items", role="trainer", setup=learners),
    Row(
        "reports.item_analysis",
        f"/reports/items/{COURSE}",
        role="trainer",
        setup=learners,
        states=(FILLED,),
    ),
]

EXEMPT = {
    "reports.export": "CSV and XLSX downloads (checked in tests/reports)",
}
