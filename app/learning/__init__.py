"""Learning: enrolment, module progress, quiz attempts and grading, the learner's dashboard."""
