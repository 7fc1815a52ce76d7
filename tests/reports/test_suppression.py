"""Shared reports: no "<5" can be worked out by subtracting the figures shown next to it."""

from __future__ import annotations

import pytest

from app import create_app
from app.reports import queries, tables
from app.reports.tables import HIDDEN, SUPPRESSED


@pytest.fixture()
def english(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def stat(enrolled: int, completed: int) -> queries.CourseStat:
    return queries.CourseStat(
        group_id=0,
        course_id="c",
        enrolled=enrolled,
        completed=completed,
        certified=0,
        avg_score=None,
        scored=0,
        median_days=None,
    )


def muni(country: str, name: str, completed: int, certified: int) -> queries.FunderRow:
    return queries.FunderRow(
        country_id=1 if country == "Latvija" else 2,
        country_name=country,
        country_name_en=None,
        municipality_id=hash(name) % 10_000,
        municipality_name=name,
        municipality_name_en=None,
        completed=completed,
        certified=certified,
    )


def figures(table, *keys):
    return [
        [row[table.columns.index(next(c for c in table.columns if c.key == k))] for k in keys]
        for row in table.rows
    ]


def test_in_progress_is_hidden_when_completed_would_follow_from_enrolled(english):
    table = tables.courses_table([stat(enrolled=9, completed=3)], None, "en", shared=True)
    # 9 enrolled, 6 in progress shown would give the 3 completed back.
    assert figures(table, "enrolled", "in_progress", "completed") == [[9, HIDDEN, SUPPRESSED]]
    table = tables.courses_table([stat(enrolled=9, completed=6)], None, "en", shared=True)
    assert figures(table, "enrolled", "in_progress", "completed") == [[9, SUPPRESSED, HIDDEN]]


def test_rows_with_nothing_small_or_everything_small_are_unchanged(english):
    table = tables.courses_table(
        [
            stat(enrolled=20, completed=12),
            stat(enrolled=4, completed=2),
            stat(enrolled=8, completed=0),
        ],
        None,
        "en",
        shared=True,
    )
    assert sorted(map(repr, figures(table, "enrolled", "in_progress", "completed"))) == sorted(
        map(repr, [[20, 8, 12], [SUPPRESSED, SUPPRESSED, SUPPRESSED], [8, 8, 0]])
    )
    plain = tables.courses_table([stat(enrolled=9, completed=3)], None, "en", shared=False)
    assert figures(plain, "enrolled", "in_progress", "completed") == [[9, 6, 3]]


def test_funder_table_hides_a_second_figure_in_each_municipality_group(english):
    rows = [
        muni("Latvija", "Jelgavas novads", 12, 10),
        muni("Latvija", "Augšdaugavas novads", 3, 0),
        muni("Latvija", "Dobeles novads", 7, 7),
        muni("Lietuva", "Pasvalio rajono savivaldybė", 9, 8),
        muni("Lietuva", "Biržų rajono savivaldybė", 6, 6),
    ]
    table = tables.funder_table(rows, "en", shared=True)
    shown = {(row[0], row[1]): row[2:] for row in table.rows}
    # Latvija, completed: 3 is "<5"; 22 is shown, so the smallest other (7) is hidden too.
    # Certified: 0 is shown as 0 and nothing is small, so nothing is hidden.
    assert shown[("Latvija", "Augšdaugavas novads")] == [SUPPRESSED, 0]
    assert shown[("Latvija", "Dobeles novads")] == [HIDDEN, 7]
    assert shown[("Latvija", "Jelgavas novads")] == [12, 10]
    assert shown[("Latvija", "All municipalities")] == [22, 17]
    # Lietuva has nothing small; the total is kept because no country subtotal is "<5".
    assert shown[("Lietuva", "Pasvalio rajono savivaldybė")] == [9, 8]
    assert shown[("Lietuva", "All municipalities")] == [15, 14]
    assert shown[("All countries", "")] == [37, 31]


def test_funder_total_is_hidden_when_one_country_is_small(english):
    rows = [
        muni("Latvija", "Jelgavas novads", 12, 2),
        muni("Latvija", "Augšdaugavas novads", 8, 1),
        muni("Lietuva", "Pasvalio rajono savivaldybė", 2, 2),
    ]
    table = tables.funder_table(rows, "en", shared=True)
    total = table.rows[-1]
    assert table.row_kinds[-1] == "total"
    # Completed: Lietuva's 2 is "<5", so total − Latvija (20) would give it back.
    # Certified: both subtotals (3 and 2) are "<5", the total 5 gives neither back.
    assert total[2:] == [HIDDEN, 5]
    # Certified within Latvija: 2 and 1 are both "<5" — nothing more to hide.
    assert [r[3] for r in table.rows[:2]] == [SUPPRESSED, SUPPRESSED]
    assert tables.funder_table(rows, "en", shared=False).rows[-1][2:] == [22, 5]


def org_stat(group_id: int, name: str, enrolled: int, completed: int, certified: int = 0):
    return queries.CourseStat(
        group_id=group_id,
        course_id="c",
        enrolled=enrolled,
        completed=completed,
        certified=certified,
        avg_score=None,
        scored=0,
        median_days=None,
        group_name=name,
    )


def breakdown(stats):
    return tables.breakdown_table(stats, None, "en", True, "country", lambda s: None)


def test_a_small_country_cannot_be_worked_out_from_the_course_total(english):
    # The overview shows 10 enrolled for the course; Latvija has 4, Lietuva 6.
    table = breakdown([org_stat(1, "Latvija", 4, 2), org_stat(2, "Lietuva", 6, 3)])
    rows = {row[0]: row for row in table.rows}
    keys = [c.key for c in table.columns]
    enrolled = keys.index("enrolled")
    assert rows["Latvija"][enrolled] is SUPPRESSED
    assert rows["Lietuva"][enrolled] is HIDDEN  # 10 − 6 would give Latvija's 4
    # No column of the course has exactly one hidden cell left, and no row either.
    for key in ("enrolled", "in_progress", "completed", "certified"):
        column = [row[keys.index(key)] for row in table.rows]
        assert sum(tables.hidden(c) for c in column) != 1, key
    for row in table.rows:
        trio = [row[keys.index(k)] for k in ("enrolled", "in_progress", "completed")]
        assert sum(tables.hidden(c) for c in trio) != 1, row
        assert row[keys.index("completion_rate")] is HIDDEN


def test_a_breakdown_with_nothing_small_is_shown_in_full(english):
    table = breakdown([org_stat(1, "Latvija", 40, 20, 18), org_stat(2, "Lietuva", 60, 30, 25)])
    assert not table.has_hidden
    keys = [c.key for c in table.columns]
    assert [row[keys.index("completion_rate")] for row in table.rows] == [0.5, 0.5]
