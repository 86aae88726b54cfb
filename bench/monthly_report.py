"""How fast the 政务公开月报 is computed over a province's publications.

A province that runs one platform holds millions of published items (DOMAIN.md §7; issue 9 asks
for a monthly report over 1,000,000 publications in under 5 s). This fills a throw-away SQLite
test database with ``SIZE`` items over three years across ``UNITS`` units (departments, townships
with villages, the county's accounts; bulk-inserted with raw executemany, as if imported; a few
withdrawn, drafts and items with check findings), then times gongkai.reports.monthly.monthly_report
for a month, the year's first month and its last month, and the Word document of a month.
Run with ``python -m bench``; ``BENCH_PUBLICATIONS`` changes the size.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
from typing import Any

from django.db import connection, transaction

from bench.database import insert_publications, median_ms, throwaway_database, write_results

SIZE = int(os.environ.get("BENCH_PUBLICATIONS", "1000000"))
UNITS = 1_500
REPEATS = 3
FINDINGS = [
    [{"where": "正文", "kind": "wrong_word", "start": 3, "end": 5, "text": "必竟",
      "severity": "warn", "suggestion": "毕竟", "context": "某某必竟某某"}],
    [{"where": "正文", "kind": "id_number", "start": 3, "end": 21, "text": "360735********1233",
      "severity": "block", "suggestion": None, "context": "身份证号360735********1233"}],
]  # fmt: skip


def _units() -> list[Any]:
    from gongkai.orgs.models import Unit, UnitKind

    county = Unit.objects.create(code="PROV", name="某县人民政府", kind=UnitKind.COUNTY)
    Unit.objects.create(code="OFFICE", name="某县政务公开办", kind=UnitKind.OFFICE, parent=county)
    made = []
    for n in range(UNITS):
        kind = UnitKind.DEPARTMENT if n % 3 else UnitKind.TOWNSHIP
        made.append(Unit(code=f"U{n:05d}", name=f"单位{n}", kind=kind, parent=county))
    Unit.objects.bulk_create(made)
    townships = list(Unit.objects.filter(kind=UnitKind.TOWNSHIP))
    Unit.objects.bulk_create(
        [
            Unit(code=f"V{n:05d}", name=f"村{n}", kind=UnitKind.VILLAGE, parent=town)
            for n, town in enumerate(townships)
        ]
    )
    return list(Unit.objects.order_by("pk"))


def main() -> None:
    from gongkai.reports import monthly_docx
    from gongkai.reports.monthly import monthly_report

    with throwaway_database():
        began = time.perf_counter()
        rng = random.Random(9)  # noqa: S311 - reproducible test data, not security
        with transaction.atomic():
            insert_publications(
                SIZE,
                units=[u.pk for u in _units()],
                rng=rng,
                start=dt.datetime(2022, 1, 1, tzinfo=dt.UTC),
                findings=FINDINGS,
            )
        filled = round(time.perf_counter() - began, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        report = monthly_report(year=2024, month=10)
        results = {
            "fill_s": filled,
            "october_ms": median_ms(lambda: monthly_report(year=2024, month=10)),
            "january_ms": median_ms(lambda: monthly_report(year=2024, month=1)),
            "december_ms": median_ms(lambda: monthly_report(year=2024, month=12)),
            "docx_render_ms": median_ms(lambda: monthly_docx.render(report)),
            "listed_units": len(report["units"]),
            "year_to_date_items": report["total"]["year_to_date"],
        }
    write_results("monthly_report", {"publications": SIZE, "units": UNITS, "results": results})
    print("monthly report:", json.dumps(results))


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
