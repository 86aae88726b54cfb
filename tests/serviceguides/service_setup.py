"""What helper A's service guide tests share: a unit's catalog item, a complete guide's values,
and a complete guide made through the services (so the audit log knows its writer)."""

from __future__ import annotations

from typing import Any

from gongkai.catalog.models import CatalogItem, Domain
from gongkai.orgs.models import Unit, User
from gongkai.serviceguides import services
from gongkai.serviceguides.models import LifeEvent, ServiceItem
from tests.factories import CatalogFactory, CatalogItemFactory

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


def life_events() -> dict[str, LifeEvent]:
    """The seeded life events by code (seeded again after a flush removed the migration's)."""
    found = {}
    for order, (code, name) in enumerate(LIFE_EVENTS, start=1):
        found[code], _made = LifeEvent.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order * 10}
        )
    return found


def catalog_item(unit: Unit, domain: Domain, level1: str = "最低生活保障") -> CatalogItem:
    """An item of the unit's catalog (created with the catalog when missing)."""
    catalog = unit.catalogs.order_by("-version").first() or CatalogFactory(unit=unit)
    item: CatalogItem = CatalogItemFactory(
        catalog=catalog, domain=domain, level1=level1, level2="办事指南"
    )
    return item


def complete_values(item: CatalogItem | None, **changes: Any) -> dict[str, Any]:
    """Every standard element filled, as service_item_create takes them."""
    values: dict[str, Any] = {
        "name": "最低生活保障审核确认",
        "code": "MZ-001",
        "kind": "benefit",
        "basis": "《社会救助暂行办法》第九条",
        "conditions": "共同生活的家庭成员人均收入低于当地最低生活保障标准。",
        "process": "1. 申请\n2. 审核\n3. 确认",
        "legal_days": 30,
        "promised_days": 20,
        "time_limit_note": "",
        "place": "县政务服务中心2楼",
        "hours": "工作日上午8:00—12:00，下午14:30—17:30",
        "fee": "不收费",
        "consult_phone": "0797-5703116",
        "supervise_phone": "12345",
        "online_url": "https://www.jxzwfww.gov.cn/",
        "catalog_item": item,
    }
    values.update(changes)
    return values


def complete_guide(
    editor: User, unit: Unit, item: CatalogItem | None, *, questions: bool = True, **changes: Any
) -> ServiceItem:
    """A complete draft written by ``editor`` through the services."""
    guide = services.service_item_create(
        actor=editor,
        unit=unit,
        values=complete_values(item, **changes),
        life_events=[life_events()["other"]],
    )
    services.material_add(
        actor=editor,
        service=guide,
        values={"name": "居民身份证", "form": "both", "copies": 1, "required": True},
    )
    if questions:
        services.question_add(
            actor=editor, service=guide, question="能否代办？", answer="可以，持委托书办理。"
        )
    guide.refresh_from_db()
    return guide
