"""What counts as an id, in a path and in a form: the one rule behind `<id:...>` in the
urls and the id fields of the forms.

Primary keys are BigAutoField (1 … 2**63 - 1). A larger number cannot name a row, and
handed to the database it is an error rather than "no such row" (SQLite raises
OverflowError, PostgreSQL an out-of-range error), so it is refused before any query.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1


def is_id(value: object) -> bool:
    """ASCII digits only (int() would also take " 1", "1_0", "+1" and "٣"), 1 … MAX_ID."""
    if isinstance(value, int) and not isinstance(value, bool):
        return 0 < value <= MAX_ID
    if not isinstance(value, str):
        return False
    # 19 digits hold every id; the length check keeps int() away from huge strings.
    return value.isascii() and value.isdigit() and len(value) <= 19 and 0 < int(value) <= MAX_ID


class IdConverter:
    """`<id:claim_id>`: a path segment that can name a row; anything larger is a 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        if not is_id(value):
            raise ValueError(value)  # the pattern does not match: 404
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)
