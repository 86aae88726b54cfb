"""How fast the annual report is computed at province scale.

A province that runs one platform holds hundreds of thousands of applications (DOMAIN.md §7).
This fills a throw-away SQLite test database with ``SIZE`` applications over three years across
``UNITS`` units (bulk-inserted, as if imported), then times section 三 (annual_report_table) for
the whole province, for one county's ~50 units and for one unit, and the whole report
(gongkai.reports.annual.annual_report) for everything and for one unit. Issue 9's target: the
annual report over 100,000 applications in under a second. Run with ``python -m bench``.
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

SIZE = 100_000
UNITS = 2_000
REPEATS = 3


def _fill() -> list[Any]:
    from gongkai.applications import outcomes
    from gongkai.applications.models import ApplicantType, Application, Stage
    from gongkai.orgs.models import Unit, UnitKind

    rng = random.Random(7)  # noqa: S311 - reproducible test data, not security
    Unit.objects.bulk_create(
        [Unit(code=f"U{n:05d}", name=f"单位{n}", kind=UnitKind.DEPARTMENT) for n in range(UNITS)]
    )
    units = list(Unit.objects.order_by("pk"))
    types = list(ApplicantType.values)
    codes = [o.code for o in outcomes.OUTCOMES]
    start = dt.date(2023, 1, 1)
    now = dt.datetime.now(dt.UTC)
    # Raw inserts: the ORM's bulk_create spends about a millisecond a row building SQL here.
    columns = (
        "created_at, updated_at, tracking_no, query_code_digest, unit_id, account_unit_id, channel,"
        " applicant_type, applicant_name, id_kind, id_number, contact_name, phone, email, address,"
        " postcode, description, info_form, delivery_way, submitted_on, received_on, stage,"
        " extended, extension_approved_by, outcome, outcome_note, replied_on, delivered_by,"
        " fee_amount, imported, transcribed_by, responsible_agency, responsible_contact"
    )
    rows = []
    for n in range(SIZE):
        unit = units[n % UNITS]
        received = start + dt.timedelta(days=rng.randrange(3 * 365))
        open_ = rng.random() < 0.05
        replied = None if open_ else received + dt.timedelta(days=rng.randrange(5, 60))
        rows.append(
            (now, now, f"B{n:08d}", "", unit.pk, unit.pk, "in_person", types[n % len(types)],
             "某", "", "", "", "", "", "", "", "某", "electronic", "email", received, received,
             Stage.HANDLING if open_ else Stage.ARCHIVED, False, "",
             "" if open_ else codes[n % len(codes)], "", replied, "", 0, True, "", "", "")
        )  # fmt: skip
    marks = ", ".join(["%s"] * len(columns.split(",")))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {Application._meta.db_table} ({columns}) VALUES ({marks})",  # noqa: S608 - constants only
            rows,
        )
    return units


def main() -> None:
    from gongkai.applications.selectors import annual_report_table
    from gongkai.reports.annual import annual_report

    with throwaway_database():
        began = time.perf_counter()
        with transaction.atomic():
            units = _fill()
        filled = round(time.perf_counter() - began, 1)
        county = units[:50]
        results = {
            "fill_s": filled,
            "province_ms": median_ms(lambda: annual_report_table(2024)),
            "county_50_units_ms": median_ms(lambda: annual_report_table(2024, units=county)),
            "one_unit_ms": median_ms(lambda: annual_report_table(2024, units=units[:1])),
            "annual_report_all_ms": median_ms(lambda: annual_report(year=2024)),
            "annual_report_one_unit_ms": median_ms(lambda: annual_report(year=2024, unit=units[0])),
        }
    write_results("annual_report", {"applications": SIZE, "units": UNITS, "results": results})
    print("annual report:", json.dumps(results))


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
