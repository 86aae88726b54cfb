"""How fast the site monitoring is over a province's publications.

Fills a throw-away SQLite test database with ``SIZE`` items over three years across ``UNITS`` units
(bulk-inserted with raw executemany, as bench/monthly_report.py does; a few withdrawn and drafts,
about 8% published late with their 应公开日期), 200 new-media accounts with a year of posts and a
week of probes, then times:

- ``freshness_ms``: gongkai.monitoring.freshness.column_freshness (one index seek per column);
- ``late_month_ms`` / ``late_quarter_ms``: gongkai.monitoring.lateness.late_by_unit over a month
  and a quarter, with every late item's working days late;
- ``veto_ms``: gongkai.monitoring.veto.site_check (freshness, home page, probes, incidents);
- ``new_media_ms``: the monthly report's new-media section.

Run with ``python -m bench.monitoring``; ``BENCH_PUBLICATIONS`` changes the size.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time

from django.db import connection, transaction

from bench.database import insert_publications, median_ms, throwaway_database, write_results

SIZE = int(os.environ.get("BENCH_PUBLICATIONS", "1000000"))
UNITS = 1_500
ACCOUNTS = 200
LATE_SHARE = 0.08
AS_OF = dt.date(2024, 10, 31)


def _units() -> list[int]:
    from gongkai.orgs.models import Unit, UnitKind

    county = Unit.objects.create(code="PROV", name="某县人民政府", kind=UnitKind.COUNTY)
    Unit.objects.create(code="OFFICE", name="某县政务公开办", kind=UnitKind.OFFICE, parent=county)
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"U{n:05d}",
                name=f"单位{n}",
                kind=UnitKind.DEPARTMENT if n % 3 else UnitKind.TOWNSHIP,
                parent=county,
            )
            for n in range(UNITS)
        ]
    )
    return list(Unit.objects.values_list("pk", flat=True))


def _fill_monitoring(units: list[int]) -> None:
    from gongkai.monitoring.models import NewMediaAccount, NewMediaPost, Platform, Probe

    rng = random.Random(19)  # noqa: S311 - reproducible test data, not security
    platforms = list(Platform.values)
    accounts = NewMediaAccount.objects.bulk_create(
        [
            NewMediaAccount(
                platform=platforms[n % len(platforms)], name=f"账号{n}", unit_id=units[n]
            )
            for n in range(ACCOUNTS)
        ]
    )
    posts = []
    for account in accounts:
        for back in range(365):
            if rng.random() < 0.35:
                posts.append(
                    NewMediaPost(
                        account=account,
                        published_on=AS_OF - dt.timedelta(days=back),
                        title=f"推文{back}",
                    )
                )
    NewMediaPost.objects.bulk_create(posts, batch_size=5000)
    moment = dt.datetime(2024, 10, 25, tzinfo=dt.UTC)
    Probe.objects.bulk_create(
        [
            Probe(
                url="https://www.example.gov.cn/",
                checked_at=moment + dt.timedelta(minutes=30 * n),
                ok=rng.random() > 0.02,
            )
            for n in range(7 * 48)
        ]
    )


def main() -> None:
    from gongkai.monitoring import freshness, lateness, new_media, veto

    with throwaway_database():
        began = time.perf_counter()
        with transaction.atomic():
            units = _units()
            insert_publications(
                SIZE,
                units=units,
                rng=random.Random(9),  # noqa: S311 - reproducible test data, not security
                start=dt.datetime(2022, 1, 1, tzinfo=dt.UTC),
                late_share=LATE_SHARE,
            )
            _fill_monitoring(units)
        filled = round(time.perf_counter() - began, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        month = lateness.late_by_unit(start=dt.date(2024, 10, 1), end=AS_OF)
        check = veto.site_check(AS_OF)
        results = {
            "fill_s": filled,
            "freshness_ms": median_ms(lambda: freshness.column_freshness(AS_OF)),
            "late_month_ms": median_ms(
                lambda: lateness.late_by_unit(start=dt.date(2024, 10, 1), end=AS_OF)
            ),
            "late_quarter_ms": median_ms(
                lambda: lateness.late_by_unit(start=dt.date(2024, 8, 1), end=AS_OF)
            ),
            "veto_ms": median_ms(lambda: veto.site_check(AS_OF)),
            "new_media_ms": median_ms(
                lambda: new_media.month_section(first=dt.date(2024, 10, 1), last=AS_OF, as_of=AS_OF)
            ),
            "late_units_month": len(month),
            "late_items_month": sum(r.late for r in month),
            "verdict": check.verdict,
        }
    write_results(
        "monitoring",
        {"publications": SIZE, "units": UNITS, "accounts": ACCOUNTS, "results": results},
    )
    print("monitoring:", json.dumps(results))


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
