"""Administration: users, organisations, audit log, data-protection tasks, feedback."""
