"""How fast a catalog workbook is written, read back and imported, at county and province sizes.

First without a database: the items are unsaved model instances, so this measures openpyxl and our
layout code. Then the whole import as a unit's staff or the command line runs it
(services.catalog_import: read, check, replace the domains' items, events and audit) into a
throw-away test database, once into an empty catalog and once again over the items it created
(each existing item is matched to keep its lineage). Issue 10 asks for 5,000 rows in under 5 s.
The workbooks are our own export's (openpyxl's inline strings: slower to read than a workbook
saved by Excel or WPS). Writes results/catalog_excel.json and results/catalog_import.json. Run
with ``python -m bench.catalog_excel``.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from django.test.utils import override_settings

from bench.database import throwaway_database, write_results

SIZES = (500, 5000)
REPEATS = 3
TARGET_S = 5.0
DOMAINS = ["社会救助", "养老服务", "就业", "户籍管理", "义务教育", "涉农补贴"]


def _items(count: int, domains: list[Any]) -> list[tuple[Any, list[Any]]]:
    from gongkai.catalog.models import CatalogItem

    per: dict[int, list[CatalogItem]] = {d.pk: [] for d in domains}
    for n in range(count):
        domain = domains[n % len(domains)]
        per[domain.pk].append(
            CatalogItem(
                domain=domain,
                level1=f"一级事项{n // 6}",
                level2=f"二级事项{n}",
                content="办理事项、办理条件、申请材料、办理流程、办理时间、地点、联系方式\n" * 2,
                basis="《中华人民共和国政府信息公开条例》\n《社会救助暂行办法》",
                time_limit="信息形成或者变更之日起20个工作日内",
                subject="县民政局",
                channels="■政府网站 □政府公报 ■两微一端\n■便民服务站",
                audience_public=True,
                mode_proactive=True,
                level_county=True,
                level_township=n % 2 == 0,
            )
        )
    return [(d, per[d.pk]) for d in domains]


def _time(fn: object) -> float:
    runs = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _import(sizes: dict[int, bytes]) -> dict[str, float]:
    """Import each workbook into a unit's catalog on a throw-away database, into an empty catalog
    and again over the same items: wall and CPU seconds of each, by size."""
    from gongkai.catalog import services
    from gongkai.catalog.models import Domain
    from gongkai.orgs.models import Unit, UnitKind

    timed: dict[str, float] = {}
    with override_settings(DEBUG=False), throwaway_database():
        for n, name in enumerate(DOMAINS, start=1):
            Domain.objects.create(code=f"d{n}", name=name, sort_order=n)
        for size, data in sizes.items():
            unit = Unit.objects.create(
                code=f"U{size}", name=f"县民政局{size}", kind=UnitKind.DEPARTMENT
            )
            for run in ("import", "reimport"):
                began, cpu = time.perf_counter(), time.process_time()
                summary = services.catalog_import(
                    actor=None, unit=unit, version=2024, source=data, filename="目录.xlsx"
                )
                timed[f"{run}_{size}_s"] = round(time.perf_counter() - began, 3)
                timed[f"{run}_{size}_cpu_s"] = round(time.process_time() - cpu, 3)
                assert summary.items == size, summary
            print(
                f"catalog import {size:>6} items: {timed[f'import_{size}_s']:.3f}s into an empty "
                f"catalog ({timed[f'import_{size}_cpu_s']:.3f}s CPU), "
                f"{timed[f'reimport_{size}_s']:.3f}s over the same items "
                f"(target < {TARGET_S:.0f}s)",
                flush=True,
            )
    return timed


def main() -> None:
    from gongkai.catalog import excel
    from gongkai.catalog.models import Domain

    domains = [Domain(pk=i, code=f"d{i}", name=name) for i, name in enumerate(DOMAINS, start=1)]
    results = []
    workbooks = {}
    for size in SIZES:
        sections = _items(size, domains)
        data = excel.write_catalog_workbook(sections, title_prefix="基准")
        workbooks[size] = data
        write_s = _time(lambda s=sections: excel.write_catalog_workbook(s, title_prefix="基准"))
        read_s = _time(lambda d=data: excel.read_catalog_workbook(d, domains=domains))
        results.append(
            {
                "items": size,
                "bytes": len(data),
                "write_s": round(write_s, 3),
                "read_s": round(read_s, 3),
            }
        )
        print(
            f"catalog excel {size:>6} items: write {write_s:.3f}s, read {read_s:.3f}s, "
            f"{len(data) / 1024:.0f} KiB"
        )
    write_results("catalog_excel", {"results": results})
    imports = _import(workbooks)
    write_results("catalog_import", {"results": imports, "target_s": TARGET_S})


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
