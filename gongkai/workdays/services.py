"""Changes to the office's working-day calendar: the CSV import (ADR 0004).

``actor=None`` means the server's command line (ADR 0003); a signed-in actor must belong to the
county disclosure office, which keeps the calendar every unit's deadlines are counted with.

A file declares each of its years whole, so a file holding only a correction (one holiday)
would silently turn the rest of a State Council year into plain weeks (issue 12). Hence: a year
with fewer than MIN_WEEKDAY_HOLIDAYS weekdays off is refused as partial, and a year that already
has a calendar (the State Council's from chinesecalendar, or an earlier import) is replaced only
with ``replace_year=True``, after the caller has shown the difference (``YearDiff``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction

from gongkai.clock import YearTable, state_council_years
from gongkai.core.audit import audit
from gongkai.core.errors import ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import User
from gongkai.workdays import csvfile, selectors
from gongkai.workdays.models import DayKind, DeclaredDay, DeclaredYear

Actor = User | None

logger = logging.getLogger(__name__)


# Weekdays off in a year, below which a file cannot be a whole State Council year. Measured from
# chinesecalendar 1.11.0: every year 2004–2026 has at least 16 (2004, 2005, 2008, 2011, 2014,
# 2017), most 17–19, because the statutory days (11 from 2008, 13 from 2025, 《全国年节及纪念日
# 放假办法》) are joined into spans with make-up days. 11 leaves room for a year arranged
# differently and still refuses a correction of one festival (1–7 days).
MIN_WEEKDAY_HOLIDAYS = 11
SATURDAY = 5


def _weekdays_off(table: YearTable) -> set[dt.date]:
    """Rest days that change something: listed holidays that fall on a weekday."""
    return {day for day in table.holidays if day.weekday() < SATURDAY}


def _weekends_worked(table: YearTable) -> set[dt.date]:
    """Make-up working days that change something: listed workdays on a weekend."""
    return {day for day in table.workdays if day.weekday() >= SATURDAY}


def _iso(days: set[dt.date]) -> list[str]:
    return [day.isoformat() for day in sorted(days)]


@dataclass(frozen=True)
class YearDiff:
    """How an imported year differs from the calendar it would replace, as ISO dates: weekdays
    becoming or ceasing to be holidays, weekend days becoming or ceasing to be make-up workdays
    (a weekend day listed as a holiday changes nothing, so it is not counted)."""

    year: int
    source: str  # "state_council" or "office": whose year is replaced
    holidays_added: list[str] = field(default_factory=list)
    holidays_removed: list[str] = field(default_factory=list)
    workdays_added: list[str] = field(default_factory=list)
    workdays_removed: list[str] = field(default_factory=list)

    @classmethod
    def between(cls, old: YearTable, new: YearTable) -> YearDiff:
        old_off, new_off = _weekdays_off(old), _weekdays_off(new)
        old_on, new_on = _weekends_worked(old), _weekends_worked(new)
        return cls(
            year=new.year,
            source=old.source,
            holidays_added=_iso(new_off - old_off),
            holidays_removed=_iso(old_off - new_off),
            workdays_added=_iso(new_on - old_on),
            workdays_removed=_iso(old_on - new_on),
        )

    @property
    def unchanged(self) -> bool:
        return not (
            self.holidays_added
            or self.holidays_removed
            or self.workdays_added
            or self.workdays_removed
        )

    def describe(self) -> str:
        """The difference in one Chinese sentence, dates as written in the file."""
        whose = "国务院安排" if self.source == "state_council" else "公开办此前导入"
        if self.unchanged:
            return f"{self.year}年（现为{whose}）：无变化"
        parts = [
            f"{label}{len(days)}天（{'、'.join(day[5:] for day in days)}）"
            for label, days in (
                ("新增放假", self.holidays_added),
                ("取消放假", self.holidays_removed),
                ("新增调休上班", self.workdays_added),
                ("取消调休上班", self.workdays_removed),
            )
            if days
        ]
        return f"{self.year}年（现为{whose}）：{'，'.join(parts)}"


class YearExists(ValidationFailed):
    """The file declares years that already have a calendar; ``changes`` says how each would
    change. Replace them with ``replace_year=True`` once someone has seen the changes."""

    def __init__(self, changes: list[YearDiff]) -> None:
        years = "、".join(f"{change.year}年" for change in changes)
        super().__init__(
            f"{years}已有工作日历，导入将整年替换：{'；'.join(c.describe() for c in changes)}。"
            "确认无误后请选择替换该年度。",
            log=f"calendar import would replace years {[c.year for c in changes]}",
            problems=[change.describe() for change in changes],
        )
        self.changes = changes


@dataclass(frozen=True)
class ImportSummary:
    """What an import declared: the years, its rows by type, which years it replaced, and how
    each replaced year changed."""

    years: list[int]
    holidays: int
    workdays: int
    replaced: list[int]
    overrides: list[int]
    dry_run: bool
    changes: list[YearDiff] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _refuse_partial_years(years: dict[int, YearTable]) -> None:
    """Refuse a year with fewer than MIN_WEEKDAY_HOLIDAYS weekdays off: a file declares its
    years whole, so a partial one would erase the rest of the year's holidays."""
    thin = {year: len(_weekdays_off(table)) for year, table in years.items()}
    thin = {year: count for year, count in thin.items() if count < MIN_WEEKDAY_HOLIDAYS}
    if thin:
        listed = "、".join(f"{year}年只有{count}天" for year, count in sorted(thin.items()))
        raise ValidationFailed(
            f"工作日历文件未导入：{listed}工作日放假，少于{MIN_WEEKDAY_HOLIDAYS}天，不像完整的"
            "年度安排（国务院每年安排的工作日放假不少于16天）。文件中的每个年度都会整年替换，"
            "请按国务院通知列出该年度全部放假和调休上班日期后重新导入。",
            log=f"calendar import refused, too few weekday holidays: {thin}",
        )


def calendar_import(
    *,
    actor: Actor,
    source: bytes | str,
    filename: str = "",
    dry_run: bool = False,
    replace_year: bool = False,
) -> ImportSummary:
    """Declare the years named in a calendar CSV, replacing the office's data for those years.

    All or nothing: a bad header, date or type, or a date given two types rejects the whole file
    (ValidationFailed naming each line) and nothing is stored; so does a year with fewer than
    MIN_WEEKDAY_HOLIDAYS weekdays off (a partial year). A year that already has a calendar —
    the State Council's (``overrides``, ADR 0004) or the office's earlier import (``replaced``)
    — is replaced whole only with ``replace_year``; without it YearExists carries the changes
    (``changes``, also in the summary and the audit entry). ``dry_run`` checks and reports the
    changes without storing and without needing ``replace_year``. Writes one audit entry per
    year; the cached calendar is dropped.
    """
    if actor is not None:
        permissions.require(
            permissions.can_manage_calendar(actor),
            "只有县政务公开办可以导入工作日历。",
            log="calendar import needs the office role",
        )
    try:
        parsed = csvfile.read_calendar_csv(source)
    except ValidationFailed as exc:
        logger.warning("%s (file %r)", exc.log, filename)
        raise
    try:
        _refuse_partial_years(parsed.years)
    except ValidationFailed as exc:
        logger.warning("%s (file %r)", exc.log, filename)
        raise
    years = sorted(parsed.years)
    package = state_council_years()
    with transaction.atomic():
        existing = {
            row.year: row for row in DeclaredYear.objects.select_for_update().filter(year__in=years)
        }
        current = selectors.office_years() if existing else {}
        changes = [
            YearDiff.between(current.get(year) or package[year], parsed.years[year])
            for year in years
            if year in existing or year in package
        ]
        summary = ImportSummary(
            years=years,
            holidays=parsed.holidays,
            workdays=parsed.workdays,
            replaced=sorted(existing),
            overrides=[year for year in years if year in package],
            dry_run=dry_run,
            changes=changes,
        )
        if dry_run:
            return summary
        if changes and not replace_year:
            refusal = YearExists(changes)
            logger.warning("%s (file %r)", refusal.log, filename)
            raise refusal
        diffs = {change.year: change for change in changes}
        for year in years:
            table = parsed.years[year]
            row = existing.get(year)
            removed = 0
            if row is None:
                row = DeclaredYear.objects.create(year=year, source_file=filename[:255])
            else:
                removed = row.days.count()
                row.days.all().delete()
                row.revision += 1
                row.source_file = filename[:255]
                row.save(update_fields=["revision", "source_file", "updated_at"])
            DeclaredDay.objects.bulk_create(
                [
                    DeclaredDay(declared_year=row, date=d, kind=DayKind.HOLIDAY)
                    for d in sorted(table.holidays)
                ]
                + [
                    DeclaredDay(declared_year=row, date=d, kind=DayKind.WORKDAY)
                    for d in sorted(table.workdays)
                ]
            )
            action = "替换" if year in diffs else "导入"
            diff = diffs.get(year)
            audit(
                actor=actor,
                action="workdays.import",
                target=row,
                summary=(
                    f"{action}{year}年工作日历：放假{len(table.holidays)}天，"
                    f"调休上班{len(table.workdays)}天"
                    + (f"。{diff.describe()}" if diff is not None else "")
                ),
                data={
                    "file": filename,
                    "year": year,
                    "revision": row.revision,
                    "holidays": len(table.holidays),
                    "workdays": len(table.workdays),
                    "replaced_rows": removed,
                    "overrides_state_council": year in package,
                    "replaced_source": diff.source if diff is not None else "",
                    "diff": asdict(diff) if diff is not None else None,
                    "via": "cli" if actor is None else "web",
                },
            )
        selectors.forget_calendar()
        transaction.on_commit(selectors.forget_calendar)
    logger.info(
        "calendar imported from %r: years %s, %d holidays, %d workdays, replaced %s",
        filename,
        years,
        parsed.holidays,
        parsed.workdays,
        summary.replaced,
    )
    return summary
