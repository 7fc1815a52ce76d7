"""Reports: read-only aggregates, charts and exports for coordinators and trainers.

Every figure is a SQL aggregate (GROUP BY over enrolments, progress, attempts and certificates);
no page loops over learners in Python, and the number of queries per page does not depend on the
number of learners.
"""
