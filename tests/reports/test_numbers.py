"""The figures on the report pages and in the queries match the hand-made data set of conftest.py
(worked out by hand in the comments), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.reports import queries
from tests.reports.conftest import ADMIN, COORDINATOR, COURSE, TRAINER, html_tables

EN = {"Accept-Language": "en"}


def at(day: str) -> datetime:
    """Midnight in Riga, where the platform's days begin."""
    return datetime.combine(date.fromisoformat(day), time(0), ZoneInfo("Europe/Riga"))


def one(stats):
    assert len(stats) == 1
    return stats[0]


# --- the queries ------------------------------------------------------------------------------


def test_course_figures_for_everybody(app, world):
    with app.app_context():
        s = one(queries.course_stats(None, queries.Filters()))
    # Enrolled A–G; completed A, B, D, F; certificates of A, D, F (B's is revoked).
    assert (s.course_id, s.enrolled, s.completed, s.in_progress, s.certified) == (
        COURSE,
        7,
        4,
        3,
        3,
    )
    assert s.completion_rate == pytest.approx(4 / 7)
    # Best per (learner, module): A 100+100, B 100+100, C 75, D 100+100, E 50, F 100+100.
    assert s.avg_score == pytest.approx(925 / 10)
    assert s.scored == 6
    # Days to completion: B 4, A 10, F 16, D 30 → median (10 + 16) / 2.
    assert s.median_days == pytest.approx(13.0)


def test_course_figures_in_a_coordinators_scope(app, world):
    with app.app_context():
        paths = [db.session.get(queries.Organisation, world.orgs["Jelgavas novads"]).path]
        s = one(queries.course_stats(paths, queries.Filters()))
    # A, B (Ozolnieku) and C (Elejas) only.
    assert (s.enrolled, s.completed, s.certified) == (3, 2, 1)
    assert s.avg_score == pytest.approx((100 + 100 + 100 + 100 + 75) / 5)
    assert s.median_days == pytest.approx((4 + 10) / 2)


def test_period_selects_by_start_and_counts_completion_up_to_its_end(app, world):
    with app.app_context():
        q1 = one(
            queries.course_stats(
                None, queries.Filters(start=at("2025-01-01"), end=at("2025-04-01"))
            )
        )
        january = one(
            queries.course_stats(
                None, queries.Filters(start=at("2025-01-01"), end=at("2025-02-01"))
            )
        )
    # Started January–March: A, B, C, D; all but C completed by the end of March.
    assert (q1.enrolled, q1.completed, q1.certified) == (4, 3, 2)
    assert q1.avg_score == pytest.approx(675 / 7)
    assert q1.median_days == pytest.approx(10.0)
    # Started in January: A and D. D completed (and was certified) only on 14 February.
    assert (january.enrolled, january.completed, january.in_progress, january.certified) == (
        2,
        1,
        1,
        1,
    )
    # D's signs attempt (1 February) is after the period: D's best is greeting 100 only.
    assert january.avg_score == pytest.approx(100.0)
    assert january.median_days == pytest.approx(10.0)


def test_language_filter(app, world):
    with app.app_context():
        s = one(queries.course_stats(None, queries.Filters(language="lt")))
    assert (s.enrolled, s.completed, s.certified) == (2, 1, 1)  # E and F
    assert s.median_days == pytest.approx(16.0)


def test_breakdown_by_country_municipality_and_library(app, world):
    with app.app_context():
        countries = {
            s.group_name: s for s in queries.course_stats(None, queries.Filters(), "country")
        }
        latvia_path = db.session.get(queries.Organisation, world.orgs["Latvija"]).path
        municipalities = {
            s.group_name: s
            for s in queries.course_stats(
                None, queries.Filters(org_path=latvia_path), "municipality"
            )
        }
        libraries = {
            s.group_name: s for s in queries.course_stats(None, queries.Filters(), "library")
        }
    assert set(countries) == {"Latvija", "Lietuva", None}
    lv, lt, nowhere = countries["Latvija"], countries["Lietuva"], countries[None]
    assert (lv.enrolled, lv.completed, lv.certified, lv.median_days) == (4, 3, 2, 10.0)
    assert lv.avg_score == pytest.approx(675 / 7)
    assert (lt.enrolled, lt.completed, lt.certified, lt.median_days) == (2, 1, 1, 16.0)
    assert lt.avg_score == pytest.approx(250 / 3)
    assert (nowhere.group_id, nowhere.enrolled, nowhere.avg_score) == (0, 1, None)
    assert set(municipalities) == {"Jelgavas novads", "Augšdaugavas novads"}
    assert municipalities["Jelgavas novads"].median_days == pytest.approx(7.0)
    assert municipalities["Augšdaugavas novads"].median_days == pytest.approx(30.0)
    ozolnieki = libraries["Ozolnieku bibliotēka"]
    assert (ozolnieki.enrolled, ozolnieki.completed, ozolnieki.certified) == (2, 2, 1)
    assert libraries["Elejas bibliotēka"].avg_score == pytest.approx(75.0)
    assert libraries["Elejas bibliotēka"].median_days is None


def test_module_funnel(app, world):
    with app.app_context():
        steps = {s.module_id: s for s in queries.module_funnel(None, queries.Filters())}
    assert (steps[None].reached, steps[None].completed) == (7, 4)
    assert (steps["greeting"].reached, steps["greeting"].completed) == (6, 4)  # all but G
    assert (steps["signs"].reached, steps["signs"].completed) == (5, 4)  # C opened it
    assert (steps["reading"].reached, steps["reading"].completed) == (4, 4)


def test_funder_indicator_counts_completions_in_the_period(app, world):
    with app.app_context():
        year = queries.Filters(start=at("2025-01-01"), end=at("2026-01-01"))
        rows = {
            r.municipality_name: (r.completed, r.certified)
            for r in queries.funder_indicator(None, year)
        }
        feb = queries.Filters(start=at("2025-02-01"), end=at("2026-01-01"))
        from_feb = {
            r.municipality_name: (r.completed, r.certified)
            for r in queries.funder_indicator(None, feb)
        }
    # A (certified) and B (revoked) in Jelgavas novads, D in Augšdaugavas, F in Pasvalys.
    assert rows == {
        "Jelgavas novads": (2, 1),
        "Augšdaugavas novads": (1, 1),
        "Pasvalio rajono savivaldybė": (1, 1),
    }
    assert from_feb == {"Jelgavas novads": (1, 0), "Augšdaugavas novads": (1, 1)}


def test_item_analysis(app, world):
    with app.app_context():
        items = {s.question_id: s for s in queries.item_analysis(COURSE, queries.Filters())}
    greet, help_, contrast = items["q-greet"], items["q-help"], items["q-contrast"]
    assert (greet.answers, greet.learners, greet.first_answers, greet.first_correct) == (9, 6, 6, 2)
    assert (greet.top_wrong_response, greet.top_wrong_count) == ("0", 3)  # A, C and E chose 0
    assert (help_.answers, help_.first_answers, help_.first_correct) == (9, 6, 5)
    assert (help_.top_wrong_response.replace(" ", ""), help_.top_wrong_count) == ("[0]", 1)
    assert (contrast.answers, contrast.learners, contrast.first_correct) == (5, 4, 3)
    assert contrast.top_wrong_response == '"zems"'


# --- the pages --------------------------------------------------------------------------------


def test_overview_page_shows_the_figures(client, login_as, world):
    login_as(ADMIN)
    html = client.get("/reports", headers=EN).get_data(as_text=True)
    tables = html_tables(html).tables
    courses = tables["Completion per course"]
    assert courses[0] == [
        "Course",
        "Enrolled",
        "In progress",
        "Completed",
        "Completion rate",
        "Certified",
        "Average best quiz score",
        "Median days to completion",
    ]
    assert courses[1] == ["Atskaišu kurss", "7", "3", "4", "57.1%", "3", "92.5%", "13.0"]
    funder = tables["Staff who completed a course in the period"]
    assert ["Latvija", "Augšdaugavas novads", "1", "1"] in funder
    assert ["Latvija", "Jelgavas novads", "2", "1"] in funder
    assert ["Latvija", "All municipalities", "3", "2"] in funder
    assert ["Lietuva", "Pasvalio rajono savivaldybė", "1", "1"] in funder
    assert ["All countries", "", "4", "3"] in funder
    assert 'role="img"' in html and '<title id="chart-courses-title">' in html
    # The funder chart: one bar pair per country with the subtotals printed next to the bars.
    funder_svg = html.split('id="chart-funder"', 1)[1].split("</svg>", 1)[0]
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", funder_svg)
    assert texts == [
        "Staff who completed",
        "Of them certified",
        "Latvija",
        "3",
        "2",
        "Lietuva",
        "1",
        "1",
    ]


def test_overview_for_a_coordinator_shows_only_their_area(client, login_as, world):
    login_as(COORDINATOR)
    html = client.get("/reports", headers=EN).get_data(as_text=True)
    tables = html_tables(html).tables
    assert tables["Completion per course"][1] == [
        "Atskaišu kurss",
        "3",
        "1",
        "2",
        "66.7%",
        "1",
        "95.0%",
        "7.0",
    ]
    funder = tables["Staff who completed a course in the period"]
    assert [row[1] for row in funder[1:]] == ["Jelgavas novads", "All municipalities"]
    for name in ("Ģirts", "Petrauskas", "Kazlauskienė", "Augšdaugavas", "Lietuva"):
        assert name not in html


def test_breakdown_drills_down_to_a_library(client, login_as, world):
    login_as(ADMIN)
    page = html_tables(client.get("/reports/breakdown", headers=EN).get_data(as_text=True))
    rows = page.tables["Completion by organisation"]
    assert rows[0][0] == "Country"
    assert rows[1:] == [
        ["Latvija", "Atskaišu kurss", "4", "1", "3", "75.0%", "2", "96.4%", "10.0"],
        ["Lietuva", "Atskaišu kurss", "2", "1", "1", "50.0%", "1", "83.3%", "16.0"],
        ["No home library", "Atskaišu kurss", "1", "1", "0", "0.0%", "0", "", ""],
    ]
    latvia_link = page.links["Completion by organisation"][1][0]
    assert latvia_link.startswith("/reports/breakdown?org=")

    page = html_tables(client.get(latvia_link, headers=EN).get_data(as_text=True))
    rows = page.tables["Completion by organisation"]
    assert rows[0][0] == "Municipality"
    assert [r[:5] for r in rows[1:]] == [
        ["Augšdaugavas novads", "Atskaišu kurss", "1", "0", "1"],
        ["Jelgavas novads", "Atskaišu kurss", "3", "1", "2"],
    ]
    jelgava_link = page.links["Completion by organisation"][2][0]

    page = html_tables(client.get(jelgava_link, headers=EN).get_data(as_text=True))
    rows = page.tables["Completion by organisation"]
    assert rows[0][0] == "Library"
    assert rows[1:] == [
        ["Elejas bibliotēka", "Atskaišu kurss", "1", "1", "0", "0.0%", "0", "75.0%", ""],
        ["Ozolnieku bibliotēka", "Atskaišu kurss", "2", "0", "2", "100.0%", "1", "100.0%", "7.0"],
    ]
    library_link = page.links["Completion by organisation"][2][0]
    assert library_link.startswith(f"/reports/libraries/{world.orgs['Ozolnieku bibliotēka']}")

    page = html_tables(client.get(library_link, headers=EN).get_data(as_text=True))
    learners = page.tables["Learners"]
    assert learners[0] == [
        "Name",
        "Course",
        "Status",
        "Modules done",
        "Modules in the course",
        "Started",
        "Last activity",
        "Completed on",
        "Certificate",
    ]
    assert learners[1][:5] == ["Ilze Bērziņa", "Atskaišu kurss", "Completed", "3", "3"]
    assert learners[1][-1] == "LV-A"
    assert learners[1][5] == "Jan 10, 2025"
    # B's certificate was revoked: none shown.
    assert learners[2][:5] + learners[2][-1:] == [
        "Jānis Ozoliņš",
        "Atskaišu kurss",
        "Completed",
        "3",
        "3",
        "",
    ]
    assert len(learners) == 3


def test_a_coordinator_starts_at_their_own_level(client, login_as, world):
    login_as(COORDINATOR)
    page = html_tables(client.get("/reports/breakdown", headers=EN).get_data(as_text=True))
    rows = page.tables["Completion by organisation"]
    assert rows[0][0] == "Municipality"
    assert [r[0] for r in rows[1:]] == ["Jelgavas novads"]


def test_funnel_page(client, login_as, world):
    login_as(ADMIN)
    html = client.get("/reports/funnel", headers=EN).get_data(as_text=True)
    rows = html_tables(html).tables["Module funnel: Atskaišu kurss"]
    assert rows[1:] == [
        ["1", "Sveiciens", "6", "85.7%", "4", "57.1%"],
        ["2", "Norādes", "5", "71.4%", "4", "57.1%"],
        ["3", "Lasīšana kopā", "4", "57.1%", "4", "57.1%"],
    ]
    assert 'id="chart-funnel-1"' in html


def test_item_analysis_page_in_the_trainers_language(client, login_as, world):
    login_as(TRAINER)
    html = client.get(f"/reports/items/{COURSE}", headers={"Accept-Language": "lt"}).get_data(
        as_text=True
    )
    (rows,) = html_tables(html).tables.values()
    body = rows[1:]
    assert body[0][:2] == [
        "Pasisveikinimas",
        "Kaip pasisveikinti su lankytoju, kuris naudojasi vežimėliu?",
    ]
    assert body[0][3:] == ["1", "9", "6", "33,3%", "Kalbėti su palydovu", "3"]
    assert body[1][1] == "Ką reikia padaryti prieš padedant?"
    assert body[1][6:] == ["83,3%", "Paklausti, ar pagalbos reikia", "1"]
    assert body[2][0] == "Nuorodos"
    assert body[2][6] == "75,0%"


def test_item_analysis_shows_a_wrong_text_answer(client, login_as, world):
    login_as(ADMIN)
    html = client.get(f"/reports/items/{COURSE}", headers=EN).get_data(as_text=True)
    rows = next(iter(html_tables(html).tables.values()))
    contrast = next(r for r in rows if r[2] == "q-contrast")
    assert contrast[1] == "Kāds kontrasts ir vajadzīgs norādēm?"
    assert contrast[7] == "“zems”"
