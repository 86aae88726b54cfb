"""Published (or not) service guides for the public pages' and the handbook's tests, written
straight to the tables: what is tested here is how guides are shown, not how they are made."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile

from gongkai.core import clock
from gongkai.orgs.models import Unit
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

LIFE_EVENTS = [
    ("birth", "生育"),
    ("school", "上学"),
    ("employment", "就业"),
    ("business", "创业"),
    ("elderly", "养老"),
    ("medical", "医疗"),
    ("tax", "纳税"),
    ("other", "其他"),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def life_event(code: str) -> LifeEvent:
    """The seeded life event ``code`` (seeded again when a flush removed the migration's rows)."""
    order = next(n for n, (c, _name) in enumerate(LIFE_EVENTS, start=1) if c == code)
    event, _made = LifeEvent.objects.get_or_create(
        code=code, defaults={"name": dict(LIFE_EVENTS)[code], "sort_order": order * 10}
    )
    return event


def make_guide(
    unit: Unit,
    name: str,
    *,
    status: str = ServiceStatus.PUBLISHED,
    events: Iterable[str] = (),
    materials: int = 2,
    questions: int = 1,
    files: bool = False,
    **fields: Any,
) -> ServiceItem:
    values: dict[str, Any] = {
        "code": "",
        "kind": ServiceKind.BENEFIT,
        "basis": f"《{name}管理办法》第十条",
        "conditions": f"符合{name}条件的本县户籍居民。",
        "process": "申请人提交材料\n窗口受理审核\n作出决定并送达",
        "legal_days": 20,
        "promised_days": 10,
        "place": "县政务服务中心一楼3号窗口",
        "hours": "工作日上午8:00—12:00，下午14:30—17:30",
        "fee": "不收费",
        "consult_phone": "0797-5712345",
        "supervise_phone": "0797-5712300",
        "version": 1,
    }
    values.update(fields)
    if status == ServiceStatus.PUBLISHED:
        values.setdefault("published_at", clock.now())
    service = ServiceItem.objects.create(unit=unit, name=name, status=status, **values)
    service.life_events.set([life_event(code) for code in events])
    for n in range(1, materials + 1):
        material = Material.objects.create(
            service=service,
            name=f"{name}材料{n}",
            source=MaterialSource.APPLICANT if n % 2 else MaterialSource.GOVERNMENT,
            form=MaterialForm.ORIGINAL if n % 2 else MaterialForm.COPY,
            copies=n,
            required=n == 1,
            note="" if n == 1 else "复印件需签字",
            sort_order=n,
        )
        if files:
            material.sample.save(f"sample{n}.pdf", ContentFile(PDF), save=False)
            material.blank_form.save(f"blank{n}.pdf", ContentFile(PDF), save=False)
            material.save()
    for n in range(1, questions + 1):
        Question.objects.create(
            service=service, question=f"{name}问题{n}？", answer=f"{name}解答{n}。", sort_order=n
        )
    return service
