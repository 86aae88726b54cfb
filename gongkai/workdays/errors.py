"""The Chinese refusal for a date whose year has no working-day calendar.

gongkai.clock raises ``UnknownYear`` (English, for logs); people are told what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from gongkai.clock import UnknownYear
from gongkai.core.errors import GongkaiError


def unknown_year_message(year: int) -> str:
    """Return the sentence shown to people when ``year`` has no calendar."""
    return f"尚无{year}年的节假日安排，请公开办先导入该年度工作日历。"


class YearNotDeclared(GongkaiError):
    """A period reaches a year with no calendar: the office must import that year first."""

    def __init__(self, year: int) -> None:
        super().__init__(
            unknown_year_message(year), log=f"no working-day calendar for {year}; import it"
        )
        self.year = year


@contextmanager
def refusing_unknown_year() -> Iterator[None]:
    """Turn the clock's UnknownYear inside the block into YearNotDeclared (a GongkaiError)."""
    try:
        yield
    except UnknownYear as exc:
        raise YearNotDeclared(exc.year) from exc
