"""How the work ledger holds up at province size.

A province that runs one platform hands one plan to every county's units (DOMAIN.md §7): here
``TASKS`` tasks × ``UNITS`` units = 100,000 parts in a throw-away SQLite test database, a third of
them past their deadline, a mix of states. Timed: importing the task table (resolving 各乡镇政府 /
县有关部门 against every unit), the plan page's progress query, the overdue list (all of it and one
unit's), a unit's completion, the plan's Excel export, and one unit's evidence zip with ``FILES``
files of ~``FILE_KB`` KB each, written to a temporary file. Run with ``python -m bench.ledger`` or
``python -m bench``; ``BENCH_LEDGER_UNITS`` changes the size.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import random
import tempfile
import time
from typing import Any

from django.db import connection, transaction
from django.test import override_settings

from bench.database import median_ms, throwaway_database, write_results

UNITS = int(os.environ.get("BENCH_LEDGER_UNITS", "2000"))
TASKS = 50
FILES = 200
FILE_KB = 64
AS_OF = dt.date(2021, 6, 1)
STATES = ["pending", "in_progress", "reported", "confirmed", "returned"]


def _units() -> list[Any]:
    from gongkai.orgs.models import Unit, UnitKind

    county = Unit.objects.create(code="PROV", name="某县人民政府", kind=UnitKind.COUNTY)
    Unit.objects.create(code="OFFICE", name="某县政务公开办", kind=UnitKind.OFFICE, parent=county)
    Unit.objects.bulk_create(
        Unit(
            code=f"U{n:05d}",
            name=f"单位{n}",
            kind=UnitKind.TOWNSHIP if n % 4 == 0 else UnitKind.DEPARTMENT,
            parent=county,
            sort_order=n,
        )
        for n in range(UNITS)
    )
    return list(Unit.objects.filter(code__startswith="U").order_by("pk"))


def _task_table() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "工作任务", "牵头责任单位", "主体责任单位", "时限要求"])
    for n in range(1, TASKS + 1):
        deadline = "持续推进" if n % 10 == 0 else f"{2020 + n % 3}年{n % 12 + 1}月底"
        sheet.append(
            [n, f"第{n}项工作任务：完善基层政务公开制度", "县政务公开办", "各乡镇政府、县有关部门",
             deadline]
        )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _mix_states(rng: random.Random) -> None:
    """Give parts states as if the units had worked for months (raw SQL: the steps themselves
    are timed in tests, not here)."""
    from gongkai.ledger.models import Assignment

    table = Assignment._meta.db_table
    ids = list(Assignment.objects.values_list("pk", flat=True))
    rows = [(rng.choice(STATES), pk) for pk in ids]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET status = %s WHERE id = %s", rows)  # noqa: S608


def _evidence(unit: Any, plan: Any, rng: random.Random) -> None:
    """FILES files spread over the unit's parts, stored as the service stores them."""
    from django.core.files.base import ContentFile

    from gongkai.ledger.models import Assignment, Evidence

    parts = list(Assignment.objects.filter(task__plan=plan, unit=unit).order_by("task__number"))
    for n in range(FILES):
        data = b"%PDF-1.4\n" + rng.randbytes(FILE_KB * 1024)
        digest = hashlib.sha256(data).hexdigest()
        evidence = Evidence(
            assignment=parts[n % len(parts)],
            name=f"佐证材料{n % 7}.pdf",  # repeated names: the zip must number them
            kind="pdf",
            size=len(data),
            sha256=digest,
        )
        evidence.file.save(f"{digest[:16]}.pdf", ContentFile(data), save=False)
        evidence.save()


def main() -> None:
    from gongkai.ledger import exports, selectors, services
    from gongkai.orgs.models import User

    rng = random.Random(9)  # noqa: S311 - reproducible test data, not security
    media = tempfile.TemporaryDirectory()
    with throwaway_database(), override_settings(MEDIA_ROOT=media.name):
        began = time.perf_counter()
        with transaction.atomic():
            units = _units()
            office = User.objects.create(username="bench", is_superuser=True)
            plan = services.plan_create(actor=office, title="全省基层政务公开工作方案", year=2020)
            table = _task_table()
            import_began = time.perf_counter()
            result = services.tasks_import(
                actor=office, plan=plan, filename="任务.xlsx", data=table
            )
            import_ms = round((time.perf_counter() - import_began) * 1000, 1)
            _mix_states(rng)
            unit = units[1]
            _evidence(unit, plan, rng)
        filled = round(time.perf_counter() - began, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        overdue = selectors.overdue_assignments(AS_OF)

        def zip_unit() -> None:
            with tempfile.TemporaryFile() as out:
                exports.unit_archive(plan, unit, out, as_of=AS_OF)

        def export_plan() -> None:
            with tempfile.TemporaryFile() as out:
                exports.plan_workbook(plan, out, as_of=AS_OF)

        with tempfile.TemporaryFile() as out:
            exports.unit_archive(plan, unit, out, as_of=AS_OF)
            zip_bytes = out.tell()
        results = {
            "fill_s": filled,
            "import_ms": import_ms,
            "plan_progress_ms": median_ms(lambda: selectors.plan_progress(plan, as_of=AS_OF)),
            "overdue_all_ms": median_ms(lambda: selectors.overdue_assignments(AS_OF)),
            "overdue_page_ms": median_ms(
                lambda: (
                    selectors.overdue_assignments(AS_OF, limit=500),
                    selectors.overdue_count(AS_OF),
                )
            ),
            "overdue_one_unit_ms": median_ms(lambda: selectors.overdue_assignments(AS_OF, unit)),
            "unit_completion_ms": median_ms(lambda: selectors.unit_completion(plan, unit)),
            "unit_zip_ms": median_ms(zip_unit),
            "plan_export_ms": median_ms(export_plan, repeats=1),
            "assignments": result.assignments,
            "overdue": len(overdue),
            "zip_files": FILES,
            "zip_mb": round(zip_bytes / 1048576, 1),
        }
    media.cleanup()
    write_results("ledger", {"tasks": TASKS, "units": UNITS, "results": results})
    print("ledger:", json.dumps(results))


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
