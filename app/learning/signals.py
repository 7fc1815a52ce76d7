"""Signals sent by the learning feature (blinker).

``course_completed``
    Sent the moment a learner's enrolment becomes complete, with ``sender`` = the Flask app and
    these keyword arguments:

    ``user_id`` (int), ``course_id`` (str), ``course_version`` (int: the version of the course
    that was completed), ``enrolment_id`` (int).

    **Transaction contract.** The signal is sent *inside* the request's transaction, after the
    completion has been flushed (``Enrolment.completed_at`` / ``completed_version`` are visible
    through ``db.session``) and *before* the commit. A receiver adds its own rows to
    ``db.session`` (e.g. a ``Certificate``) and flushes; it never commits. The request commits
    the completion and whatever the receivers added together, or rolls everything back: a
    certificate can never exist without its completion, nor a completion without its
    certificate. A receiver that raises makes the whole submission fail (and roll back), so
    receivers should raise only for real faults.

    **When it is sent.** Once when the enrolment first becomes complete. Again only when a
    learner who completed an older version finishes a newer version that reopened the course
    (the course's ``version`` was raised and modules were added; see ``services.py``); then
    ``course_version`` is the new version, and ``Enrolment.completed_at`` still holds the first
    completion date. Editing texts, or adding modules without raising the version, never sends
    it again. Receivers can tell a repeat from a first completion by looking for what they
    recorded earlier for ``enrolment_id``.

    Connect in the receiving feature, e.g. ``course_completed.connect(issue_certificate)`` when
    its module is imported (``connect`` keeps a weak reference by default: connect a
    module-level function, or pass ``weak=False``).
"""

from __future__ import annotations

from blinker import Namespace

learning_signals = Namespace()

course_completed = learning_signals.signal(
    "course_completed",
    doc="A learner completed a course. kwargs: user_id, course_id, course_version, enrolment_id.",
)
