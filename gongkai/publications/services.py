"""Every change to government information goes through these functions (DOMAIN.md §3).

Each checks permission (gongkai.orgs.permissions) and the transition (Publication.ALLOWED),
validates, saves a version snapshot and the audit entry, in one transaction. ``actor=None`` is the
server's command line (see docs/adr/0003-command-line-actor.md).

The life of an item: drafted with its 公开属性 decided at the source → submitted → returned, or
approved by a reviewer: proactive items are published at once with an index number (索引号); items
to be disclosed on request or not disclosed are retained and come back for periodic review, when a
reviewer keeps or releases them. A published item may be withdrawn with a reason; its page stays
and says so, and its index number is never reused.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import logging
import string
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, F, QuerySet
from django.db.models.functions import ExtractYear

from gongkai import textcheck
from gongkai.catalog.models import CatalogItem
from gongkai.core import clock
from gongkai.core.audit import audit
from gongkai.core.errors import InvalidTransition, ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, User
from gongkai.publications import checks, files, masking, richtext, search
from gongkai.publications.models import (
    EDITABLE_STATUSES,
    Attachment,
    Attribute,
    CheckWord,
    Column,
    DocKind,
    FiveClass,
    IndexSequence,
    InterpretationForm,
    NonPublicGround,
    Publication,
    PublicationStatus,
    PublicationVersion,
    PublishedCount,
    TopicCategory,
    Validity,
    WordKind,
)
from gongkai.push import services as push_services

log = logging.getLogger(__name__)

Actor = User | None

# The fields an editor sets; everything else is decided by the workflow.
EDITABLE_FIELDS = (
    "title",
    "issuer",
    "doc_number",
    "written_on",
    "topic",
    "five_class",
    "column",
    "domain",
    "attribute",
    "non_public_ground",
    "attribute_reason",
    "body",
    "doc_kind",
    "validity",
    "effective_on",
    "expires_on",
    "interprets",
    "interpretation_form",
)
LEGAL_RECORD_KINDS = (DocKind.NORMATIVE, DocKind.RULE)
# What an interpretation (政策解读) may explain: rules, normative and other policy documents.
POLICY_KINDS = (DocKind.NORMATIVE, DocKind.RULE, DocKind.POLICY)


def _allowed(actor: Actor, allowed: bool, message: str) -> None:
    if actor is not None:
        permissions.require(allowed, message)


# The version actions that change what the item says: their actors count as its writers.
CONTENT_ACTIONS = ("create", "update", "attach", "detach", "import")


def writer_ids(publication: Publication) -> set[int | None]:
    """Who wrote the item: its drafter and everyone who changed its content or files since
    (separation of duties, permissions.may_sign_off)."""
    actors = publication.versions.filter(action__in=CONTENT_ACTIONS).values_list(
        "actor_id", flat=True
    )
    return {publication.created_by_id, *actors}


def _not_own_work(actor: Actor, publication: Publication) -> None:
    if actor is not None:
        permissions.require_not_writer(
            actor, writer_ids(publication), permissions.SELF_REVIEW_MESSAGE
        )


def _lock(publication: Publication) -> Publication:
    return (
        Publication.objects.select_for_update(of=("self",))
        .select_related("unit", "unit__parent")
        .get(pk=publication.pk)
    )


def _move(publication: Publication, status: str) -> None:
    if not publication.can_move_to(status):
        raise InvalidTransition(
            f"该信息当前状态为“{publication.get_status_display()}”，不能执行“"
            f"{PublicationStatus(status).label}”。",
            log=f"publication {publication.pk}: {publication.status} -> {status} not allowed",
        )
    publication.status = status


def snapshot(
    publication: Publication, *, catalog_item_ids: list[int] | None = None
) -> dict[str, Any]:
    """The publication's content as plain JSON, stored with each version. ``catalog_item_ids``
    may be given when they are already known (bulk imports), saving two queries an item."""
    data: dict[str, Any] = {}
    for name in (*EDITABLE_FIELDS, "status", "index_no", "published_at", "withdrawal_reason"):
        value = getattr(publication, name)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        elif hasattr(value, "pk"):
            value = value.pk
        data[name] = value
    if catalog_item_ids is not None:
        data["catalog_items"] = sorted(catalog_item_ids)
        data["attachments"] = []
    else:
        data["catalog_items"] = sorted(publication.catalog_items.values_list("pk", flat=True))
        data["attachments"] = list(publication.attachments.values_list("name", "sha256"))
    return data


def _record(publication: Publication, actor: Actor, action: str, comment: str = "") -> None:
    """Save a version snapshot and the audit entry for one change."""
    number = publication.versions.count() + 1
    if publication.version != number:
        Publication.objects.filter(pk=publication.pk).update(version=number)
        publication.version = number
    PublicationVersion.objects.create(
        publication=publication,
        number=number,
        actor=actor,
        action=action,
        comment=comment,
        snapshot=snapshot(publication),
    )
    audit(
        actor=actor,
        action=f"publication.{action}",
        target=publication,
        unit_code=publication.unit.code,
        summary=f"{publication.title}：{comment}" if comment else publication.title,
    )


def clean_values(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE_FIELDS) - {"catalog_items"}
    if unknown:
        raise ValidationFailed("包含无法识别的字段。", log=f"unknown fields {sorted(unknown)}")
    cleaned = dict(values)
    for name in ("title", "issuer", "doc_number", "attribute_reason"):
        if name in cleaned:
            cleaned[name] = " ".join(str(cleaned[name] or "").split())
    if "body" in cleaned:
        cleaned["body"] = richtext.sanitize(str(cleaned["body"] or ""))
    choices: dict[str, list[str]] = {
        "five_class": FiveClass.values,
        "attribute": Attribute.values,
        "doc_kind": DocKind.values,
        "non_public_ground": NonPublicGround.values,
        "validity": Validity.values,
        "interpretation_form": InterpretationForm.values,
    }
    optional = {"non_public_ground", "validity", "interpretation_form"}
    for name, allowed in choices.items():
        value = cleaned.get(name)
        if name in cleaned and not (value in allowed or (name in optional and not value)):
            raise ValidationFailed(f"“{value}”不是有效的选项。", log=f"bad {name}: {value!r}")
    return cleaned


def apply_values(
    publication: Publication, values: Mapping[str, Any], *, body_text: str | None = None
) -> list[CatalogItem] | None:
    """Set cleaned ``values`` on the item with what follows from them. ``body_text``: the
    plain text of the body when the caller knows it without parsing the HTML (bulk imports of
    plain-text rows, archive._plain_text); else it is read from the body."""
    items = values.get("catalog_items")
    for name, value in values.items():
        if name != "catalog_items":
            setattr(publication, name, value)
    publication.body_text = (
        richtext.plain_text(publication.body) if body_text is None else body_text
    )
    publication.doc_number_key = search.normalise_doc_number(publication.doc_number)
    if "column" in values:
        publication.top_column_id = publication.column.top_id if publication.column_id else None
    if publication.attribute != Attribute.NOT_PUBLIC:
        publication.non_public_ground = ""
    elif not publication.non_public_ground:
        raise ValidationFailed(
            "选择“不予公开”时须同时选择法律依据（条例第十四、十五或十六条）。",
            log="not_public without ground",
        )
    if publication.doc_kind not in LEGAL_RECORD_KINDS and not values.get("validity"):
        publication.validity = ""
    if values.get("interprets") is not None:
        check_interprets(publication, values["interprets"])
    if publication.interprets_id is None:
        # Only an interpretation has a form (解读形式); a cleared link clears it.
        publication.interpretation_form = ""
    return list(items) if items is not None else None


def check_interprets(publication: Publication, policy: Publication) -> None:
    """Refuse a policy an interpretation cannot point at: itself, an item that is not a policy
    document, or one the drafting unit may not see (another unit's unpublished item gets the
    same answer as a missing one, so its existence is not told)."""
    visible = policy.status == PublicationStatus.PUBLISHED or policy.unit_id == publication.unit_id
    if not visible:
        raise ValidationFailed(
            "找不到所解读的政策文件：请填写已发布文件的索引号，或本单位文件的页面地址。",
            log=f"interprets {policy.pk}: not visible to unit {publication.unit_id}",
        )
    if publication.pk is not None and policy.pk == publication.pk:
        raise ValidationFailed("政策解读不能关联其本身。", log="interprets itself")
    if policy.doc_kind not in POLICY_KINDS:
        raise ValidationFailed(
            "只能关联规章、行政规范性文件或其他政策文件。",
            log=f"interprets {policy.pk}: doc_kind {policy.doc_kind}",
        )


def _set_items(publication: Publication, items: list[CatalogItem] | None) -> None:
    if items is None:
        return
    foreign = [i for i in items if i.catalog.unit_id != publication.unit_id]
    if foreign:
        raise ValidationFailed(
            "只能对应本单位目录中的事项。", log=f"catalog items of another unit: {foreign}"
        )
    publication.catalog_items.set(items)


@transaction.atomic
def publication_create(*, actor: Actor, unit: Unit, values: Mapping[str, Any]) -> Publication:
    """Draft a new item of government information for a unit.

    Required at drafting: title, 成文日期, 主题分类, 五公开 class and column; the 公开属性 is decided
    now (源头认定) and may be changed until approval.
    """
    _allowed(
        actor,
        permissions.can_draft_publication_of(actor, unit),
        "只有本单位的信息员可以起草本单位的政府信息。",
    )
    return draft_for(actor=actor, unit=unit, values=values)


def missing_metadata(values: Mapping[str, Any]) -> list[str]:
    """Labels of the metadata every item needs from the start."""
    required = (
        ("title", "标题"),
        ("written_on", "成文日期"),
        ("topic", "主题分类"),
        ("five_class", "五公开类别"),
        ("column", "栏目"),
    )
    return [label for name, label in required if not values.get(name)]


def draft_for(*, actor: Actor, unit: Unit, values: Mapping[str, Any]) -> Publication:
    """Create the draft once the caller has checked permission (publication_create, or a
    township compiling its villages' subsidy lists)."""
    cleaned = clean_values(values)
    missing = missing_metadata(cleaned)
    if missing:
        raise ValidationFailed(f"请填写：{'、'.join(missing)}。", log=f"missing {missing}")
    publication = Publication(unit=unit, created_by=actor, issuer=unit.name)
    items = apply_values(publication, cleaned)
    if not publication.issuer:
        publication.issuer = unit.name
    publication.save()
    _set_items(publication, items)
    _record(publication, actor, "create", "起草")
    return publication


def submit_checked(*, actor: Actor, publication: Publication, comment: str = "") -> Publication:
    """Submit once the caller has checked permission (see draft_for)."""
    publication = _lock(publication)
    _move(publication, PublicationStatus.SUBMITTED)
    _require_complete(publication)
    publication.findings = checks.run(publication)
    publication.submitted_at = clock.now()
    publication.save()
    _record(publication, actor, "submit", comment.strip() or "报送审核")
    return publication


@transaction.atomic
def publication_update(
    *, actor: Actor, publication: Publication, values: Mapping[str, Any]
) -> Publication:
    """Change a draft or returned item; every change is kept as a version."""
    publication = _lock(publication)
    _allowed(
        actor,
        permissions.can_draft_publication_of(actor, publication.unit),
        "只能修改本单位的政府信息。",
    )
    if publication.status not in EDITABLE_STATUSES:
        raise InvalidTransition(
            f"该信息当前状态为“{publication.get_status_display()}”，不能修改；已发布的信息如有错误，"
            "请撤回后重新发布。",
            log=f"publication {publication.pk} not editable in {publication.status}",
        )
    items = apply_values(publication, clean_values(values))
    publication.save()
    _set_items(publication, items)
    _record(publication, actor, "update", "修改")
    return publication


def publication_attach(
    *, actor: Actor, publication: Publication, name: str, data: bytes
) -> Attachment:
    """Attach a file after checking its type by content, its size and its safety; the text of a
    .docx or .xlsx is kept so the pre-publication checks read attachments too.

    The file is checked and its text read first, outside any transaction: a big Word or Excel
    file takes seconds, and on SQLite an open write transaction would make every other write on
    the site wait (issue 12: a 200 MB docx bomb held it for a minute and logins failed). Only
    then is the item locked and the attachment written, briefly.
    """
    _allowed(
        actor,
        permissions.can_draft_publication_of(actor, publication.unit),
        "只能修改本单位的政府信息。",
    )
    return _store_attachment(actor=actor, publication=publication, upload=read_upload(name, data))


@transaction.atomic
def _store_attachment(*, actor: Actor, publication: Publication, upload: Upload) -> Attachment:
    publication = _lock(publication)
    _allowed(
        actor,
        permissions.can_draft_publication_of(actor, publication.unit),
        "只能修改本单位的政府信息。",
    )
    if publication.status not in EDITABLE_STATUSES:
        raise InvalidTransition("只有草稿或已退回的信息可以添加附件。", log="attach: not editable")
    attachment = _attach(publication, upload)
    _record(publication, actor, "attach", f"添加附件“{attachment.name}”")
    return attachment


@dataclass(frozen=True)
class Upload:
    """A file checked and read by ``read_upload``, ready to be stored in a short transaction."""

    name: str
    kind: str
    data: bytes
    text: str


def read_upload(name: str, data: bytes) -> Upload:
    """Check a file to attach (type by content, size, zip bombs, macros, broken XML, too much
    text) and read its text; raises ValidationFailed with the Chinese reason.

    Slow for a big file: call it before any transaction opens.
    """
    result = files.check_upload(name, data, max_bytes=settings.GONGKAI_MAX_ATTACHMENT_BYTES)
    if result.kind is None:
        raise ValidationFailed(result.problem, log=f"attachment refused: {name}")
    return Upload(name=name, kind=result.kind, data=data, text=result.text)


def _attach(publication: Publication, upload: Upload) -> Attachment:
    """Store a checked file on a locked item."""
    order = publication.attachments.count() + 1
    attachment = Attachment(
        publication=publication,
        name=upload.name[-200:],
        kind=upload.kind,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        text=upload.text,
        sort_order=order,
    )
    attachment.file.save(
        f"{attachment.sha256[:16]}.{upload.kind}", ContentFile(upload.data), save=False
    )
    attachment.save()
    return attachment


@transaction.atomic
def publication_detach(*, actor: Actor, attachment: Attachment) -> None:
    """Remove an attachment from a draft or returned item (the stored file is kept)."""
    publication = _lock(attachment.publication)
    _allowed(
        actor,
        permissions.can_draft_publication_of(actor, publication.unit),
        "只能修改本单位的政府信息。",
    )
    if publication.status not in EDITABLE_STATUSES:
        raise InvalidTransition("只有草稿或已退回的信息可以删除附件。", log="detach: not editable")
    name = attachment.name
    attachment.delete()
    _record(publication, actor, "detach", f"删除附件“{name}”")


def publication_problems(publication: Publication) -> list[str]:
    """What must be filled in before the item can be submitted or approved."""
    problems = []
    if not publication.body_text and not publication.attachments.exists():
        problems.append("正文和附件至少要有一项。")
    if publication.attribute == Attribute.NOT_PUBLIC and not publication.non_public_ground:
        problems.append("不予公开的信息须选择法律依据（条例第十四、十五或十六条）。")
    if publication.attribute != Attribute.PROACTIVE and not publication.attribute_reason:
        problems.append("依申请公开或不予公开的信息须写明属性认定理由。")
    if publication.doc_kind in LEGAL_RECORD_KINDS and not publication.validity:
        problems.append("规章和行政规范性文件须标明有效性（现行有效、已失效或已废止）。")
    if publication.doc_kind == DocKind.NORMATIVE and not publication.doc_number:
        problems.append("行政规范性文件须填写文号。")
    if (
        publication.effective_on
        and publication.expires_on
        and publication.expires_on < publication.effective_on
    ):
        problems.append("失效日期不能早于生效日期。")
    if publication.written_on > clock.today():
        problems.append("成文日期不能晚于今天。")
    if publication.interprets_id is not None and not publication.interpretation_form:
        problems.append("政策解读须选择解读形式（文字、图文/图表图解、音视频等）。")
    return problems


def _require_complete(publication: Publication) -> None:
    problems = publication_problems(publication)
    if problems:
        raise ValidationFailed(
            "信息还不完整，请补充后再报送。", log="publication incomplete", problems=problems
        )


@transaction.atomic
def publication_submit(*, actor: Actor, publication: Publication, comment: str = "") -> Publication:
    """Send the item to the unit's reviewer; the pre-publication checks run now so the editor
    sees their findings at once."""
    _allowed(
        actor,
        permissions.can_draft_publication_of(actor, publication.unit),
        "只有本单位的信息员可以报送本单位的政府信息。",
    )
    return submit_checked(actor=actor, publication=publication, comment=comment)


@transaction.atomic
def publication_return(*, actor: Actor, publication: Publication, comment: str) -> Publication:
    """Return a submitted item to its editor with the reviewer's comments (required)."""
    if not comment.strip():
        raise ValidationFailed("退回时请填写修改意见。", log="return without comment")
    publication = _lock(publication)
    _allowed(
        actor,
        permissions.can_approve_publication_of(actor, publication.unit),
        "只有本单位的审核人可以审核本单位的政府信息。",
    )
    _move(publication, PublicationStatus.RETURNED)
    publication.save()
    _record(publication, actor, "return", comment.strip())
    return publication


def _format_index(pattern: str, values: Mapping[str, Any]) -> str:
    return string.Formatter().vformat(pattern, (), dict(values))


def allocate_index_no(*, unit: Unit, topic: TopicCategory, year: int) -> str:
    """Allocate the next 索引号 under settings.GONGKAI_INDEX_PATTERN (see allocate_index_block)."""
    return allocate_index_block(unit=unit, topic=topic, year=year, count=1)[0]


def allocate_index_block(*, unit: Unit, topic: TopicCategory, year: int, count: int) -> list[str]:
    """Allocate ``count`` consecutive 索引号 under settings.GONGKAI_INDEX_PATTERN.

    The running number is kept per prefix (the pattern with everything but the sequence filled in)
    in a locked row, so two reviewers approving at once cannot get the same number, and a number
    once given is never given again, even if the item is withdrawn. Numbers an archive import
    brought in under the same pattern are skipped. Call inside a transaction.
    """
    pattern = settings.GONGKAI_INDEX_PATTERN
    fields = {
        "unit": unit.code,
        "org_code": unit.org_code or unit.code,
        "classification": topic.code,
        "year": year,
    }
    key = _format_index(pattern, {**fields, "sequence": _Marker()})
    sequence, _created = IndexSequence.objects.select_for_update().get_or_create(key=key)
    numbers: list[str] = []
    while len(numbers) < count:
        wanted = count - len(numbers)
        first = sequence.last + 1
        sequence.last = F("last") + wanted
        sequence.save(update_fields=["last"])
        sequence.refresh_from_db()
        candidates = [
            _format_index(pattern, {**fields, "sequence": n}) for n in range(first, first + wanted)
        ]
        taken = set(
            Publication.objects.filter(index_no__in=candidates).values_list("index_no", flat=True)
        )
        numbers.extend(c for c in candidates if c not in taken)
    return numbers


class _Marker:
    """Stands in for the sequence number when the prefix key is built."""

    def __format__(self, spec: str) -> str:
        return "{sequence}"


def _publish_now(publication: Publication) -> None:
    now = clock.now()
    publication.published_at = now
    publication.due_on, publication.is_late = checks.lateness(
        publication.written_on, clock.localdate(now)
    )


def publication_approve(
    *,
    actor: Actor,
    publication: Publication,
    override_reason: str = "",
    comment: str = "",
    mask: bool = False,
) -> Publication:
    """Approve a submitted item: publish it (主动公开) or retain it (依申请公开/不予公开).

    The checks run again; a finding of severity ``block`` (personal data, sensitive words) stops
    approval unless the reviewer either gives a reason to override, which is recorded with the
    findings and publishes the text as written, or asks to ``mask`` it (脱敏发布): the personal
    data is masked wherever it is stored and the item published masked, recorded like an
    override (see _mask_personal_data); ``override_reason`` is not used then. The index number
    is given now. Word attachments to mask are read and rewritten before the transaction opens
    (see publication_attach for why).
    """
    # Checked here too (and again under the lock) so no one else makes the server rewrite files.
    _allowed(
        actor,
        permissions.can_approve_publication_of(actor, publication.unit),
        "只有本单位的审核人可以审核、发布本单位的政府信息。",
    )
    prepared = _prepare_masked_attachments(publication) if mask else {}
    return _approve(
        actor=actor,
        publication=publication,
        override_reason=override_reason,
        comment=comment,
        mask=mask,
        prepared=prepared,
    )


# Masked Word attachments made before approval's transaction: attachment pk -> (the sha256 of
# the file they were made from, the masked document or None when it cannot be rewritten).
Prepared = dict[int, tuple[str, masking.MaskedDocument | None]]


def _prepare_masked_attachments(publication: Publication) -> Prepared:
    """Rewrite, outside any transaction, the Word attachments whose text has data to mask."""
    check = checks.checker()
    prepared: Prepared = {}
    for attachment in publication.attachments.all():
        if attachment.kind != "docx" or not attachment.text:
            continue
        if masking.to_mask(check.check(attachment.text)):
            prepared[attachment.pk] = (attachment.sha256, _mask_attachment(attachment, check))
    return prepared


@transaction.atomic
def _approve(
    *,
    actor: Actor,
    publication: Publication,
    override_reason: str,
    comment: str,
    mask: bool,
    prepared: Prepared,
) -> Publication:
    publication = _lock(publication)
    _allowed(
        actor,
        permissions.can_approve_publication_of(actor, publication.unit),
        "只有本单位的审核人可以审核、发布本单位的政府信息。",
    )
    _not_own_work(actor, publication)
    target = (
        PublicationStatus.PUBLISHED
        if publication.attribute == Attribute.PROACTIVE
        else PublicationStatus.RETAINED
    )
    _move(publication, target)
    _require_complete(publication)
    publication.findings = checks.run(publication)
    blocking = checks.blocking(publication.findings)
    masked = ""
    if mask:
        masked = _mask_personal_data(publication, blocking=blocking, prepared=prepared)
        blocking = checks.blocking(publication.findings)
        if blocking:
            raise ValidationFailed(
                "检查发现不能公开的内容，不能脱敏后发布：请退回修改。",
                log=f"publication {publication.pk}: {len(blocking)} blocks left after masking",
                problems=[checks.describe(f) for f in blocking],
            )
    elif blocking and not override_reason.strip():
        raise ValidationFailed(
            "发布前检查发现不能公开的内容（如未脱敏的身份证号、银行卡号、手机号或敏感词），"
            "请退回修改；确需发布的，审核人可选择脱敏后发布，或填写放行理由后按原样发布。",
            log=f"publication {publication.pk}: {len(blocking)} blocking findings",
            problems=[checks.describe(f) for f in blocking],
        )
    publication.override_reason = masked or (override_reason.strip() if blocking else "")
    if publication.index_no is None:
        publication.index_no = allocate_index_no(
            unit=publication.unit, topic=publication.topic, year=clock.today().year
        )
    if target == PublicationStatus.PUBLISHED:
        _publish_now(publication)
    else:
        publication.review_due = _next_review(clock.today())
    publication.save()
    search.index([publication])
    if target == PublicationStatus.PUBLISHED:
        published_counts_update(published=[publication])
        push_services.on_published(publication)  # 政策找人, after commit
    note = comment.strip() or (
        "审核发布" if target == PublicationStatus.PUBLISHED else "审定不主动公开"
    )
    if masked:
        note += f"；{masked}"
    elif blocking:
        note += f"；审核人放行{len(blocking)}处检查问题，理由：{publication.override_reason}"
    _record(publication, actor, "approve", note)
    return publication


def publication_file_document(
    *,
    actor: Actor,
    unit: Unit,
    values: Mapping[str, Any],
    attachments: Sequence[tuple[str, bytes]] = (),
    note: str,
    replaces: Publication | None = None,
) -> Publication:
    """Publish at once a document the system composed from records already signed off elsewhere
    (a final annual report, signed off by its unit's reviewer or the office when it was marked
    final), so it is not sent round the review queue a second time. The caller checks permission.
    The pre-publication checks still run and a blocking finding refuses it: there is no override
    here. ``replaces``, a published earlier version, is withdrawn with ``note`` as the reason.
    The attachments are checked and read before the transaction opens (see publication_attach).
    """
    uploads = [read_upload(name, data) for name, data in attachments]
    return _file_document(
        actor=actor, unit=unit, values=values, uploads=uploads, note=note, replaces=replaces
    )


@transaction.atomic
def _file_document(
    *,
    actor: Actor,
    unit: Unit,
    values: Mapping[str, Any],
    uploads: Sequence[Upload],
    note: str,
    replaces: Publication | None,
) -> Publication:
    publication = draft_for(actor=actor, unit=unit, values=values)
    for upload in uploads:
        _attach(publication, upload)
    _move(publication, PublicationStatus.SUBMITTED)
    _require_complete(publication)
    _move(publication, PublicationStatus.PUBLISHED)
    publication.findings = checks.run(publication)
    blocking = checks.blocking(publication.findings)
    if blocking:
        raise ValidationFailed(
            "发布前检查发现不能公开的内容，不能发布，请先修改后重新定稿。",
            log=f"filed document for {unit.code}: {len(blocking)} blocking findings",
            problems=[checks.describe(f) for f in blocking],
        )
    publication.submitted_at = clock.now()
    publication.index_no = allocate_index_no(
        unit=unit, topic=publication.topic, year=clock.today().year
    )
    _publish_now(publication)
    publication.save()
    search.index([publication])
    published_counts_update(published=[publication])
    push_services.on_published(publication)  # 政策找人, after commit
    _record(publication, actor, "approve", note)
    if replaces is not None and replaces.status == PublicationStatus.PUBLISHED:
        earlier = _lock(replaces)
        _move(earlier, PublicationStatus.WITHDRAWN)
        earlier.withdrawn_at = clock.now()
        earlier.withdrawal_reason = f"已由更正后的版本（{publication.index_no}）代替"
        earlier.save()
        search.remove([earlier.pk])
        published_counts_update(withdrawn=[earlier])
        _record(earlier, actor, "withdraw", earlier.withdrawal_reason)
    return publication


def _mask_personal_data(
    publication: Publication, *, blocking: list[dict[str, Any]], prepared: Prepared | None = None
) -> str:
    """Mask the personal data of a locked item being approved; return the record of what was
    masked (empty when nothing needed masking).

    Called by publication_approve inside its transaction, after the checks ran. Masks, with
    gongkai.publications.masking, the title, the body (HTML and ``body_text``) and the text of
    Word attachments, whose files are rewritten (the old file is deleted once the transaction
    commits); then checks again and refuses if any personal data to mask is left. Refuses, with
    nothing changed, when a block finding is not personal data (a sensitive word is edited or
    overridden, never masked) or when personal data lies in an attachment that cannot be
    rewritten (PDF, images, .doc, Excel). The raw numbers are kept nowhere the public, the API,
    feeds or search reach, nor in the item's version history: earlier version snapshots (staff
    only) are masked too. The audit log is append-only and keeps its earlier summaries.
    ``prepared`` holds the Word attachments already rewritten outside the transaction; one whose
    file has changed since is rewritten again here.
    """
    others = [f for f in blocking if not masking.should_mask(f["kind"])]
    if others:
        raise ValidationFailed(
            "检查发现敏感词等不能脱敏处理的内容，不能脱敏后发布：请退回修改；确需按原样发布的，"
            "请选择“放行（不脱敏）”并填写放行理由。",
            log=f"publication {publication.pk}: mask refused, {len(others)} other blocks",
            problems=[checks.describe(f) for f in others],
        )
    check = checks.checker()
    title = masking.mask_plain(publication.title, check)
    body = masking.mask_html(publication.body, check)
    documents: list[tuple[Attachment, masking.MaskedDocument]] = []
    refused: list[str] = []
    for attachment in publication.attachments.all():
        if not attachment.text or not masking.to_mask(check.check(attachment.text)):
            continue
        ready = (prepared or {}).get(attachment.pk)
        if ready is not None and ready[0] == attachment.sha256:
            document = ready[1]
        else:
            document = _mask_attachment(attachment, check)
        if document is None:
            refused.append(
                f"附件“{attachment.name}”中有个人信息，但{attachment.kind.upper()}文件无法自动"
                "改写：请退回修改，由信息员上传已脱敏的文件；确需按原样发布的，请选择“放行"
                "（不脱敏）”并填写理由。"
            )
        elif document.missed:
            refused.append(
                f"附件“{attachment.name}”中有{len(document.missed)}处个人信息无法自动改写；"
                "请退回修改，由信息员在文件中手工脱敏。"
            )
        else:
            documents.append((attachment, document))
    if body.missed:
        refused.append(f"正文中有{len(body.missed)}处个人信息无法自动改写，请退回修改。")
    if refused:
        raise ValidationFailed(
            "不能脱敏后发布，未作任何修改。" + "".join(refused),
            log=f"publication {publication.pk}: mask refused, {len(refused)} problems",
        )
    counts = title.counts + body.counts
    for _attachment, document in documents:
        counts += document.counts
    if not counts:
        return ""
    publication.title, publication.body = title.text, body.text
    publication.body_text = richtext.plain_text(body.text)
    for attachment, document in documents:
        attachment.text = document.text
        attachment.save(update_fields=["text", "updated_at"])
    publication.findings = checks.run(publication, using=check)
    left = [f for f in publication.findings if masking.should_mask(f["kind"])]
    if left:
        # Raising rolls the attachments' text back; no file has been written yet.
        raise ValidationFailed(
            "脱敏后复查仍发现个人信息，未发布；请退回修改。",
            log=f"publication {publication.pk}: {len(left)} findings left after masking",
            problems=[checks.describe(f) for f in left],
        )
    for attachment, document in documents:
        _replace_file(attachment, document.data)
    versions = _mask_versions(publication, check)
    return _mask_record(title, body, documents, counts, versions)


def _mask_attachment(
    attachment: Attachment, check: textcheck.Checker
) -> masking.MaskedDocument | None:
    """The masked document, or None when the attachment's file cannot be rewritten."""
    if attachment.kind != "docx":
        return None
    try:
        with attachment.file.open("rb") as handle:
            data = handle.read()
        return masking.mask_docx(data, check)
    except (OSError, ValueError):
        log.warning("attachment %s: could not rewrite %s", attachment.pk, attachment.file.name)
        return None


def _replace_file(attachment: Attachment, data: bytes) -> None:
    """Store the masked file in place of the original, which is deleted after the commit."""
    old = attachment.file.name
    attachment.sha256 = hashlib.sha256(data).hexdigest()
    attachment.size = len(data)
    attachment.file.save(f"{attachment.sha256[:16]}.docx", ContentFile(data), save=False)
    attachment.save()
    storage = attachment.file.storage

    def delete_original() -> None:
        if old and not Attachment.objects.filter(file=old).exists():
            storage.delete(old)

    transaction.on_commit(delete_original)


def _mask_versions(publication: Publication, check: textcheck.Checker) -> int:
    """Mask the title and body kept in the item's earlier version snapshots; how many changed."""
    changed = 0
    for version in publication.versions.select_for_update():
        data = dict(version.snapshot)
        title = masking.mask_plain(str(data.get("title") or ""), check)
        body = masking.mask_html(str(data.get("body") or ""), check)
        if not title.total and not body.total and not body.missed:
            continue
        if title.total:
            data["title"] = title.text
        if body.missed:
            # History is staff-only; a body whose numbers cannot be placed back into its markup
            # is kept as masked plain text rather than with the numbers whole.
            data["body"] = textcheck.mask_text(
                richtext.plain_text(data["body"]),
                masking.to_mask(check.check(richtext.plain_text(data["body"]))),
            )
        elif body.total:
            data["body"] = body.text
        version.snapshot = data
        version.save(update_fields=["snapshot"])
        changed += 1
    return changed


def _mask_record(
    title: masking.Masked,
    body: masking.Masked,
    documents: list[tuple[Attachment, masking.MaskedDocument]],
    counts: Mapping[str, int],
    versions: int,
) -> str:
    """The Chinese record of a masked publication: how many numbers of which kind, and where."""
    order: dict[str, int] = {kind: i for i, kind in enumerate(textcheck.SEVERITY)}
    ranked = sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    kinds = "、".join(f"{checks.KIND_LABELS.get(k, k)}{n}处" for k, n in ranked)
    places = [(label, part.total) for label, part in (("标题", title), ("正文", body))]
    places += [(f"附件“{a.name}”", d.total) for a, d in documents]
    where = "，".join(f"{label}{n}处" for label, n in places if n)
    record = f"脱敏发布：遮蔽{kinds}，共{sum(counts.values())}处（{where}）"
    if versions:
        record += f"；{versions}个历史版本中的号码一并遮蔽"
    return record


def _next_review(today: dt.date) -> dt.date:
    """The date of the next periodic review of a retained item (default: in 12 months)."""
    months = today.month - 1 + settings.GONGKAI_NON_PUBLIC_REVIEW_MONTHS
    year, month = today.year + months // 12, months % 12 + 1
    return dt.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def publication_review(
    *, actor: Actor, publication: Publication, release: bool, comment: str
) -> Publication:
    """The periodic review of a retained item (seeds 002, 004): keep it, or release it when
    circumstances have changed. Either way the reason is recorded."""
    if not comment.strip():
        raise ValidationFailed("请填写评估意见。", log="review without comment")
    publication = _lock(publication)
    _allowed(
        actor,
        permissions.can_approve_publication_of(actor, publication.unit),
        "只有本单位的审核人可以评估不主动公开的信息。",
    )
    if publication.status != PublicationStatus.RETAINED:
        raise InvalidTransition(
            "只有已审定不主动公开的信息需要定期评估。", log="review: not retained"
        )
    if release:
        # Releasing publishes: the same sign-off as approval. Keeping it back publishes nothing.
        _not_own_work(actor, publication)
        _move(publication, PublicationStatus.PUBLISHED)
        publication.attribute = Attribute.PROACTIVE
        publication.non_public_ground = ""
        publication.findings = checks.run(publication)
        blocking = checks.blocking(publication.findings)
        if blocking:
            raise ValidationFailed(
                "发布前检查发现不能公开的内容，请先处理后再转为主动公开。",
                log="release blocked by findings",
                problems=[checks.describe(f) for f in blocking],
            )
        _publish_now(publication)
        publication.review_due = None
    else:
        publication.review_due = _next_review(clock.today())
    publication.save()
    search.index([publication])
    if release:
        published_counts_update(published=[publication])
        push_services.on_published(publication)  # 政策找人, after commit
    _record(publication, actor, "release" if release else "keep", comment.strip())
    return publication


@transaction.atomic
def publication_withdraw(*, actor: Actor, publication: Publication, reason: str) -> Publication:
    """Withdraw a published item with a reason; its page says so and keeps its index number."""
    if not reason.strip():
        raise ValidationFailed("撤回时请填写原因。", log="withdraw without reason")
    publication = _lock(publication)
    _allowed(
        actor,
        permissions.can_approve_publication_of(actor, publication.unit),
        "只有本单位的审核人可以撤回本单位的政府信息。",
    )
    _move(publication, PublicationStatus.WITHDRAWN)
    publication.withdrawn_at = clock.now()
    publication.withdrawal_reason = reason.strip()
    publication.save()
    search.remove([publication.pk])
    published_counts_update(withdrawn=[publication])
    _record(publication, actor, "withdraw", reason.strip())
    return publication


@transaction.atomic
def publication_set_validity(
    *,
    actor: Actor,
    publication: Publication,
    validity: str,
    expires_on: dt.date | None = None,
    comment: str = "",
) -> Publication:
    """Update a published rule or normative document's validity (seed 001 item 6: the central
    library of normative documents is updated dynamically)."""
    publication = _lock(publication)
    _allowed(
        actor,
        permissions.can_approve_publication_of(actor, publication.unit)
        or permissions.can_draft_publication_of(actor, publication.unit),
        "只能维护本单位文件的有效性。",
    )
    if publication.doc_kind not in LEGAL_RECORD_KINDS:
        raise InvalidTransition(
            "只有规章和行政规范性文件标注有效性。", log="validity: not normative"
        )
    if validity not in Validity.values:
        raise ValidationFailed(f"“{validity}”不是有效的选项。", log="bad validity")
    publication.validity = validity
    if expires_on is not None:
        publication.expires_on = expires_on
    publication.save()
    _record(
        publication, actor, "validity", comment.strip() or f"有效性改为{Validity(validity).label}"
    )
    return publication


@transaction.atomic
def publication_link_interpretation(
    *,
    actor: Actor,
    interpretation: Publication,
    policy: Publication,
    form: str = InterpretationForm.OTHER,
) -> Publication:
    """Record which policy document a published interpretation explains (a link between two
    published items, not a change to either's content: the interpretation is versioned and
    audited, its text is untouched). Drafts set it through publication_update. A link once
    made is not moved to another policy: the policy's page would keep listing it (its ETag
    follows its interpretations' last change, gongkai.publications.selectors). ``form`` is its
    解读形式 when it has none yet."""
    interpretation = _lock(interpretation)
    _allowed(
        actor,
        permissions.can_approve_publication_of(actor, interpretation.unit),
        "只有本单位的审核人可以关联政策解读。",
    )
    if interpretation.interprets_id not in (None, policy.pk):
        raise InvalidTransition(
            "该解读已关联其他政策文件，不能改为关联本文件；如关联有误，请撤回后重新发布。",
            log=f"interpretation {interpretation.pk} already linked to {interpretation.interprets_id}",
        )
    check_interprets(interpretation, policy)
    if form not in InterpretationForm.values:
        raise ValidationFailed(f"“{form}”不是有效的解读形式。", log=f"bad form {form!r}")
    interpretation.interprets = policy
    interpretation.interpretation_form = interpretation.interpretation_form or form
    interpretation.save(update_fields=["interprets", "interpretation_form", "updated_at"])
    _record(interpretation, actor, "interprets", f"关联政策文件：{policy.title}")
    return interpretation


# ---------------------------------------------------------------------------- published counts
# The portal's facets (by unit, column, domain, 五公开 class and year) and totals read these rows
# instead of counting every published item on each request (issue 10). Every path that publishes
# or withdraws calls published_counts_update in the same transaction; published_counts_rebuild
# recounts from scratch (after a raw bulk load, or to check).


def _count_keys(publication: Publication) -> list[tuple[str, str]]:
    keys = [
        ("all", ""),
        ("unit", str(publication.unit_id)),
        ("column", str(publication.column_id)),
        ("five", publication.five_class),
    ]
    if publication.domain_id:
        keys.append(("domain", str(publication.domain_id)))
    if publication.published_at:
        keys.append(("year", str(clock.localdate(publication.published_at).year)))
    return keys


def published_counts_update(
    *, published: Iterable[Publication] = (), withdrawn: Iterable[Publication] = ()
) -> None:
    """Count items that became published and take away items that were withdrawn."""
    deltas: Counter[tuple[str, str]] = Counter()
    for item in published:
        deltas.update(_count_keys(item))
    for item in withdrawn:
        deltas.subtract(_count_keys(item))
    rows = [(dimension, key, n) for (dimension, key), n in deltas.items() if n]
    if not rows:
        return
    table = PublishedCount._meta.db_table
    with connection.cursor() as cursor:
        # An upsert that adds, so two publications at once cannot lose a count.
        cursor.executemany(
            f"INSERT INTO {table} (dimension, key, count) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT (dimension, key) DO UPDATE SET count = "
            f"{table}.count + excluded.count",
            rows,
        )


@transaction.atomic
def publication_top_columns_fill() -> int:
    """Set each item's top-level column (Publication.top_column) from its column where it is
    missing or wrong, as apply_values keeps it: after a raw bulk load, which bypasses the
    services (the benchmarks' fill; migration 0008 did the same for the items it found).
    Returns how many items were changed."""
    parents = dict(Column.objects.values_list("pk", "parent_id"))
    changed = 0
    for pk in parents:
        top = pk
        while parents[top] is not None:
            top = parents[top]
        stale = Publication.objects.filter(column_id=pk).exclude(top_column_id=top)
        changed += stale.update(top_column_id=top)
    return changed


@transaction.atomic
def published_counts_rebuild(
    *, publications: QuerySet[Any] | None = None, counts: type[Any] = PublishedCount
) -> int:
    """Recount every dimension from the published items; returns the number published.

    The migration that creates the counts passes its historical models, so this keeps working
    after later migrations change the live ones.
    """
    published = (
        Publication.objects.published() if publications is None else publications
    ).order_by()
    rows: list[Any] = []
    for dimension, field in (("unit", "unit_id"), ("column", "column_id"), ("five", "five_class"),
                             ("domain", "domain_id")):  # fmt: skip
        for value, n in published.values_list(field).annotate(n=Count("pk")):
            if value is not None and value != "":
                rows.append(counts(dimension=dimension, key=str(value), count=n))
    years = published.annotate(year=ExtractYear("published_at")).values_list("year")
    for year, n in years.annotate(n=Count("pk")):
        if year:
            rows.append(counts(dimension="year", key=str(year), count=n))
    total = published.count()
    rows.append(counts(dimension="all", key="", count=total))
    counts.objects.all().delete()
    counts.objects.bulk_create(rows, batch_size=1000)
    return total


# ---------------------------------------------------------------------------- check-word dictionary
# The office's own wrong and sensitive words (检查词库), kept on top of the defaults shipped with
# gongkai.textcheck; checks.checker() picks a change up at the next check. Called by the staff
# page /staff/publications/words/.

CHECK_WORD_MAX = 100
CHECK_NOTE_MAX = 200


@transaction.atomic
def check_word_add(
    *, actor: Actor, word: str, kind: str, correction: str = "", note: str = ""
) -> CheckWord:
    """Add a wrong word (with its correct form) or a sensitive word to the office's dictionary.

    An entry for a word of the default dictionaries overrides it (and, made inactive, removes it).
    """
    _allowed(actor, permissions.can_manage_check_words(actor), "只有县政务公开办可以维护检查词库。")
    word, correction, note = (" ".join(v.split()) for v in (word, correction, note))
    if kind not in WordKind.values:
        raise ValidationFailed(f"“{kind}”不是有效的词语类别。", log=f"bad word kind {kind!r}")
    if not word:
        raise ValidationFailed("请填写词语。", log="check word empty")
    if kind == WordKind.WRONG and not correction:
        raise ValidationFailed("错词须填写正确写法。", log="wrong word without correction")
    if kind == WordKind.WRONG and correction == word:
        raise ValidationFailed("正确写法不能与错词相同。", log="correction equals word")
    if max(len(word), len(correction)) > CHECK_WORD_MAX or len(note) > CHECK_NOTE_MAX:
        raise ValidationFailed(
            f"词语和正确写法不能超过{CHECK_WORD_MAX}个字，说明不能超过{CHECK_NOTE_MAX}个字。",
            log="check word too long",
        )
    if CheckWord.objects.filter(word=word).exists():
        raise ValidationFailed(
            f"词库中已有“{word}”，如需修改请先停用原词条。", log=f"duplicate check word {word!r}"
        )
    entry = CheckWord.objects.create(word=word, kind=kind, correction=correction, note=note)
    audit(
        actor=actor,
        action="checkword.add",
        target=entry,
        summary=f"{entry.get_kind_display()}“{word}”" + (f"→“{correction}”" if correction else ""),
    )
    return entry


@transaction.atomic
def check_word_set_active(*, actor: Actor, entry: CheckWord, active: bool) -> CheckWord:
    """Switch an entry of the office's dictionary on or off (entries are kept, never deleted)."""
    _allowed(actor, permissions.can_manage_check_words(actor), "只有县政务公开办可以维护检查词库。")
    entry = CheckWord.objects.select_for_update().get(pk=entry.pk)
    if entry.is_active != active:
        entry.is_active = active
        entry.save(update_fields=["is_active", "updated_at"])
        audit(
            actor=actor,
            action="checkword.activate" if active else "checkword.deactivate",
            target=entry,
            summary=f"{'启用' if active else '停用'}{entry.get_kind_display()}“{entry.word}”",
        )
    return entry
