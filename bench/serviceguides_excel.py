"""How long a unit's service guides take to import from and export to the offices' Excel layout
(gongkai.serviceguides.excel), at a department's size and at the file limit (excel.MAX_ROWS).

On a throw-away database: an import of new guides (each a draft with four materials and two
questions, an audit entry each), the same file again (every guide matched and found unchanged),
and the export of what was imported. Writes results/serviceguides_excel.json. Run with
``python -m bench.serviceguides_excel``.
"""

from __future__ import annotations

import io
import os
import time
from typing import Any

from django.test.utils import override_settings

from bench.database import throwaway_database, write_results

SIZES = (100, 2000)


def _workbook(count: int, unit: str) -> bytes:
    from openpyxl import Workbook

    from gongkai.serviceguides import excel

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("办事指南")
    sheet.append(["县民政局政务服务事项办事指南"])
    sheet.append([header for _name, header, _width in excel.COLUMNS])
    for n in range(count):
        sheet.append(
            [
                n + 1,
                f"最低生活保障审核确认{n}",
                f"MZ-{n:05d}",
                "行政给付",
                unit,
                None,
                "其他、养老",
                "《社会救助暂行办法》第九条至第十三条\n《最低生活保障审核确认办法》",
                "共同生活的家庭成员人均月收入低于本县城乡最低生活保障标准的家庭。" * 2,
                "1. 最低生活保障申请书（原件，1份）\n2. 居民身份证（原件和复印件，1份）\n"
                "3. 户口簿（原件和复印件，1份）\n4. 残疾证（复印件，1份，非必需）",
                "1. 申请\n2. 受理\n3. 调查\n4. 审核公示\n5. 确认",
                30,
                20,
                "县政务服务中心2楼社会救助窗口",
                "工作日上午8:00—12:00，下午14:30—17:30",
                "不收费",
                "0797-5703116",
                "0797-5702345、12345",
                "https://www.jxzwfww.gov.cn/",
                "问：能否代办？\n答：可以，持委托书办理。\n问：何时发放？\n答：每月10日前。",
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main() -> None:
    from gongkai.orgs.models import Unit, UnitKind
    from gongkai.serviceguides import excel, services
    from gongkai.serviceguides.models import ServiceItem

    results: dict[str, Any] = {}
    with override_settings(DEBUG=False), throwaway_database():
        for size in SIZES:
            unit = Unit.objects.create(
                code=f"U{size}", name=f"县民政局{size}", kind=UnitKind.DEPARTMENT
            )
            data = _workbook(size, unit.name)
            for run in ("import", "reimport"):
                began = time.perf_counter()
                summary = services.service_guides_import(actor=None, unit=unit, source=data)
                results[f"{run}_{size}_s"] = round(time.perf_counter() - began, 3)
            assert summary.unchanged == size, summary
            items = list(
                ServiceItem.objects.filter(unit=unit)
                .select_related("unit", "catalog_item__domain")
                .prefetch_related("materials", "questions", "life_events")
            )
            began = time.perf_counter()
            excel.write_service_workbook(items, title="基准")
            results[f"export_{size}_s"] = round(time.perf_counter() - began, 3)
            results[f"bytes_{size}"] = len(data)
            print(
                f"service guides {size:>5}: import {results[f'import_{size}_s']:.3f}s, "
                f"again unchanged {results[f'reimport_{size}_s']:.3f}s, "
                f"export {results[f'export_{size}_s']:.3f}s, {len(data) / 1024:.0f} KiB",
                flush=True,
            )
    write_results("serviceguides_excel", {"results": results})


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
