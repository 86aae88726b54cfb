"""How fast each role's staff home (工作台) is at province size, and how many statements it reads.

Issue 11: every role's home counts its own work, and the counts must stay cheap at province size.
This fills a throw-away SQLite test database with ``UNITS`` units (departments, townships and
their villages), ``SIZE`` publications over three years (raw executemany, as if imported: some
late, some with check findings, a few drafts), ``APPLICATIONS`` applications (5% open), one
catalog per unit with ``ITEMS`` items for the first units, and a queue of submitted, returned and
retained items for the measured department and township; then signs in one user per role and
times GET /staff/ (the median of a few runs after a first one) with its statement count. Run with
``python -m bench.workbench``; ``BENCH_PUBLICATIONS`` changes the size.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
from typing import Any

from django.db import connection, transaction
from django.test import Client

from bench.dashboard import APPLICATIONS, FINDINGS, _applications
from bench.database import insert_publications, median_ms, throwaway_database, write_results

SIZE = int(os.environ.get("BENCH_PUBLICATIONS", "1000000"))
UNITS = 5_000
TOWNSHIPS = 400
VILLAGES_PER_TOWNSHIP = 8
ITEMS = 30
CATALOGS_WITH_ITEMS = 300
ROLES = {
    "office": ("OFFICE", "office"),
    "leader": ("PROV", "leader"),
    "editor": ("U00001", "editor"),
    "reviewer": ("U00001", "reviewer"),
    "handler": ("U00001", "handler"),
    "township_editor": ("T00000", "editor"),
    "township_reviewer": ("T00000", "reviewer"),
    "village_clerk": ("V00000", "village_clerk"),
}


def _units() -> list[int]:
    """The province: its government, an office, departments, townships with their villages."""
    from gongkai.orgs.models import Unit, UnitKind

    top = Unit.objects.create(code="PROV", name="某省人民政府", kind=UnitKind.COUNTY)
    Unit.objects.create(code="OFFICE", name="某省政务公开办", kind=UnitKind.OFFICE, parent=top)
    departments = UNITS - TOWNSHIPS * (1 + VILLAGES_PER_TOWNSHIP) - 2
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"U{n:05d}",
                name=f"部门{n}",
                kind=UnitKind.DEPARTMENT,
                parent=top,
                sort_order=n,
            )
            for n in range(departments)
        ]
    )
    Unit.objects.bulk_create(
        [
            Unit(code=f"T{n:05d}", name=f"乡镇{n}", kind=UnitKind.TOWNSHIP, parent=top)
            for n in range(TOWNSHIPS)
        ]
    )
    townships = list(Unit.objects.filter(kind=UnitKind.TOWNSHIP).order_by("code"))
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"V{n * VILLAGES_PER_TOWNSHIP + v:05d}",
                name=f"村{n}-{v}",
                kind=UnitKind.VILLAGE,
                parent=town,
            )
            for n, town in enumerate(townships)
            for v in range(VILLAGES_PER_TOWNSHIP)
        ]
    )
    return list(Unit.objects.values_list("pk", flat=True).order_by("pk"))


def _catalogs() -> None:
    """A 2025 catalog for every unit (a few submitted or returned), items for the first ones."""
    from gongkai.catalog.models import Catalog, CatalogItem, CatalogStatus, Domain
    from gongkai.orgs.models import Unit

    domain = Domain.objects.create(code="bench", name="测试领域")
    units = list(Unit.objects.order_by("pk").values_list("pk", flat=True))
    statuses = [CatalogStatus.APPROVED] * 18 + [CatalogStatus.SUBMITTED, CatalogStatus.RETURNED]
    Catalog.objects.bulk_create(
        [
            Catalog(unit_id=pk, version=2025, status=statuses[n % len(statuses)])
            for n, pk in enumerate(units)
        ],
        batch_size=2000,
    )
    first = Catalog.objects.order_by("unit__sort_order", "unit__code")[:CATALOGS_WITH_ITEMS]
    CatalogItem.objects.bulk_create(
        [
            CatalogItem(catalog=c, domain=domain, level1="事项", level2=f"二级{i}", sort_order=i)
            for c in first
            for i in range(ITEMS)
        ],
        batch_size=5000,
    )


def _queue(codes: list[str]) -> None:
    """Work waiting in the measured units: drafts turned into submitted (some with blocking
    findings), returned and retained items due for review."""
    from gongkai.publications.models import Publication

    for code in codes:
        mine = list(
            Publication.objects.filter(unit__code=code).order_by("pk").values_list("pk", flat=True)
        )[:40]
        submitted, returned, retained = mine[:25], mine[25:30], mine[30:35]
        Publication.objects.filter(pk__in=submitted).update(status="submitted")
        Publication.objects.filter(pk__in=submitted[:5]).update(findings=FINDINGS[1])
        Publication.objects.filter(pk__in=returned).update(status="returned")
        Publication.objects.filter(pk__in=retained).update(
            status="retained",
            attribute="not_public",
            non_public_ground="art16_process",
            review_due=dt.date(2024, 1, 1),
        )


def _users() -> dict[str, Any]:
    from gongkai.orgs.models import Membership, Unit, User

    users = {}
    for name, (code, role) in ROLES.items():
        user = User.objects.create(username=name)
        Membership.objects.create(user=user, unit=Unit.objects.get(code=code), role=role)
        users[name] = user
    return users


def _measure(user: Any) -> dict[str, Any]:
    """The home's median time over five requests after a first one, its statements and the
    slowest of them (counted by an execute wrapper: the debug query log may be full)."""
    client = Client()
    client.force_login(user)
    first = client.get("/staff/")
    assert first.status_code == 200, first.status_code
    timings: list[tuple[float, str]] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(((time.perf_counter() - began) * 1000, sql))

    with connection.execute_wrapper(timed):
        client.get("/staff/")
    return {
        "ms": median_ms(lambda: client.get("/staff/"), repeats=5),
        "queries": len(timings),
        "slowest_query_ms": round(max(timings)[0], 1),
        "slowest_query": max(timings)[1][:160],
    }


def main() -> None:
    import time_machine

    with throwaway_database(), time_machine.travel("2024-10-31 10:00 +0800", tick=True):
        began = time.perf_counter()
        rng = random.Random(11)  # noqa: S311 - reproducible test data, not security
        with transaction.atomic():
            units = _units()
            insert_publications(
                SIZE,
                units=units,
                rng=rng,
                start=dt.datetime(2021, 11, 1, tzinfo=dt.UTC),
                late_share=0.05,
                findings=FINDINGS,
            )
            _applications(units, rng)
            _catalogs()
            _queue(["U00001", "T00000", "V00000"])
            users = _users()
        filled = round(time.perf_counter() - began, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        results = {name: _measure(user) for name, user in users.items()}
    write_results(
        "workbench",
        {
            "publications": SIZE,
            "applications": APPLICATIONS,
            "units": UNITS,
            "fill_s": filled,
            "results": results,
        },
    )
    print("workbench:", json.dumps(results))


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
