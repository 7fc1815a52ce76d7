"""Courses: loading, parsing, rendering and checking the Markdown courses in COURSES_DIR.

Pure Python except ``cli.py`` (and the routes). Entry points:
``loader.CourseRegistry`` / ``loader.load_courses`` (the catalog learners see),
``checker.check_courses`` (trainers' findings), ``status.status`` (translation table),
``model.public_question`` (what a quiz may show before submission).
"""
