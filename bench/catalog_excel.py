"""How fast a catalog workbook is written and read back, at county and province sizes.

No database: the items are unsaved model instances, so this measures openpyxl and our layout code.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from pathlib import Path

from gongkai.catalog import excel
from gongkai.catalog.models import CatalogItem, Domain

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = (500, 5000)
REPEATS = 3


def _items(count: int, domains: list[Domain]) -> list[tuple[Domain, list[CatalogItem]]]:
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


def main() -> None:
    domains = [
        Domain(pk=i, code=f"d{i}", name=name)
        for i, name in enumerate(
            ["社会救助", "养老服务", "就业", "户籍管理", "义务教育", "涉农补贴"], start=1
        )
    ]
    results = []
    for size in SIZES:
        sections = _items(size, domains)
        data = excel.write_catalog_workbook(sections, title_prefix="基准")
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
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "catalog_excel.json").write_text(
        json.dumps(
            {
                "machine": platform.platform(),
                "python": platform.python_version(),
                "results": results,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
