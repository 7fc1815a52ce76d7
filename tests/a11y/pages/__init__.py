"""Rows of the accessibility sweep, one module per feature (see tests/a11y/sweep.py)."""
