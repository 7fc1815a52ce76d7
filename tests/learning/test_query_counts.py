"""The module page, course page, catalogue and dashboard run a fixed number of queries: it does
not grow with the number of modules, attempts or courses."""

from __future__ import annotations

from tests.conftest import count_queries
from tests.learning.conftest import LEARNER, open_quiz, use_courses, write_course


def attempt(client, course_id, module_id, right: bool):
    meta = open_quiz(client, course_id, module_id)
    data = {**meta, f"q-{module_id.replace('part-', 'q')}": "1" if right else "0"}
    client.post(f"/courses/{course_id}/{module_id}/quiz", data=data)
    response = client.post(f"/courses/{course_id}/{module_id}/quiz/submit", data=data)
    assert response.status_code == 303


def learner_with(
    app, factory, client, login_as, root, modules: int, attempts: int, courses: int = 1
):
    for n in range(courses):
        write_course(root, f"course-{n}", modules=modules, quiz_modules=(1,), max_attempts=0)
    use_courses(app, root)
    factory.user(email=LEARNER)
    login_as(LEARNER)
    for n in range(courses):
        for m in range(1, modules + 1):
            client.get(f"/courses/course-{n}/part-{m}")
            if m > 1:
                client.post(f"/courses/course-{n}/part-{m}/read")
        for a in range(attempts):
            attempt(client, f"course-{n}", "part-1", right=(a == attempts - 1))


def measure(app, client, path: str) -> int:
    client.get(path)  # warm up: course registry, templates
    with count_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


def test_module_page_queries_do_not_grow(app, client, login_as, factory, tmp_path):
    previous = app.config["COURSES_DIR"]
    try:
        learner_with(app, factory, client, login_as, tmp_path / "small", modules=2, attempts=1)
        small = {
            "module": measure(app, client, "/courses/course-0/part-1"),
            "reading module": measure(app, client, "/courses/course-0/part-2"),
            "course": measure(app, client, "/courses/course-0"),
            "result": measure(app, client, "/courses/course-0/part-1/attempts/1"),
        }
        client.post("/logout")
        from tests.conftest import _empty_tables

        _empty_tables(app)
        learner_with(app, factory, client, login_as, tmp_path / "big", modules=8, attempts=5)
        big = {
            "module": measure(app, client, "/courses/course-0/part-1"),
            "reading module": measure(app, client, "/courses/course-0/part-2"),
            "course": measure(app, client, "/courses/course-0"),
            "result": measure(app, client, "/courses/course-0/part-1/attempts/1"),
        }
    finally:
        use_courses(app, previous)
    print(f"\nqueries with 2 modules / 1 attempt: {small}; with 8 modules / 5 attempts: {big}")
    assert small == big
    # 2 to load the signed-in user, 3 writes (enrolment, progress), 2 reads (attempts, progress).
    assert small["module"] <= 8


def test_dashboard_and_catalogue_queries_do_not_grow(app, client, login_as, factory, tmp_path):
    previous = app.config["COURSES_DIR"]
    try:
        learner_with(
            app, factory, client, login_as, tmp_path / "one", modules=2, attempts=1, courses=1
        )
        small = {
            "dashboard": measure(app, client, "/my"),
            "catalogue": measure(app, client, "/courses"),
        }
        client.post("/logout")
        from tests.conftest import _empty_tables

        _empty_tables(app)
        learner_with(
            app, factory, client, login_as, tmp_path / "four", modules=8, attempts=5, courses=4
        )
        big = {
            "dashboard": measure(app, client, "/my"),
            "catalogue": measure(app, client, "/courses"),
        }
    finally:
        use_courses(app, previous)
    print(f"\nqueries with 1 course: {small}; with 4 courses of 8 modules / 5 attempts: {big}")
    assert small == big
    # 2 to load the signed-in user, 3 for the learner's records; the certificates section that
    # "My learning" includes adds its own fixed few.
    assert small["dashboard"] <= 10 and small["catalogue"] <= 6


def test_module_page_of_an_unfinished_course_does_not_grow(
    app, client, login_as, factory, tmp_path
):
    """Unfinished courses cost one more query (is the course complete now?), still fixed."""
    previous = app.config["COURSES_DIR"]
    counts = []
    try:
        for modules in (2, 8):
            root = tmp_path / f"m{modules}"
            write_course(root, "course-0", modules=modules, quiz_modules=(1,), max_attempts=0)
            use_courses(app, root)
            factory.user(email=f"u{modules}@example.org")
            login_as(f"u{modules}@example.org")
            for m in range(1, modules + 1):
                client.get(f"/courses/course-0/part-{m}")
            attempt(client, "course-0", "part-1", right=False)
            counts.append(measure(app, client, "/courses/course-0/part-1"))
            client.post("/logout")
    finally:
        use_courses(app, previous)
    print(f"\nunfinished course, module page queries with 2 and 8 modules: {counts}")
    assert counts[0] == counts[1] <= 9
