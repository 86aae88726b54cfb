"""How fast the assessment's dashboard and score table are at province size.

Issue 9: the dashboard (monthly trend per group, ranking, reply timeliness) and the score table
must aggregate in SQL, one grouped query per figure, not loop over months calling the monthly
report. This fills a throw-away SQLite test database with ``SIZE`` publications over three years
and ``APPLICATIONS`` applications across ``UNITS`` units (departments, townships with a village
each; raw executemany, as if imported; some withdrawn, drafts, late items, items with check
findings, open and late replies), opens a year's indicator set with one indicator of every
measure, then times the publication and reply facts, the whole dashboard (with and without the
set), the score table and its Excel workbook. Run with ``python -m bench.dashboard`` or from
``python -m bench``; ``BENCH_PUBLICATIONS`` changes the size.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from bench.database import insert_publications, median_ms, throwaway_database, write_results

SIZE = int(os.environ.get("BENCH_PUBLICATIONS", "1000000"))
APPLICATIONS = 100_000
UNITS = 2_000
YEAR = 2024
AS_OF = dt.date(2024, 10, 31)
FINDINGS = [
    [{"where": "正文", "kind": "wrong_word", "severity": "warn", "text": "必竟"}],
    [{"where": "正文", "kind": "id_number", "severity": "block", "text": "360735********1233"}],
]


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
                sort_order=n,
            )
            for n in range(UNITS)
        ]
    )
    townships = list(Unit.objects.filter(kind=UnitKind.TOWNSHIP))
    Unit.objects.bulk_create(
        [
            Unit(code=f"V{n:05d}", name=f"村{n}", kind=UnitKind.VILLAGE, parent=town)
            for n, town in enumerate(townships)
        ]
    )
    return list(Unit.objects.values_list("pk", flat=True).order_by("pk"))


def _applications(units: list[int], rng: random.Random) -> None:
    from gongkai.applications.models import Application

    columns = (
        "created_at, updated_at, tracking_no, query_code_digest, unit_id, account_unit_id, channel,"
        " applicant_type, applicant_name, id_kind, id_number, contact_name, phone, email, address,"
        " postcode, description, info_form, delivery_way, submitted_on, received_on, stage,"
        " due_on, extended, extension_approved_by, outcome, outcome_note, replied_on,"
        " delivered_by, fee_amount, imported, transcribed_by, responsible_agency,"
        " responsible_contact"
    )
    marks = ", ".join(["%s"] * len(columns.split(",")))
    sql = f"INSERT INTO {Application._meta.db_table} ({columns}) VALUES ({marks})"  # noqa: S608 - constants only
    now = dt.datetime.now(dt.UTC)
    start = dt.date(2023, 1, 1)
    rows = []
    for n in range(APPLICATIONS):
        unit = rng.choice(units)
        received = start + dt.timedelta(days=rng.randrange(3 * 365))
        due = received + dt.timedelta(days=28)
        open_ = rng.random() < 0.05
        replied = None if open_ else received + dt.timedelta(days=rng.randrange(3, 40))
        rows.append(
            (now, now, f"B{n:08d}", "", unit, unit, "in_person", "natural", "某", "", "", "", "",
             "", "", "", "某", "electronic", "email", received, received,
             "handling" if open_ else "archived", due, False, "", "" if open_ else "grant", "",
             replied, "", 0, True, "", "", "")
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _indicator_set() -> Any:
    from gongkai.assessment import services
    from gongkai.assessment.models import Measure

    made = services.indicator_set_create(actor=None, year=YEAR, name="考核")
    plan = [
        (Measure.VOLUME, {"targets": {"department": 150, "township": 300}}),
        (Measure.FRESHNESS, {}),
        (Measure.TIMELY_PUBLICATION, {}),
        (Measure.TIMELY_REPLY, {}),
        (Measure.FINDINGS, {"zero_at": 5}),
        (Measure.MANUAL, {}),
    ]
    for measure, extra in plan:
        services.indicator_add(
            actor=None,
            indicator_set=made,
            values={"name": measure.label, "weight": Decimal(15), "measure": measure, **extra},
        )
    return made


def main() -> None:
    from gongkai.assessment import dashboard, score_xlsx, scoring
    from gongkai.assessment.facts import publication_facts, reply_facts

    with throwaway_database():
        began = time.perf_counter()
        rng = random.Random(9)  # noqa: S311 - reproducible test data, not security
        with transaction.atomic():
            units = _units()
            insert_publications(
                SIZE,
                units=units,
                rng=rng,
                start=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
                late_share=0.05,
                findings=FINDINGS,
            )
            _applications(units, rng)
        filled = round(time.perf_counter() - began, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        without_set = dashboard.dashboard(year=YEAR, as_of=AS_OF, indicator_set=None)
        made = _indicator_set()
        table = scoring.compute_table(made, as_of=AS_OF)
        results = {
            "fill_s": filled,
            "publication_facts_ms": median_ms(lambda: publication_facts(year=YEAR, as_of=AS_OF)),
            "reply_facts_ms": median_ms(lambda: reply_facts(year=YEAR, as_of=AS_OF)),
            "dashboard_counts_ms": median_ms(
                lambda: dashboard.dashboard(year=YEAR, as_of=AS_OF, indicator_set=None)
            ),
            "dashboard_scores_ms": median_ms(
                lambda: dashboard.dashboard(year=YEAR, as_of=AS_OF, indicator_set=made)
            ),
            "score_table_ms": median_ms(lambda: scoring.compute_table(made, as_of=AS_OF)),
            "score_table_december_ms": median_ms(
                lambda: scoring.compute_table(made, as_of=dt.date(YEAR, 12, 31))
            ),
            "score_xlsx_ms": median_ms(lambda: score_xlsx.render(table)),
            "assessed_units": len(table["rows"]),
            "published_year_to_date": without_set["totals"]["published"],
            "replies_due": without_set["totals"]["replies_due"],
        }
    write_results(
        "dashboard",
        {
            "publications": SIZE,
            "applications": APPLICATIONS,
            "units": UNITS,
            "as_of": AS_OF.isoformat(),
            "results": results,
        },
    )
    print("dashboard:", json.dumps(results))


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
