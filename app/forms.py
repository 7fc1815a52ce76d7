"""Form helpers shared by every feature."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def select_choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """WTForms 3.3+ wants SelectChoice objects instead of (value, label) tuples."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def strip(value: str | None) -> str | None:
    """A WTForms filter: surrounding spaces (often pasted along with an address) are dropped."""
    return value.strip() if isinstance(value, str) else value
