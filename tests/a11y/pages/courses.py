"""Sweep rows for the trainers' course pages: overview, course status and module preview."""

from __future__ import annotations

from tests.a11y.pages.learning import COURSE
from tests.a11y.sweep import FILLED, Row

ROWS = [
    Row("courses.trainer_overview", "/trainer", role="trainer", states=(FILLED,)),
    Row("courses.trainer_course", f"/trainer/{COURSE}", role="trainer", states=(FILLED,)),
    Row(
        "courses.trainer_preview",
        f"/trainer/{COURSE}/equipment/lt",
        role="trainer",
        states=(FILLED,),
    ),
    Row(
        "courses.trainer_preview", f"/trainer/{COURSE}/equipment/lv", role="admin", states=(FILLED,)
    ),
]
