"""How long the county-wide 办事一本通 takes to build, and how much memory it needs.

A county publishes a few hundred to two thousand service guides (县直部门 and 乡镇 together).
This fills a throw-away test database with ``BENCH_GUIDES`` published guides (default 2,000)
across 33 departments and 11 townships, each with four materials, two questions and one or two
life events, then times gongkai.serviceguides.handbook: the fingerprint a request checks the
cache with, compiling the guides, writing the Word file (by unit and by life event), a cache
hit, and the web version's HTML; and measures the peak Python memory of one build
(tracemalloc) and the process's peak resident size. ``BENCH_HANDBOOK_OUTPUT=FILE.docx`` keeps the
county's Word file for a look. Run with ``python -m bench.handbook``.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from django.db import transaction

from bench.database import median_ms, throwaway_database, write_results

SIZE = int(os.environ.get("BENCH_GUIDES", "2000"))
DEPARTMENTS, TOWNSHIPS = 33, 11
EVENTS = ["birth", "school", "employment", "business", "elderly", "medical", "tax", "other"]


def _fill(rng: random.Random) -> None:
    from django.utils import timezone

    from gongkai.orgs.models import Unit, UnitKind
    from gongkai.serviceguides.models import (
        LifeEvent,
        Material,
        MaterialForm,
        MaterialSource,
        Question,
        ServiceItem,
        ServiceKind,
        ServiceStatus,
    )

    county = Unit.objects.create(code="SCX", name="石城县人民政府", kind=UnitKind.COUNTY)
    units = [
        Unit.objects.create(
            code=f"D{n:02d}", name=f"县第{n}局", kind=UnitKind.DEPARTMENT, parent=county,
            sort_order=n,
        )
        for n in range(DEPARTMENTS)
    ] + [
        Unit.objects.create(
            code=f"T{n:02d}", name=f"第{n}镇", kind=UnitKind.TOWNSHIP, parent=county, sort_order=n
        )
        for n in range(TOWNSHIPS)
    ]  # fmt: skip
    events = {e.code: e for e in LifeEvent.objects.all()}
    now = timezone.now()
    kinds = list(ServiceKind.values)
    items = [
        ServiceItem(
            unit=units[n % len(units)],
            code=f"36073{n:06d}",
            name=f"政务服务事项第{n}项（{rng.choice(['审核确认', '登记', '许可', '补贴申领'])}）",
            kind=rng.choice(kinds),
            basis="《中华人民共和国社会救助法》第十条；《江西省最低生活保障办法》第八条。" * 2,
            conditions="1. 本县户籍居民；\n2. 家庭人均收入低于当地最低生活保障标准；\n"
            "3. 家庭财产符合规定。",
            process="申请人向户籍所在地乡镇提出申请\n乡镇受理并入户调查\n村（居）公示7天\n"
            "县民政局审核确认\n发放并公布",
            legal_days=20,
            promised_days=rng.choice([5, 10, 15]),
            place="石城县政务服务中心一楼民政窗口（琴江镇城南大道1号）",
            hours="工作日上午8:00—12:00，下午14:30—17:30（法定节假日除外）",
            fee="不收费",
            consult_phone="0797-5712345",
            supervise_phone="0797-5712300",
            status=ServiceStatus.PUBLISHED,
            version=1,
            published_at=now,
            sort_order=n,
        )
        for n in range(SIZE)
    ]
    ServiceItem.objects.bulk_create(items, batch_size=500)
    saved = list(ServiceItem.objects.order_by("pk"))
    through = ServiceItem.life_events.through
    links = []
    for item in saved:
        for code in rng.sample(EVENTS, rng.choice([1, 1, 2])):
            links.append(through(serviceitem_id=item.pk, lifeevent_id=events[code].pk))
    through.objects.bulk_create(links, batch_size=2000)
    Material.objects.bulk_create(
        [
            Material(
                service=item, name=name, source=MaterialSource.APPLICANT,
                form=MaterialForm.BOTH, copies=1, required=n < 3, note="核原件留复印件",
                sort_order=n,
            )
            for item in saved
            for n, name in enumerate(["居民身份证", "户口簿", "申请书", "收入证明"])
        ],
        batch_size=2000,
    )  # fmt: skip
    Question.objects.bulk_create(
        [
            Question(service=item, question=q, answer="可以，请携带居民身份证到窗口办理。",
                     sort_order=n)
            for item in saved
            for n, q in enumerate(["可以委托他人办理吗？", "材料不齐怎么办？"])
        ],
        batch_size=2000,
    )  # fmt: skip


def _html_ms() -> float:
    from django.test import RequestFactory

    from gongkai.serviceguides.views import public

    request = RequestFactory().get("/banshi/handbook/", {"group": "unit"})
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    began = time.perf_counter()
    response = public.handbook(request)
    assert response.status_code == 200
    took = (time.perf_counter() - began) * 1000
    print(f"  web page: {len(response.content)} bytes")
    return round(took, 1)


def _max_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    from django.conf import settings

    from gongkai.serviceguides import handbook as hb

    media = tempfile.mkdtemp(prefix="bench-handbook-")
    settings.MEDIA_ROOT = media
    try:
        with throwaway_database():
            began = time.perf_counter()
            with transaction.atomic():
                _fill(random.Random(14))  # noqa: S311 - reproducible test data
            filled = round(time.perf_counter() - began, 1)
            compiled: dict[str, Any] = {}

            def compile_all() -> None:
                compiled["h"] = hb.compile_handbook(unit=None, group=hb.GROUP_UNIT)

            results: dict[str, Any] = {"fill_s": filled}
            rss_before = _max_rss_mb()
            results["fingerprint_ms"] = median_ms(lambda: hb.fingerprint(None, hb.GROUP_UNIT))
            results["compile_ms"] = median_ms(compile_all)
            results["render_docx_unit_ms"] = median_ms(
                lambda: hb.render_docx(compiled["h"]), repeats=1
            )
            by_event = hb.compile_handbook(unit=None, group=hb.GROUP_LIFE_EVENT)
            results["render_docx_life_event_ms"] = median_ms(
                lambda: hb.render_docx(by_event), repeats=1
            )
            began = time.perf_counter()
            built = hb.handbook_docx(unit=None, group=hb.GROUP_UNIT)
            results["first_download_ms"] = round((time.perf_counter() - began) * 1000, 1)
            results["cached_download_ms"] = median_ms(
                lambda: hb.handbook_docx(unit=None, group=hb.GROUP_UNIT)
            )
            results["docx_bytes"] = built.path.stat().st_size
            results["rss_before_build_mb"] = rss_before
            keep = os.environ.get("BENCH_HANDBOOK_OUTPUT")
            if keep:
                shutil.copyfile(built.path, Path(keep))
            results["life_event_entries"] = sum(len(s.entries) for s in by_event.sections)
            # The process's peak resident size after the Word builds (lxml's tree is C memory,
            # which tracemalloc does not see), then after the web page.
            results["max_rss_after_docx_mb"] = _max_rss_mb()
            results["web_page_ms"] = _html_ms()
            results["max_rss_after_web_page_mb"] = _max_rss_mb()
            tracemalloc.start()
            hb.render_docx(hb.compile_handbook(unit=None, group=hb.GROUP_UNIT))
            results["peak_python_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
            tracemalloc.stop()
    finally:
        shutil.rmtree(media, ignore_errors=True)
    write_results("handbook", {"guides": SIZE, "units": DEPARTMENTS + TOWNSHIPS, **results})
    print("handbook:", json.dumps(results))


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
