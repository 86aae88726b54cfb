"""Changes to the office's working-day calendar: the CSV import (ADR 0004).

``actor=None`` means the server's command line (ADR 0003); a signed-in actor must belong to the
county disclosure office, which keeps the calendar every unit's deadlines are counted with.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction

from gongkai.clock import state_council_years
from gongkai.core.audit import audit
from gongkai.core.errors import ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import User
from gongkai.workdays import csvfile, selectors
from gongkai.workdays.models import DayKind, DeclaredDay, DeclaredYear

Actor = User | None

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportSummary:
    """What an import declared: the years, its rows by type, and which years it replaced."""

    years: list[int]
    holidays: int
    workdays: int
    replaced: list[int]
    overrides: list[int]
    dry_run: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def calendar_import(
    *, actor: Actor, source: bytes | str, filename: str = "", dry_run: bool = False
) -> ImportSummary:
    """Declare the years named in a calendar CSV, replacing the office's data for those years.

    All or nothing: a bad header, date or type, or a date given two types rejects the whole file
    (ValidationFailed naming each line) and nothing is stored. Each year in the file replaces
    that year's earlier office data (``replaced``); a year the State Council package also covers
    is from then on taken from the office alone (``overrides``, ADR 0004). ``dry_run`` checks and
    reports without storing. Writes one audit entry per year; the cached calendar is dropped.
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
    years = sorted(parsed.years)
    package = state_council_years()
    with transaction.atomic():
        existing = {
            row.year: row for row in DeclaredYear.objects.select_for_update().filter(year__in=years)
        }
        summary = ImportSummary(
            years=years,
            holidays=parsed.holidays,
            workdays=parsed.workdays,
            replaced=sorted(existing),
            overrides=[year for year in years if year in package],
            dry_run=dry_run,
        )
        if dry_run:
            return summary
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
            action = "替换" if year in existing else "导入"
            audit(
                actor=actor,
                action="workdays.import",
                target=row,
                summary=(
                    f"{action}{year}年工作日历：放假{len(table.holidays)}天，"
                    f"调休上班{len(table.workdays)}天"
                ),
                data={
                    "file": filename,
                    "year": year,
                    "revision": row.revision,
                    "holidays": len(table.holidays),
                    "workdays": len(table.workdays),
                    "replaced_rows": removed,
                    "overrides_state_council": year in package,
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
