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

from bench.database import median_ms, throwaway_database, write_results

SIZE = int(os.environ.get("BENCH_PUBLICATIONS", "1000000"))
UNITS = 1_500
BATCH = 50_000
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


def _fill() -> None:
    from gongkai.publications.models import Column, Publication, TopicCategory

    rng = random.Random(9)  # noqa: S311 - reproducible test data, not security
    units = [u.pk for u in _units()]
    columns = list(Column.objects.values_list("pk", flat=True))
    topic = TopicCategory.objects.values_list("pk", flat=True).first()
    start = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    span = 3 * 365 * 24 * 3600
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    empty = json.dumps([])
    findings = [json.dumps(f, ensure_ascii=False) for f in FINDINGS]
    fields = (
        "created_at, updated_at, unit_id, issuer, title, doc_number, doc_number_key, written_on,"
        " published_at, topic_id, five_class, column_id, attribute, non_public_ground,"
        " attribute_reason, body, body_text, doc_kind, validity, status, is_late,"
        " withdrawal_reason, findings, override_reason, source_url, version"
    )
    marks = ", ".join(["%s"] * len(fields.split(",")))
    sql = f"INSERT INTO {Publication._meta.db_table} ({fields}) VALUES ({marks})"  # noqa: S608 - constants only
    with connection.cursor() as cursor:
        for first in range(0, SIZE, BATCH):
            rows = []
            for _ in range(first, min(first + BATCH, SIZE)):
                at = start + dt.timedelta(seconds=rng.randrange(span))
                draw = rng.random()
                status = "withdrawn" if draw < 0.02 else "draft" if draw < 0.04 else "published"
                found = findings[rng.randrange(2)] if rng.random() < 0.03 else empty
                rows.append(
                    (now, now, rng.choice(units), "某单位", "工作动态", "", "",
                     at.date().isoformat(), at.strftime("%Y-%m-%d %H:%M:%S"), topic, "result",
                     rng.choice(columns), "proactive", "", "", "", "", "ordinary", "", status,
                     False, "", found, "", "", 1)
                )  # fmt: skip
            cursor.executemany(sql, rows)


def main() -> None:
    from gongkai.reports import monthly_docx
    from gongkai.reports.monthly import monthly_report

    with throwaway_database():
        began = time.perf_counter()
        with transaction.atomic():
            _fill()
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
