"""How fast the catalog's list pages are for a province: 5,000 units, ~150,000 public items.

Issue 10 asks every public page for p95 < 100 ms warm. The catalog's item pages read one unit at
a time; the lists (the domains with their counts, the units by level, under a unit or by name, the
units publishing in a domain, /xxgk/domain/, /api/catalogs/) are where a province's size shows.
This fills a throw-away test database with a province's tree as the model has it: the provincial
government, 50 county governments, each with 30 departments and 10 townships of 6 villages
(5,051 units); every unit has an approved 2024 catalog of 30 items over random domains, one in
ten also an older reported 2023 version, one in fifty a 2025 draft (so "each unit's newest public
catalog" has something to choose from). Then it times each page warm through Django's test
client, at its first and a deep page, and prints the statements' query plans.
Run with ``python -m bench.catalog_pages``; BENCH_REUSE=<sqlite file> times a kept database.
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

COUNTIES = 50
DEPARTMENTS = 30
TOWNSHIPS = 10
VILLAGES = 6
ITEMS = 30


def fill(rng: random.Random) -> int:
    """The province's units and catalogs; returns the number of catalog items made."""
    from gongkai.catalog.models import Catalog, CatalogItem, CatalogStatus, Domain
    from gongkai.demo.services import all_domain_specs
    from gongkai.orgs.models import Unit, UnitKind

    if not Domain.objects.exists():
        Domain.objects.bulk_create(
            Domain(code=spec["code"], name=spec["name"], kind=kind, sort_order=order)
            for order, (spec, kind) in enumerate(all_domain_specs(), start=1)
        )
    province = Unit.objects.create(code="PROV", name="某省人民政府", kind=UnitKind.COUNTY)
    counties = Unit.objects.bulk_create(
        Unit(code=f"C{c:02d}", name=f"第{c:02d}县人民政府", kind=UnitKind.COUNTY, parent=province,
             sort_order=c)
        for c in range(COUNTIES)
    )  # fmt: skip
    below: list[Unit] = []
    townships: list[Unit] = []
    for c, county in enumerate(counties):
        for d in range(DEPARTMENTS):
            below.append(Unit(code=f"C{c:02d}D{d:02d}", name=f"第{c:02d}县第{d:02d}局",
                              kind=UnitKind.DEPARTMENT, parent=county, sort_order=d))  # fmt: skip
        for t in range(TOWNSHIPS):
            townships.append(Unit(code=f"C{c:02d}T{t:02d}", name=f"第{c:02d}县第{t:02d}镇",
                                  kind=UnitKind.TOWNSHIP, parent=county, sort_order=100 + t))  # fmt: skip
    Unit.objects.bulk_create(below)
    townships = Unit.objects.bulk_create(townships)
    Unit.objects.bulk_create(
        Unit(code=f"{town.code}V{v}", name=f"{town.name}第{v}村", kind=UnitKind.VILLAGE,
             parent=town, sort_order=v)
        for town in townships
        for v in range(VILLAGES)
    )  # fmt: skip
    domains = list(Domain.objects.values_list("pk", flat=True))
    made = []
    for unit_id in Unit.objects.values_list("pk", flat=True):
        made.append(Catalog(unit_id=unit_id, version=2024, status=CatalogStatus.APPROVED))
        if rng.random() < 0.1:
            made.append(Catalog(unit_id=unit_id, version=2023, status=CatalogStatus.REPORTED))
        if rng.random() < 0.02:
            made.append(Catalog(unit_id=unit_id, version=2025, status=CatalogStatus.DRAFT))
    catalogs = Catalog.objects.bulk_create(made, batch_size=5000)
    items = [
        CatalogItem(catalog=catalog, domain_id=rng.choice(domains), level1=f"事项{n // 3}",
                    level2=f"二级事项{n}", content="公开内容", basis="依据", time_limit="20个工作日",
                    subject="本单位", channels="政府网站", audience_public=True,
                    mode_proactive=True, level_county=True, sort_order=n)
        for catalog in catalogs
        for n in range(ITEMS)
    ]  # fmt: skip
    CatalogItem.objects.bulk_create(items, batch_size=5000)
    return len(items)


def measure(results: dict[str, Any]) -> None:
    from django.db import connection
    from django.test import Client

    from bench.database import write_results
    from bench.portal import time_pages, timed
    from gongkai.catalog import selectors
    from gongkai.catalog.models import Domain, DomainTally

    domain = Domain.objects.order_by("sort_order").first()
    assert domain is not None
    # A unit deep in the tree (a village when there are villages), its parent and part of its name.
    deep = selectors.public_catalogs_of_units().last()
    assert deep is not None
    unit = deep.unit
    parent = unit.parent.code if unit.parent else unit.code
    client = Client(raise_request_exception=True)
    d = domain.code
    pages = {
        "catalog_index": "/catalog/",
        "catalog_units": "/catalog/units/",
        "catalog_units_county": "/catalog/units/?level=county",
        "catalog_units_county_deep": "/catalog/units/?level=county&page=25",
        "catalog_units_village_deep": "/catalog/units/?level=village&page=50",
        "catalog_units_parent": f"/catalog/units/?parent={parent}",
        "catalog_units_name": f"/catalog/units/?name={unit.name[:4]}",
        "catalog_domain": f"/catalog/domain/{d}/",
        "catalog_domain_county_deep": f"/catalog/domain/{d}/?level=county&page=10",
        "xxgk_domain": f"/xxgk/domain/{d}/",
        "api_catalogs": "/api/catalogs/",
        "api_catalogs_deep": "/api/catalogs/?page=50&page_size=100",
        "catalog_unit": f"/catalog/unit/{unit.code}/",
        "home": "/",
        "xxgk": "/xxgk/",
    }
    # The first read after the set of public catalogs changed counts the items and stores them.
    DomainTally.objects.all().delete()
    began = time.perf_counter()
    selectors.public_domains()
    results["domain_counts_first_read_ms"] = round((time.perf_counter() - began) * 1000, 1)
    results["domain_counts_warm"] = timed(selectors.public_domains)
    print(f"domain counts: first read {results['domain_counts_first_read_ms']} ms, "
          f"then {results['domain_counts_warm']}", flush=True)  # fmt: skip
    results["pages"] = time_pages(client, pages)
    plans = {}
    scope = selectors.public_catalogs_of_units(domain=domain)
    for name, query in (
        ("public_catalogs", selectors.public_catalogs()),
        ("units_of_domain_page", scope[:50]),
        (
            "units_preview",
            selectors.public_catalogs_preview(selectors.public_catalogs_of_units(), 50),
        ),
    ):
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plans[name] = [row[-1] for row in cursor.fetchall()]
        print(f"plan {name}: {plans[name]}", flush=True)
    results["plans"] = plans
    write_results(os.environ.get("BENCH_NAME", "catalog_pages"), results)


def main() -> None:
    from django.db import connection, transaction

    from bench.database import reuse_database, throwaway_database
    from gongkai.orgs.models import Unit

    reuse = os.environ.get("BENCH_REUSE", "")
    if reuse:
        reuse_database(reuse)
        measure({"reused": reuse, "units": Unit.objects.count()})
        return
    with throwaway_database(keep=bool(os.environ.get("BENCH_KEEP"))):
        began = time.perf_counter()
        with transaction.atomic():
            items = fill(random.Random(12))  # noqa: S311 - reproducible test data
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        filled = round(time.perf_counter() - began, 1)
        units = Unit.objects.count()
        print(f"filled {units} units, {items} catalog items in {filled} s", flush=True)
        measure({"units": units, "catalog_items": items, "fill_s": filled})


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
