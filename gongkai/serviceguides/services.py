"""Every change to service items (政务服务事项), their materials and questions goes through here.

Each function checks permission (``gongkai.orgs.permissions``) and the allowed transition
(``ServiceItem.ALLOWED``), validates (``gongkai.serviceguides.validation``), saves and writes the
audit entry, in one transaction. Views, the Excel import and the demo loader call the same
functions.

The workflow: a unit's editor drafts a guide and submits it; the unit's reviewer (or the county
office) publishes it, or returns it to draft, and never one they wrote themselves (separation of
duties). Changing a published guide's content takes it back to draft until it is published again,
when ``version`` goes up by one, so a printed 一次告知 names the version it shows. Published
guides are withdrawn with a reason, never deleted.

``actor=None`` is the server's command line (``gongkai service-guides import``), trusted like the
database and recorded as such.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from gongkai.catalog.models import CatalogItem
from gongkai.core import clock
from gongkai.core.audit import audit, audit_many
from gongkai.core.errors import InvalidTransition, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, User
from gongkai.publications import files
from gongkai.serviceguides import excel, selectors, validation
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

Actor = User | None

# The guide's own fields a service may set: name → (label, max length or None for text).
ITEM_FIELDS: dict[str, tuple[str, int | None]] = {
    "code": ("事项编码", 64),
    "name": ("事项名称", 200),
    "kind": ("事项类型", None),
    "basis": ("设定依据", None),
    "conditions": ("申请条件", None),
    "process": ("办理流程", None),
    "legal_days": ("法定办结时限", None),
    "promised_days": ("承诺办结时限", None),
    "time_limit_note": ("时限说明", 200),
    "place": ("办理地点", 300),
    "hours": ("办理时间", 200),
    "fee": ("收费标准", 300),
    "consult_phone": ("咨询电话", 60),
    "supervise_phone": ("监督投诉电话", 60),
    "online_url": ("网上办理地址", 500),
    "catalog_item": ("对应公开事项", None),
}
DAY_FIELDS = ("legal_days", "promised_days")
ONLINE_URL = re.compile(r"^https?://[^\s\x00-\x1f]+$", re.IGNORECASE)
MAX_DAYS = 365
MATERIAL_FIELDS: dict[str, tuple[str, int | None]] = {
    "name": ("材料名称", 200),
    "source": ("来源", None),
    "form": ("形式", None),
    "copies": ("份数", None),
    "required": ("是否必需", None),
    "note": ("备注", 300),
}
MATERIAL_KINDS = {"docx", "xlsx", "pdf"}
# Audit actions that change what a guide says: their actors count as its writers.
CONTENT_ACTIONS = (
    "service.create",
    "service.update",
    "service.import",
    "service.material_add",
    "service.material_update",
    "service.material_remove",
    "service.question_add",
    "service.question_update",
    "service.question_remove",
)
TARGET_TYPE = "serviceguides.serviceitem"

DENIED_DRAFT = "只有本单位的信息员可以编写和修改本单位的办事指南。"
DENIED_SUBMIT = "只有本单位的信息员或审核人可以报送本单位的办事指南。"
DENIED_PUBLISH = "只有本单位的审核人或县政务公开办可以发布、退回或撤回办事指南。"


def _allowed(actor: Actor, allowed: bool, message: str) -> None:
    if actor is not None:
        permissions.require(allowed, message)


def _lock(item: ServiceItem) -> ServiceItem:
    """Re-read the guide inside the transaction so two people cannot both act on it."""
    return (
        ServiceItem.objects.select_for_update(of=("self",))
        .select_related("unit", "catalog_item__catalog__unit")
        .get(pk=item.pk)
    )


def _move(item: ServiceItem, status: str) -> None:
    if not item.can_move_to(status):
        raise InvalidTransition(
            f"办事指南当前状态为“{item.get_status_display()}”，不能改为“{ServiceStatus(status).label}”。",
            log=f"service {item.pk}: {item.status} -> {status} not allowed",
        )
    item.status = status


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    text = "\n".join(line.strip() for line in text.replace("\r\n", "\n").split("\n"))
    return text.strip()


def _days(label: str, value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            f"“{label}”应为工作日天数（整数）。", log=f"bad days {value!r}"
        ) from None
    if not 0 < days <= MAX_DAYS:
        raise ValidationFailed(
            f"“{label}”应在1至{MAX_DAYS}个工作日之间；即办件请留空并在时限说明中写“即办”。",
            log=f"days out of range {days}",
        )
    return days


def clean_item_values(unit: Unit, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise a guide's values: text stripped, days as integers, the kind and the catalog
    item checked. Raises ValidationFailed for an unknown field, a bad value or a text too long.

    Completeness is not checked here (a draft may be incomplete): see validation.check_guide.
    """
    unknown = set(raw) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationFailed(
            "办事指南包含无法识别的要素。", log=f"unknown fields {sorted(unknown)}"
        )
    cleaned: dict[str, Any] = {}
    for name, value in raw.items():
        label, limit = ITEM_FIELDS[name]
        if name in DAY_FIELDS:
            cleaned[name] = _days(label, value)
        elif name == "catalog_item":
            if value is not None and not isinstance(value, CatalogItem):
                raise ValidationFailed("对应公开事项无效。", log=f"catalog_item {value!r}")
            cleaned[name] = value
        elif name == "kind":
            if value not in ServiceKind.values:
                raise ValidationFailed(f"“{value}”不是有效的事项类型。", log=f"bad kind {value!r}")
            cleaned[name] = value
        else:
            text = _text(value)
            if limit is not None and len(text) > limit:
                raise ValidationFailed(f"“{label}”不能超过{limit}个字。", log=f"{name} too long")
            cleaned[name] = text
    if "name" in cleaned and not cleaned["name"]:
        raise ValidationFailed("请填写事项名称。", log="service name empty")
    # The public page links it: only a web address, never javascript: or data: (whatever path
    # the value came by, the form's URLField or a direct call).
    if cleaned.get("online_url") and not ONLINE_URL.match(cleaned["online_url"]):
        raise ValidationFailed(
            "“网上办理地址”应为以http://或https://开头的网址。", log="online_url not http(s)"
        )
    return cleaned


def _check_code(unit: Unit, code: str, item: ServiceItem | None) -> None:
    if not code:
        return
    clash = ServiceItem.objects.filter(unit=unit, code=code)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise ValidationFailed(
            f"{unit.name}已有事项编码为“{code}”的事项，请检查编码。", log=f"duplicate code {code}"
        )


def _check_catalog_item(item: ServiceItem) -> None:
    """Refuse a catalog item of another unit at once (an empty one is only refused at
    submission)."""
    if item.catalog_item_id is None:
        return
    problem = validation.catalog_item_problem(item)
    if problem:
        raise ValidationFailed(problem, log=f"catalog item {item.catalog_item_id} of another unit")


def _check_days(item: ServiceItem) -> None:
    """Refuse a promised time limit over the legal one at once (it is never right)."""
    legal, promised = item.legal_days, item.promised_days
    if legal is not None and promised is not None and promised > legal:
        raise ValidationFailed(
            validation.time_limit_problems(item)[-1], log="promised days over legal days"
        )


def _reopen(item: ServiceItem) -> str:
    """A content change on a guide that is not a draft takes it back to draft; returns a note."""
    if item.status == ServiceStatus.DRAFT:
        return ""
    before = item.get_status_display()
    _move(item, ServiceStatus.DRAFT)
    return f"（原为“{before}”，已回到草稿，须重新发布）"


def _part_changed(item: ServiceItem, actor: Actor, action: str, summary: str, **data: Any) -> None:
    """Record a change to a guide's materials or questions: the applicant reads them as the
    guide, so a guide that was not a draft goes back to draft, and the entry says so."""
    note = _reopen(item)
    if note:
        item.save()
    _record(item, actor, action, summary + note, **data)


def _next_order(unit: Unit) -> int:
    current = ServiceItem.objects.filter(unit=unit).aggregate(m=Max("sort_order"))["m"]
    return (current or 0) + 1


def _record(item: ServiceItem, actor: Actor, action: str, summary: str, **data: Any) -> None:
    audit(
        actor=actor,
        action=f"service.{action}",
        target=item,
        unit_code=item.unit.code,
        summary=f"{item.unit.name}《{item.name}》：{summary}",
        data=data or None,
    )


def writer_ids(item: ServiceItem) -> set[int | None]:
    """Who wrote the guide: whoever created, imported or changed it or its materials and
    questions (separation of duties, permissions.may_sign_off)."""
    return set(
        AuditEntry.objects.filter(
            target_type=TARGET_TYPE, target_id=str(item.pk), action__in=CONTENT_ACTIONS
        ).values_list("actor_id", flat=True)
    )


# ---------------------------------------------------------------------------- the guide


@transaction.atomic
def service_item_create(
    *,
    actor: Actor,
    unit: Unit,
    values: Mapping[str, Any],
    life_events: Iterable[LifeEvent] | None = None,
) -> ServiceItem:
    """Draft a new service item with its guide for a unit (incomplete drafts are fine)."""
    _allowed(actor, permissions.can_draft_service_of(actor, unit), DENIED_DRAFT)
    cleaned = clean_item_values(unit, values)
    if not cleaned.get("name"):
        raise ValidationFailed("请填写事项名称。", log="service name empty")
    _check_code(unit, cleaned.get("code", ""), None)
    item = ServiceItem(unit=unit, sort_order=_next_order(unit), **cleaned)
    _check_catalog_item(item)
    _check_days(item)
    item.save()
    if life_events is not None:
        item.life_events.set(list(life_events))
    _record(item, actor, "create", "新建办事指南")
    return item


@transaction.atomic
def service_item_update(
    *,
    actor: Actor,
    item: ServiceItem,
    values: Mapping[str, Any],
    life_events: Iterable[LifeEvent] | None = None,
) -> ServiceItem:
    """Change a guide's elements; a submitted, published or withdrawn guide goes back to draft
    when anything changes (nothing unreviewed reaches the public)."""
    item = _lock(item)
    _allowed(actor, permissions.can_draft_service_of(actor, item.unit), DENIED_DRAFT)
    cleaned = clean_item_values(item.unit, values)
    if "code" in cleaned:
        _check_code(item.unit, cleaned["code"], item)
    changed = sorted(name for name, value in cleaned.items() if getattr(item, name) != value)
    events_before = set(item.life_events.values_list("pk", flat=True))
    events_after = {event.pk for event in life_events} if life_events is not None else events_before
    if events_after != events_before:
        changed.append("life_events")
    if not changed:
        return item
    for name, value in cleaned.items():
        setattr(item, name, value)
    _check_catalog_item(item)
    _check_days(item)
    note = _reopen(item)
    item.save()
    if life_events is not None:
        item.life_events.set(list(life_events))
    labels = [ITEM_FIELDS[n][0] if n in ITEM_FIELDS else "适用情形" for n in changed]
    _record(item, actor, "update", f"修改{'、'.join(labels)}{note}", changed=changed)
    return item


def service_item_check(item: ServiceItem) -> validation.GuideCheck:
    """The guide's problems and warnings as they stand (validation.check_guide)."""
    return validation.check_guide(item)


def _require_complete(item: ServiceItem) -> None:
    result = validation.check_guide(item)
    if result.problems:
        raise ValidationFailed(
            f"办事指南《{item.name}》还不完整或有问题，请按提示修改后再报送或发布。",
            log=f"service {item.pk}: {len(result.problems)} problems",
            problems=result.problems,
        )


@transaction.atomic
def service_item_submit(*, actor: Actor, item: ServiceItem, comment: str = "") -> ServiceItem:
    """Send a complete draft to the unit's reviewer (or the office) for publication."""
    item = _lock(item)
    _allowed(actor, permissions.can_submit_service_of(actor, item.unit), DENIED_SUBMIT)
    _move(item, ServiceStatus.SUBMITTED)
    _require_complete(item)
    item.save()
    _record(item, actor, "submit", "报送审核", comment=comment.strip())
    return item


@transaction.atomic
def service_item_return(*, actor: Actor, item: ServiceItem, comment: str) -> ServiceItem:
    """Send a submitted guide back to draft with the reviewer's comments (required)."""
    if not comment.strip():
        raise ValidationFailed("退回时请填写修改意见。", log="service return without comment")
    item = _lock(item)
    _allowed(actor, permissions.can_publish_service_of(actor, item.unit), DENIED_PUBLISH)
    if item.status != ServiceStatus.SUBMITTED:
        raise InvalidTransition("只有待审核的办事指南可以退回。", log=f"return from {item.status}")
    _move(item, ServiceStatus.DRAFT)
    item.save()
    _record(item, actor, "return", f"退回修改：{comment.strip()}", comment=comment.strip())
    return item


@transaction.atomic
def service_item_publish(*, actor: Actor, item: ServiceItem) -> ServiceItem:
    """Publish a complete draft or submitted guide: version + 1, published_at now.

    The publisher must not have written any of it (permissions.may_sign_off).
    """
    item = _lock(item)
    _allowed(actor, permissions.can_publish_service_of(actor, item.unit), DENIED_PUBLISH)
    if actor is not None:
        permissions.require_not_writer(
            actor, writer_ids(item), permissions.SELF_PUBLISH_SERVICE_MESSAGE
        )
    _move(item, ServiceStatus.PUBLISHED)
    _require_complete(item)
    item.version += 1
    item.published_at = clock.now()
    item.withdrawn_at = None
    item.withdrawal_reason = ""
    item.save()
    _record(item, actor, "publish", f"发布第{item.version}版", version=item.version)
    return item


@transaction.atomic
def service_item_withdraw(*, actor: Actor, item: ServiceItem, reason: str) -> ServiceItem:
    """Withdraw a published guide from the public (kept, with the reason, never deleted)."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("撤回办事指南须填写撤回理由。", log="withdraw without reason")
    if len(reason) > 1000:
        raise ValidationFailed("撤回理由不能超过1000字。", log="withdraw reason too long")
    item = _lock(item)
    _allowed(actor, permissions.can_publish_service_of(actor, item.unit), DENIED_PUBLISH)
    _move(item, ServiceStatus.WITHDRAWN)
    item.withdrawn_at = clock.now()
    item.withdrawal_reason = reason
    item.save()
    _record(item, actor, "withdraw", f"撤回：{reason}", reason=reason)
    return item


@transaction.atomic
def service_item_delete(*, actor: Actor, item: ServiceItem) -> None:
    """Delete a draft that was never published (one made by mistake). A guide that was ever
    published is a public record: it is withdrawn with a reason, never deleted."""
    item = _lock(item)
    _allowed(actor, permissions.can_draft_service_of(actor, item.unit), DENIED_DRAFT)
    if item.version > 0 or item.status not in (ServiceStatus.DRAFT, ServiceStatus.SUBMITTED):
        raise InvalidTransition(
            "已发布过的办事指南不能删除，如不再办理请撤回并说明理由。",
            log=f"service {item.pk}: delete refused, version {item.version}",
        )
    _record(item, actor, "delete", "删除从未发布的草稿")
    item.delete()


# ---------------------------------------------------------------------------- materials


@dataclass(frozen=True)
class MaterialFile:
    """A sample or blank form checked by ``read_material_file``, ready to store."""

    name: str
    kind: str
    data: bytes


def read_material_file(name: str, data: bytes) -> MaterialFile:
    """Check an uploaded sample or blank form: .docx, .xlsx or .pdf only, by content (zip
    bombs, macros, broken XML refused: publications.files), and no personal data in its text (a
    filled-in sample must use invented data). Raises ValidationFailed with the Chinese reason.

    Slow for a big file: call it before any transaction opens.
    """
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in MATERIAL_KINDS:
        raise ValidationFailed(
            "示例样表和空白表格只能是Word（.docx）、Excel（.xlsx）或PDF文件。",
            log=f"material file refused by extension: {name}",
        )
    result = files.check_upload(name, data, max_bytes=settings.GONGKAI_MAX_UPLOAD_BYTES)
    if result.kind not in MATERIAL_KINDS:
        raise ValidationFailed(
            result.problem or "示例样表和空白表格只能是Word（.docx）、Excel（.xlsx）或PDF文件。",
            log=f"material file refused: {name}",
        )
    if result.text:
        problems, _warnings = validation.text_problems([(f"文件“{name}”", result.text)])
        if problems:
            raise ValidationFailed(
                "文件中含有个人信息或敏感词，请改用虚构的示例信息后重新上传。",
                log=f"material file {name}: {len(problems)} findings",
                problems=problems,
            )
    return MaterialFile(name=PurePath(name).name[-100:], kind=result.kind, data=data)


def _store(material: Material, which: str, upload: MaterialFile | None) -> None:
    if upload is None:
        return
    digest = hashlib.sha256(upload.data).hexdigest()[:16]
    getattr(material, which).save(f"{digest}.{upload.kind}", ContentFile(upload.data), save=False)


def clean_material_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise a material's values; raises ValidationFailed on a bad one."""
    unknown = set(raw) - set(MATERIAL_FIELDS)
    if unknown:
        raise ValidationFailed(
            "办理材料包含无法识别的项。", log=f"unknown fields {sorted(unknown)}"
        )
    cleaned: dict[str, Any] = {}
    for name, value in raw.items():
        label, limit = MATERIAL_FIELDS[name]
        if name == "source":
            if value not in MaterialSource.values:
                raise ValidationFailed(
                    f"“{value}”不是有效的材料来源。", log=f"bad source {value!r}"
                )
            cleaned[name] = value
        elif name == "form":
            if value not in MaterialForm.values:
                raise ValidationFailed(f"“{value}”不是有效的材料形式。", log=f"bad form {value!r}")
            cleaned[name] = value
        elif name == "copies":
            try:
                copies = int(value)
            except (TypeError, ValueError):
                raise ValidationFailed("份数应为整数。", log=f"bad copies {value!r}") from None
            if not 0 <= copies <= 99:
                raise ValidationFailed("份数应在0至99之间。", log=f"copies {copies}")
            cleaned[name] = copies
        elif name == "required":
            cleaned[name] = bool(value)
        else:
            text = _text(value)
            if limit is not None and len(text) > limit:
                raise ValidationFailed(f"“{label}”不能超过{limit}个字。", log=f"{name} too long")
            cleaned[name] = text
    if "name" in cleaned and not cleaned["name"]:
        raise ValidationFailed("请填写材料名称。", log="material name empty")
    return cleaned


@transaction.atomic
def material_add(
    *,
    actor: Actor,
    service: ServiceItem,
    values: Mapping[str, Any],
    sample: MaterialFile | None = None,
    blank_form: MaterialFile | None = None,
) -> Material:
    """Add a material to a guide (files checked beforehand by read_material_file)."""
    item = _lock(service)
    _allowed(actor, permissions.can_draft_service_of(actor, item.unit), DENIED_DRAFT)
    cleaned = clean_material_values(values)
    if not cleaned.get("name"):
        raise ValidationFailed("请填写材料名称。", log="material name empty")
    order = (item.materials.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    material = Material(service=item, sort_order=order, **cleaned)
    _store(material, "sample", sample)
    _store(material, "blank_form", blank_form)
    material.save()
    _part_changed(item, actor, "material_add", f"新增办理材料“{material.name}”")
    return material


@transaction.atomic
def material_update(
    *,
    actor: Actor,
    material: Material,
    values: Mapping[str, Any],
    sample: MaterialFile | None = None,
    blank_form: MaterialFile | None = None,
    clear_sample: bool = False,
    clear_blank_form: bool = False,
) -> Material:
    """Change a material and replace or remove its files (stored files are kept on disk)."""
    item = _lock(material.service)
    _allowed(actor, permissions.can_draft_service_of(actor, item.unit), DENIED_DRAFT)
    material = Material.objects.select_for_update().get(pk=material.pk)
    cleaned = clean_material_values(values)
    changed = [name for name, value in cleaned.items() if getattr(material, name) != value]
    for name, value in cleaned.items():
        setattr(material, name, value)
    for which, upload, clear in (
        ("sample", sample, clear_sample),
        ("blank_form", blank_form, clear_blank_form),
    ):
        if upload is not None:
            _store(material, which, upload)
            changed.append(which)
        elif clear and getattr(material, which):
            setattr(material, which, "")
            changed.append(which)
    if not changed:
        return material
    material.save()
    _part_changed(item, actor, "material_update", f"修改办理材料“{material.name}”", changed=changed)
    return material


@transaction.atomic
def material_remove(*, actor: Actor, material: Material) -> None:
    """Remove a material from a guide (the guide goes back to draft if it was published)."""
    item = _lock(material.service)
    _allowed(actor, permissions.can_draft_service_of(actor, item.unit), DENIED_DRAFT)
    name = material.name
    material.delete()
    _part_changed(item, actor, "material_remove", f"删除办理材料“{name}”")


# ---------------------------------------------------------------------------- questions


def _clean_question(question: str, answer: str) -> tuple[str, str]:
    question, answer = _text(question), _text(answer)
    if not question or not answer:
        raise ValidationFailed("常见问题的问题和解答都要填写。", log="question or answer empty")
    if len(question) > 300:
        raise ValidationFailed("问题不能超过300个字。", log="question too long")
    return question, answer


@transaction.atomic
def question_add(*, actor: Actor, service: ServiceItem, question: str, answer: str) -> Question:
    """Add a frequently asked question to a guide."""
    item = _lock(service)
    _allowed(actor, permissions.can_draft_service_of(actor, item.unit), DENIED_DRAFT)
    question, answer = _clean_question(question, answer)
    order = (item.questions.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    row = Question.objects.create(service=item, question=question, answer=answer, sort_order=order)
    _part_changed(item, actor, "question_add", f"新增常见问题“{question}”")
    return row


@transaction.atomic
def question_update(*, actor: Actor, question: Question, text: str, answer: str) -> Question:
    """Change a question and its answer."""
    item = _lock(question.service)
    _allowed(actor, permissions.can_draft_service_of(actor, item.unit), DENIED_DRAFT)
    text, answer = _clean_question(text, answer)
    if (question.question, question.answer) == (text, answer):
        return question
    question.question, question.answer = text, answer
    question.save()
    _part_changed(item, actor, "question_update", f"修改常见问题“{text}”")
    return question


@transaction.atomic
def question_remove(*, actor: Actor, question: Question) -> None:
    """Remove a question from a guide."""
    item = _lock(question.service)
    _allowed(actor, permissions.can_draft_service_of(actor, item.unit), DENIED_DRAFT)
    text = question.question
    question.delete()
    _part_changed(item, actor, "question_remove", f"删除常见问题“{text}”")


# ---------------------------------------------------------------------------- Excel import


@dataclass
class ImportSummary:
    """What an import did (or would do, with dry_run), printed as JSON by the CLI."""

    unit: str
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    reopened: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "reopened": self.reopened,
            "dry_run": self.dry_run,
        }


def service_guides_import(
    *,
    actor: Actor,
    unit: Unit,
    source: bytes | str | Path | IO[bytes],
    filename: str = "",
    dry_run: bool = False,
) -> ImportSummary:
    """Import a workbook of guides (gongkai.serviceguides.excel's layout) into a unit.

    All or nothing: any problem in any row rejects the whole file (excel.WorkbookRejected, with
    row and column) and changes nothing. A row matches the unit's guide with the same 事项编码,
    else the same 事项名称; a matched guide is updated (and goes back to draft if its content
    changed while published), materials are matched by name (so their files are kept), questions
    replaced; other rows become new drafts. A guide identical to its row is left alone, so an
    export imports back without a change. The workbook is read before the write transaction
    opens (as catalog_import does).
    """
    _allowed(actor, permissions.can_draft_service_of(actor, unit), DENIED_DRAFT)
    parsed = excel.read_service_workbook(
        source,
        unit=unit,
        catalog_items=list(selectors.catalog_items_for(unit)),
        life_events=list(selectors.life_events()),
    )
    summary = ImportSummary(unit=unit.code, rows=len(parsed), dry_run=dry_run)
    with transaction.atomic():
        _import_write(actor=actor, unit=unit, parsed=parsed, summary=summary, filename=filename)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _row_changes(item: ServiceItem, row: excel.ParsedService) -> list[str]:
    """What differs between a saved guide (materials, questions prefetched) and a read row."""
    changed = [name for name, value in row.values.items() if getattr(item, name) != value]
    if {e.pk for e in item.life_events.all()} != {e.pk for e in row.life_events}:
        changed.append("life_events")
    saved = [(m.name, m.form, m.copies, m.required, m.source, m.note) for m in item.materials.all()]
    read = [(m.name, m.form, m.copies, m.required, m.source, m.note) for m in row.materials]
    if saved != read:
        changed.append("materials")
    if [(q.question, q.answer) for q in item.questions.all()] != list(row.questions):
        changed.append("questions")
    return changed


def _import_write(
    *,
    actor: Actor,
    unit: Unit,
    parsed: list[excel.ParsedService],
    summary: ImportSummary,
    filename: str,
) -> None:
    """Write the read rows of service_guides_import under the caller's transaction."""
    existing = list(
        ServiceItem.objects.select_for_update(of=("self",))
        .filter(unit=unit)
        .select_related("unit")
        .prefetch_related("materials", "questions", "life_events")
    )
    by_code = {item.code: item for item in existing if item.code}
    by_name: dict[str, ServiceItem] = {}
    for item in existing:
        by_name.setdefault(item.name, item)
    order = max([item.sort_order for item in existing] or [0])
    label = filename or "Excel文件"
    fresh: list[tuple[ServiceItem, excel.ParsedService]] = []
    for row in parsed:
        code = row.values.get("code", "")
        match = by_code.get(code) if code else None
        if match is None and not code:
            match = by_name.get(row.values["name"])
        elif match is None:
            candidate = by_name.get(row.values["name"])
            match = candidate if candidate is not None and not candidate.code else None
        if match is None:
            order += 1
            item = ServiceItem(unit=unit, sort_order=order, **row.values)
            _check_catalog_item(item)
            fresh.append((item, row))
            continue
        changed = _row_changes(match, row)
        if not changed:
            summary.unchanged += 1
            continue
        for name, value in row.values.items():
            setattr(match, name, value)
        _check_catalog_item(match)
        note = _reopen(match)
        if note:
            summary.reopened += 1
        match.save()
        match.life_events.set(row.life_events)
        _sync_rows(match, row, fresh=False)
        summary.updated += 1
        _record(
            match,
            actor,
            "import",
            f"由{label}第{row.row}行导入更新{note}",
            row=row.row,
            changed=changed,
        )
    _create_all(actor=actor, unit=unit, fresh=fresh, label=label)
    summary.created += len(fresh)


def _create_all(
    *,
    actor: Actor,
    unit: Unit,
    fresh: list[tuple[ServiceItem, excel.ParsedService]],
    label: str,
) -> None:
    """Insert the new guides of an import with their life events, materials, questions and
    audit entries in a few statements (a statement per guide and row was 13 per guide: seconds
    for a department's file on a loaded server)."""
    if not fresh:
        return
    items = ServiceItem.objects.bulk_create([item for item, _row in fresh])
    through = ServiceItem.life_events.through
    links, materials, questions, entries = [], [], [], []
    user = actor if getattr(actor, "is_authenticated", False) else None
    for item, (_unsaved, row) in zip(items, fresh, strict=True):
        links += [through(serviceitem_id=item.pk, lifeevent_id=e.pk) for e in row.life_events]
        materials += [
            Material(service=item, sort_order=order, **parsed.values())
            for order, parsed in enumerate(row.materials, start=1)
        ]
        questions += [
            Question(service=item, question=q, answer=a, sort_order=order)
            for order, (q, a) in enumerate(row.questions, start=1)
        ]
        entries.append(
            AuditEntry(
                actor=user,
                action="service.import",
                target_type=TARGET_TYPE,
                target_id=str(item.pk),
                unit_code=unit.code,
                summary=f"{unit.name}《{item.name}》：由{label}第{row.row}行导入新建",
                data={"row": row.row},
            )
        )
    through.objects.bulk_create(links)
    Material.objects.bulk_create(materials)
    Question.objects.bulk_create(questions)
    audit_many(entries)


def _sync_rows(item: ServiceItem, row: excel.ParsedService, *, fresh: bool) -> None:
    """Make the guide's materials and questions those of the row: materials matched by name
    keep their sample and blank form."""
    kept: dict[str, Material] = {} if fresh else {m.name: m for m in item.materials.all()}
    for order, parsed in enumerate(row.materials, start=1):
        material = kept.pop(parsed.name, None) or Material(service=item)
        for name, value in parsed.values().items():
            setattr(material, name, value)
        material.sort_order = order
        material.save()
    for gone in kept.values():
        gone.delete()
    if not fresh:
        item.questions.all().delete()
    Question.objects.bulk_create(
        Question(service=item, question=q, answer=a, sort_order=order)
        for order, (q, a) in enumerate(row.questions, start=1)
    )
