"""Calendars as data: which days of a year are working days, and the refusal to guess.

A year's calendar is the weekend rule (Saturday and Sunday rest) corrected by two sets: weekdays
that are rest days (法定节假日 and the days taken off around them) and weekend days that are
working days (调休上班). That is how the State Council publishes its yearly arrangement and how
the office declares a year (``gongkai workdays import``), so one shape holds both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

SATURDAY = 5


class UnknownYear(Exception):
    """No calendar is known for ``year``: a period touching it cannot be computed.

    Django-side callers turn this into a Chinese sentence asking the office to import the year
    (gongkai.workdays.errors.YearNotDeclared).
    """

    def __init__(self, year: int) -> None:
        super().__init__(
            f"no working-day calendar for {year}: the State Council arrangement is not "
            f"available and the office has not declared it"
        )
        self.year = year


class Calendar(Protocol):
    """Anything that can tell whether a date is a working day."""

    def is_workday(self, day: dt.date, /) -> bool:
        """Return whether ``day`` is a working day; raise UnknownYear if its year is unknown."""
        ...


@dataclass(frozen=True)
class YearTable:
    """One year's working-day arrangement: the weekend rule plus its exceptions.

    ``holidays`` are rest days (a weekend day may be listed too, as the State Council's notices
    list whole holiday spans); ``workdays`` are make-up working days (调休上班), usually weekend
    days. A date may not be in both. ``source`` says where the table came from (for display).
    """

    year: int
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)
    source: str = ""

    def __post_init__(self) -> None:
        stray = sorted(d for d in self.holidays | self.workdays if d.year != self.year)
        if stray:
            raise ValueError(f"dates outside {self.year} in its table: {stray[0].isoformat()}")
        both = sorted(self.holidays & self.workdays)
        if both:
            raise ValueError(f"{both[0].isoformat()} is both a holiday and a working day")

    @classmethod
    def build(
        cls,
        year: int,
        *,
        holidays: Iterable[dt.date] = (),
        workdays: Iterable[dt.date] = (),
        source: str = "",
    ) -> YearTable:
        """Build a table from any iterables of dates."""
        return cls(year, frozenset(holidays), frozenset(workdays), source)

    def is_workday(self, day: dt.date, /) -> bool:
        """Return whether ``day`` (a date of this year) is a working day."""
        if day in self.workdays:
            return True
        return day.weekday() < SATURDAY and day not in self.holidays


class TableCalendar:
    """A calendar made of per-year tables; a date of any other year raises UnknownYear."""

    __slots__ = ("_tables",)

    def __init__(self, years: Mapping[int, YearTable]) -> None:
        for year, table in years.items():
            if table.year != year:
                raise ValueError(f"table for {table.year} filed under {year}")
        self._tables: dict[int, YearTable] = dict(years)

    @property
    def years(self) -> tuple[int, ...]:
        """The years this calendar knows, ascending."""
        return tuple(sorted(self._tables))

    def covers(self, year: int) -> bool:
        """Return whether this calendar knows ``year``."""
        return year in self._tables

    def table(self, year: int) -> YearTable:
        """Return the table of ``year``; raise UnknownYear if there is none."""
        try:
            return self._tables[year]
        except KeyError:
            raise UnknownYear(year) from None

    def is_workday(self, day: dt.date, /) -> bool:
        """Return whether ``day`` is a working day; raise UnknownYear if its year is unknown."""
        table = self._tables.get(day.year)
        if table is None:
            raise UnknownYear(day.year)
        return table.is_workday(day)

    def __repr__(self) -> str:
        years = self.years
        span = f"{years[0]}–{years[-1]}, {len(years)} years" if years else "no years"
        return f"<TableCalendar {span}>"
