"""Every change to domains, guidelines and catalogs goes through these functions.

Each one checks permission (``gongkai.orgs.permissions``) and the allowed transition
(``Catalog.ALLOWED``), validates, saves, records the catalog's history and the audit log, all in one
transaction. Views, management commands and imports call the same functions.

``actor=None`` means the server's own command line (``gongkai catalog import``): an operator with
shell access is trusted like the database itself, and is recorded as such.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import Max

from gongkai.catalog import excel
from gongkai.catalog.models import (
    EDITABLE_STATUSES,
    ELEMENT_FIELDS,
    TICK_FIELDS,
    Catalog,
    CatalogAction,
    CatalogEvent,
    CatalogItem,
    CatalogStatus,
    Domain,
    GuidelineItem,
)
from gongkai.core import bulk, clock
from gongkai.core.audit import audit
from gongkai.core.errors import InvalidTransition, ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import COUNTY_LEVEL_KINDS, TOWNSHIP_LEVEL_KINDS, Unit, UnitKind, User

Actor = User | None

MIN_VERSION = 2000
MAX_VERSION = 2100


def _allowed(actor: Actor, allowed: bool, message: str) -> None:
    if actor is not None:
        permissions.require(allowed, message)


def clean_elements(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise element values: text stripped with line breaks kept as \\n, ticks as bools.

    Raises ValidationFailed for an unknown element or a text too long for its column.
    """
    unknown = set(raw) - set(ELEMENT_FIELDS)
    if unknown:
        raise ValidationFailed(
            "事项包含无法识别的要素。", log=f"unknown element fields: {sorted(unknown)}"
        )
    cleaned: dict[str, Any] = {}
    for name, value in raw.items():
        if name in TICK_FIELDS:
            cleaned[name] = bool(value)
            continue
        text = "" if value is None else str(value)
        text = "\n".join(line.strip() for line in text.replace("\r\n", "\n").split("\n"))
        text = text.strip()
        limit = excel.TEXT_LIMITS.get(name)
        if limit is not None and len(text) > limit:
            label = excel.FIELD_LABELS.get(name, name)
            raise ValidationFailed(f"“{label}”不能超过{limit}个字。", log=f"{name} too long")
        cleaned[name] = text
    return cleaned


def _check_version(version: int) -> None:
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise ValidationFailed(
            f"目录版本应为{MIN_VERSION}至{MAX_VERSION}之间的年份，收到“{version}”。",
            log=f"catalog version out of range: {version}",
        )


def _event(catalog: Catalog, action: str, actor: Actor, comment: str = "") -> CatalogEvent:
    return CatalogEvent.objects.create(
        catalog=catalog, action=action, actor=actor, status_after=catalog.status, comment=comment
    )


def _require_editable(catalog: Catalog) -> None:
    if catalog.status not in EDITABLE_STATUSES:
        raise InvalidTransition(
            f"目录当前状态为“{catalog.get_status_display()}”，不能修改；"
            "草稿或已退回的目录才能修改，如需调整请新建下一年度版本。",
            log=f"catalog {catalog.pk} not editable in status {catalog.status}",
        )


def _move(catalog: Catalog, status: str) -> None:
    if not catalog.can_move_to(status):
        raise InvalidTransition(
            f"目录当前状态为“{catalog.get_status_display()}”，不能执行“"
            f"{CatalogStatus(status).label}”。",
            log=f"catalog {catalog.pk}: {catalog.status} -> {status} not allowed",
        )
    catalog.status = status


def _lock(catalog: Catalog) -> Catalog:
    """Re-read the catalog inside the transaction so two reviewers cannot both act on it."""
    return Catalog.objects.select_for_update().select_related("unit").get(pk=catalog.pk)


def _level_filter_for(unit: Unit) -> str:
    if unit.kind == UnitKind.VILLAGE:
        return "level_village"
    if unit.kind in TOWNSHIP_LEVEL_KINDS:
        return "level_township"
    return "level_county"


def _template_items_for(unit: Unit) -> list[GuidelineItem]:
    """Guideline items a new catalog of this unit starts from.

    County-level units take the county-level items of the domains they lead; townships take
    every township-level item; villages every village-level item.
    """
    level = _level_filter_for(unit)
    items = GuidelineItem.objects.filter(**{level: True}).select_related("domain")
    if unit.kind in COUNTY_LEVEL_KINDS or unit.kind == UnitKind.ENTERPRISE:
        items = items.filter(domain__lead_units=unit)
    return list(items.order_by("domain__sort_order", "sort_order", "pk"))


@transaction.atomic
def catalog_create(
    *,
    actor: Actor,
    unit: Unit,
    version: int,
    from_templates: bool = True,
    copy_previous: bool = True,
) -> Catalog:
    """Start a unit's catalog for a version (year).

    It starts from the unit's latest earlier version when there is one (items keep their
    lineage), otherwise from the guideline templates that apply to the unit.
    """
    _allowed(
        actor,
        permissions.can_edit_catalog_of(actor, unit),
        "只有本单位的信息员可以新建本单位的目录。",
    )
    _check_version(version)
    if Catalog.objects.filter(unit=unit, version=version).exists():
        raise ValidationFailed(
            f"{unit.name}已有{version}年版目录，请直接打开修改。",
            log=f"catalog exists: {unit.code} {version}",
        )
    catalog = Catalog.objects.create(unit=unit, version=version)
    previous = (
        Catalog.objects.filter(unit=unit, version__lt=version).order_by("-version").first()
        if copy_previous
        else None
    )
    source = "空白目录"
    if previous is not None:
        rows = [
            CatalogItem(
                catalog=catalog,
                domain_id=item.domain_id,
                guideline_id=item.guideline_id,
                lineage=item.lineage,
                **item.elements(),
                sort_order=item.sort_order,
            )
            for item in previous.items.all()
        ]
        CatalogItem.objects.bulk_create(rows)
        source = f"沿用{previous.version}年版目录（{len(rows)}项）"
    elif from_templates:
        templates = _template_items_for(unit)
        rows = [
            CatalogItem(
                catalog=catalog,
                domain_id=t.domain_id,
                guideline=t,
                **t.elements(),
                sort_order=index,
            )
            for index, t in enumerate(templates, start=1)
        ]
        CatalogItem.objects.bulk_create(rows)
        source = f"依据标准指引生成（{len(rows)}项）"
    _event(catalog, CatalogAction.CREATED, actor, source)
    audit(
        actor=actor,
        action="catalog.create",
        target=catalog,
        unit_code=unit.code,
        summary=f"{catalog}：{source}",
    )
    return catalog


def _next_sort_order(catalog: Catalog, domain: Domain) -> int:
    current = catalog.items.filter(domain=domain).aggregate(m=Max("sort_order"))["m"]
    return (current or 0) + 1


@transaction.atomic
def catalog_item_add(
    *, actor: Actor, catalog: Catalog, domain: Domain, elements: Mapping[str, Any]
) -> CatalogItem:
    """Add an item of the unit's own to a draft or returned catalog."""
    catalog = _lock(catalog)
    _allowed(
        actor,
        permissions.can_edit_catalog_of(actor, catalog.unit),
        "只能修改本单位的目录。",
    )
    _require_editable(catalog)
    values = clean_elements(elements)
    if not values.get("level1"):
        raise ValidationFailed("请填写一级事项。", log="level1 empty")
    item = CatalogItem.objects.create(
        catalog=catalog, domain=domain, sort_order=_next_sort_order(catalog, domain), **values
    )
    _event(catalog, CatalogAction.ITEM_ADDED, actor, f"{domain.name}：{item}")
    audit(
        actor=actor,
        action="catalog.item_add",
        target=item,
        unit_code=catalog.unit.code,
        summary=f"{catalog}：新增 {domain.name}/{item}",
    )
    return item


@transaction.atomic
def catalog_item_update(
    *,
    actor: Actor,
    item: CatalogItem,
    elements: Mapping[str, Any],
    domain: Domain | None = None,
) -> CatalogItem:
    """Change an item's elements (and optionally its domain) in a draft or returned catalog."""
    catalog = _lock(item.catalog)
    _allowed(
        actor,
        permissions.can_edit_catalog_of(actor, catalog.unit),
        "只能修改本单位的目录。",
    )
    _require_editable(catalog)
    values = clean_elements(elements)
    if "level1" in values and not values["level1"]:
        raise ValidationFailed("请填写一级事项。", log="level1 empty")
    before = item.elements()
    for name, value in values.items():
        setattr(item, name, value)
    if domain is not None and domain.pk != item.domain_id:
        item.domain = domain
        item.sort_order = _next_sort_order(catalog, domain)
    item.save()
    changed = sorted(k for k, v in values.items() if before.get(k) != v)
    _event(catalog, CatalogAction.ITEM_CHANGED, actor, f"{item}：{'、'.join(changed) or '无变化'}")
    audit(
        actor=actor,
        action="catalog.item_update",
        target=item,
        unit_code=catalog.unit.code,
        summary=f"{catalog}：修改 {item}",
        data={"changed": changed},
    )
    return item


@transaction.atomic
def catalog_item_delete(*, actor: Actor, item: CatalogItem) -> None:
    """Remove an item from a draft or returned catalog (approved versions are never changed)."""
    catalog = _lock(item.catalog)
    _allowed(
        actor,
        permissions.can_edit_catalog_of(actor, catalog.unit),
        "只能修改本单位的目录。",
    )
    _require_editable(catalog)
    label = f"{item.domain.name}：{item}"
    audit(
        actor=actor,
        action="catalog.item_delete",
        target=item,
        unit_code=catalog.unit.code,
        summary=f"{catalog}：删除 {label}",
        data=item.elements(),
    )
    item.delete()
    _event(catalog, CatalogAction.ITEM_DELETED, actor, label)


def catalog_problems(catalog: Catalog) -> list[str]:
    """Why the catalog cannot be approved yet, one Chinese sentence per problem."""
    items = list(catalog.items.select_related("domain"))
    if not items:
        return ["目录中还没有任何事项。"]
    problems = []
    for number, item in enumerate(items, start=1):
        missing = item.missing_elements()
        if missing:
            problems.append(
                f"第{number}项（{item.domain.name}／{item.level1 or '未命名'}"
                f"{'／' + item.level2 if item.level2 else ''}）缺少：{'、'.join(missing)}"
            )
    return problems


def _require_complete(catalog: Catalog) -> None:
    problems = catalog_problems(catalog)
    if problems:
        raise ValidationFailed(
            "目录还不完整：每个事项的文字要素都要填写，公开对象、公开方式、公开层级各至少勾选一项。",
            log=f"catalog {catalog.pk} incomplete: {len(problems)} problems",
            problems=problems,
        )


def _transition(
    *,
    actor: Actor,
    catalog: Catalog,
    to: CatalogStatus,
    allowed: Callable[[Any, Catalog], bool],
    denied: str,
    action: CatalogAction,
    comment: str = "",
    stamp: str = "",
    complete: bool = False,
    sign_off: bool = False,
) -> Catalog:
    """Move a catalog one step along ``Catalog.ALLOWED``: the shared body of every workflow step.

    Locks the row, checks the actor, (``sign_off``) that the actor wrote none of the catalog,
    the transition and (``complete``) that every item is complete, stamps the time field named
    by ``stamp``, and records the event and the audit entry.
    """
    catalog = _lock(catalog)
    _allowed(actor, allowed(actor, catalog), denied)
    if sign_off and actor is not None:
        permissions.require_not_writer(
            actor, writer_ids(catalog), permissions.SELF_REVIEW_CATALOG_MESSAGE
        )
    _move(catalog, to)
    if complete:
        _require_complete(catalog)
    if stamp:
        setattr(catalog, stamp, clock.now())
    catalog.save()
    _event(catalog, action, actor, comment.strip())
    audit(
        actor=actor,
        action=f"catalog.{action}",
        target=catalog,
        unit_code=catalog.unit.code,
        summary=f"{catalog} {action.label}",
        data={"comment": comment.strip()} if comment.strip() else None,
    )
    return catalog


# The events that change what the catalog says: their actors count as its writers.
CONTENT_ACTIONS = (
    CatalogAction.CREATED,
    CatalogAction.IMPORTED,
    CatalogAction.ITEM_ADDED,
    CatalogAction.ITEM_CHANGED,
    CatalogAction.ITEM_DELETED,
)


def writer_ids(catalog: Catalog) -> set[int | None]:
    """Who wrote the catalog: whoever created or imported it and everyone who added, changed or
    deleted an item (separation of duties, permissions.may_sign_off)."""
    return set(catalog.events.filter(action__in=CONTENT_ACTIONS).values_list("actor_id", flat=True))


def _office(actor: Any, catalog: Catalog) -> bool:
    return permissions.can_review_catalogs(actor)


@transaction.atomic
def catalog_submit(*, actor: Actor, catalog: Catalog, comment: str = "") -> Catalog:
    """Send a complete draft (or a corrected returned catalog) to the county office."""
    return _transition(
        actor=actor,
        catalog=catalog,
        to=CatalogStatus.SUBMITTED,
        allowed=lambda user, c: permissions.can_submit_catalog_of(user, c.unit),
        denied="只有本单位的信息员或审核人可以报送本单位的目录。",
        action=CatalogAction.SUBMITTED,
        comment=comment,
        stamp="submitted_at",
        complete=True,
    )


@transaction.atomic
def catalog_return(*, actor: Actor, catalog: Catalog, comment: str) -> Catalog:
    """Return a submitted catalog to its unit with the office's comments (required)."""
    if not comment.strip():
        raise ValidationFailed("退回时请填写修改意见。", log="return without comment")
    return _transition(
        actor=actor,
        catalog=catalog,
        to=CatalogStatus.RETURNED,
        allowed=_office,
        denied="只有县政务公开办可以审核目录。",
        action=CatalogAction.RETURNED,
        comment=comment,
    )


@transaction.atomic
def catalog_approve(*, actor: Actor, catalog: Catalog, comment: str = "") -> Catalog:
    """Approve a submitted catalog; it becomes the unit's public catalog."""
    return _transition(
        actor=actor,
        catalog=catalog,
        to=CatalogStatus.APPROVED,
        allowed=_office,
        denied="只有县政务公开办可以审核目录。",
        action=CatalogAction.APPROVED,
        comment=comment,
        stamp="approved_at",
        complete=True,
        sign_off=True,
    )


@transaction.atomic
def catalog_report(*, actor: Actor, catalog: Catalog, comment: str = "") -> Catalog:
    """Record that the office reported an approved catalog to the city (seed 004 task 3)."""
    return _transition(
        actor=actor,
        catalog=catalog,
        to=CatalogStatus.REPORTED,
        allowed=_office,
        denied="只有县政务公开办可以向市级报送目录。",
        action=CatalogAction.REPORTED,
        comment=comment,
        stamp="reported_at",
    )


@dataclass
class ImportSummary:
    """What an import did, printed as JSON by the CLI and shown by the web page."""

    unit: str
    version: int
    catalog: int
    status: str
    created_catalog: bool
    items: int
    replaced: int
    sheets: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "unit": self.unit,
            "version": self.version,
            "catalog": self.catalog,
            "status": self.status,
            "created_catalog": self.created_catalog,
            "replaced": self.replaced,
            "sheets": self.sheets,
        }


def _key(values: Mapping[str, Any]) -> tuple[str, str]:
    return (str(values.get("level1", "")).strip(), str(values.get("level2", "")).strip())


def catalog_import(
    *,
    actor: Actor,
    unit: Unit,
    version: int,
    source: bytes | str | Path | IO[bytes],
    filename: str = "",
) -> ImportSummary:
    """Import a workbook in the national layout into the unit's catalog of ``version``.

    All or nothing: any problem in any sheet rejects the whole file (excel.WorkbookRejected,
    naming sheet, row and column) and changes nothing. Each domain found in the workbook replaces
    that domain's items in the catalog; other domains are kept. Items whose 一级事项/二级事项 match
    an existing item keep its lineage. The catalog is created when missing. The workbook is read
    before the write transaction opens, so a large file never holds the database's write lock
    (SQLite IMMEDIATE transactions; issue 12).
    """
    _allowed(
        actor,
        permissions.can_edit_catalog_of(actor, unit),
        "只能向本单位的目录导入事项。",
    )
    _check_version(version)
    sheets = excel.read_catalog_workbook(source, domains=list(Domain.objects.all()))
    return _catalog_import_write(
        actor=actor, unit=unit, version=version, sheets=sheets, filename=filename
    )


@transaction.atomic
def _catalog_import_write(
    *,
    actor: Actor,
    unit: Unit,
    version: int,
    sheets: list[excel.ParsedSheet],
    filename: str,
) -> ImportSummary:
    """Write the read sheets of catalog_import, briefly, under one transaction."""
    catalog, created = Catalog.objects.get_or_create(unit=unit, version=version)
    catalog = _lock(catalog)
    _require_editable(catalog)
    replaced = 0
    summary_sheets: list[dict[str, Any]] = []
    total = 0
    by_domain: dict[int, list[excel.ParsedItem]] = {}
    names: dict[int, list[str]] = {}
    for sheet in sheets:
        by_domain.setdefault(sheet.domain.pk, []).extend(sheet.items)
        names.setdefault(sheet.domain.pk, []).append(sheet.name)
        summary_sheets.append(
            {
                "sheet": sheet.name,
                "domain": sheet.domain.name,
                "items": len(sheet.items),
                "ignored_columns": sheet.ignored_columns,
            }
        )
    for domain_id, parsed in by_domain.items():
        existing = catalog.items.filter(domain_id=domain_id).values_list(
            "level1", "level2", "lineage", "guideline_id"
        )
        lineages, guidelines = {}, {}
        for level1, level2, lineage, guideline_id in existing:
            key = _key({"level1": level1, "level2": level2})
            lineages[key] = lineage
            guidelines[key] = guideline_id
            replaced += 1
        catalog.items.filter(domain_id=domain_id).delete()
        rows = []
        for order, parsed_item in enumerate(parsed, start=1):
            values = clean_elements(parsed_item.elements)
            key = _key(values)
            row = CatalogItem(
                catalog=catalog,
                domain_id=domain_id,
                guideline_id=guidelines.get(key),
                sort_order=order,
                **values,
            )
            if key in lineages:
                row.lineage = lineages.pop(key)
            rows.append(row)
        # Without primary keys back (nothing here needs them): half bulk_create's time.
        bulk.insert(rows)
        total += len(rows)
    label = filename or "Excel文件"
    comment = f"导入{label}：{total}项（替换原有{replaced}项）"
    if created:
        _event(catalog, CatalogAction.CREATED, actor, "由Excel导入新建")
    _event(catalog, CatalogAction.IMPORTED, actor, comment)
    audit(
        actor=actor,
        action="catalog.import",
        target=catalog,
        unit_code=unit.code,
        summary=f"{catalog}：{comment}",
        data={"file": filename, "sheets": summary_sheets, "via": "cli" if actor is None else "web"},
    )
    return ImportSummary(
        unit=unit.code,
        version=version,
        catalog=catalog.pk,
        status=catalog.status,
        created_catalog=created,
        items=total,
        replaced=replaced,
        sheets=summary_sheets,
    )


def guideline_import(
    *, actor: Actor, source: bytes | str | Path | IO[bytes], filename: str = ""
) -> dict[str, Any]:
    """Load standard guideline items from a workbook in the national layout (office only).

    Each domain in the workbook has its guideline items replaced; units' catalogs are unchanged.
    The workbook is read before the write transaction opens (as in catalog_import).
    """
    _allowed(actor, permissions.can_manage_guidelines(actor), "只有县政务公开办可以维护标准指引。")
    sheets = excel.read_catalog_workbook(source, domains=list(Domain.objects.all()))
    return _guideline_import_write(actor=actor, sheets=sheets, filename=filename)


@transaction.atomic
def _guideline_import_write(
    *, actor: Actor, sheets: list[excel.ParsedSheet], filename: str
) -> dict[str, Any]:
    """Replace the guideline items of the read sheets' domains, under one transaction."""
    total = 0
    per_domain: dict[int, list[excel.ParsedItem]] = {}
    for sheet in sheets:
        per_domain.setdefault(sheet.domain.pk, []).extend(sheet.items)
    for domain_id, parsed in per_domain.items():
        GuidelineItem.objects.filter(domain_id=domain_id).delete()
        GuidelineItem.objects.bulk_create(
            GuidelineItem(domain_id=domain_id, sort_order=i, **clean_elements(p.elements))
            for i, p in enumerate(parsed, start=1)
        )
        total += len(parsed)
    result = {
        "items": total,
        "sheets": [
            {"sheet": s.name, "domain": s.domain.name, "items": len(s.items)} for s in sheets
        ],
    }
    if sheets:
        audit(
            actor=actor,
            action="guideline.import",
            target=sheets[0].domain,
            summary=f"导入标准指引{filename}：{total}项",
            data=result,
        )
    return result


@transaction.atomic
def domain_set_lead_units(*, actor: Actor, domain: Domain, units: Iterable[Unit]) -> Domain:
    """Name the departments that lead a domain (seed 004 annex 2)."""
    _allowed(actor, permissions.can_manage_guidelines(actor), "只有县政务公开办可以维护公开领域。")
    domain.lead_units.set(list(units))
    audit(
        actor=actor,
        action="domain.set_lead_units",
        target=domain,
        summary=f"{domain.name} 业务主管部门调整",
    )
    return domain
