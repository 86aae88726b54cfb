"""Every change to a message goes through these functions (DOMAIN.md §5, seed 001 item 13).

The public writes (``message_submit``) and rates the answer with its query code
(``message_rate``); the county office assigns a message to a unit, marks it simple, transfers it,
reviews the reply and closes invalid ones; the unit replies. Each staff step checks permission
(gongkai.orgs.permissions), the allowed transition (Message.ALLOWED), saves and writes the audit
entry in one transaction. ``actor=None`` is the server's command line (ADR 0003).

The clock: a message is due ``InteractionSettings.normal_days`` working days (default 5) after
the day it was received, ``simple_days`` (3) when the office marks it simple, and a 找错 report
``jiucuo_days`` (3) — the county's rule from seed 001 item 13 and DOMAIN.md §5, counted on the
office calendar applications use (gongkai.clock.add_workdays with
gongkai.workdays.selectors.calendar; the day of receipt is not counted). A year the calendar does
not know leaves the due date empty: 期限待定, never a guess.

A transfer does not restart the clock: the period is the county's promise to the writer, who
wrote to the county's site, not to one unit; routing inside the county is the county's own work,
and restarting would let each transfer hide a late answer.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from gongkai import clock as statutory
from gongkai import textcheck
from gongkai.applications.services import new_query_code
from gongkai.core import clock
from gongkai.core.audit import audit
from gongkai.core.errors import InvalidTransition, ValidationFailed
from gongkai.interaction.models import (
    CATEGORIES,
    PREFIXES,
    Box,
    InteractionSettings,
    Message,
    Rating,
    Status,
)
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, UnitKind, User
from gongkai.publications import checks, masking
from gongkai.workdays.selectors import calendar

log = logging.getLogger(__name__)

Actor = User | None

QUERY_CODE_SALT = "gongkai.interaction.query-code"
SUBMIT_FIELDS = ("category", "title", "body", "page_url", "name", "phone", "email", "allow_publish")
SETTINGS_FIELDS = ("normal_days", "simple_days", "jiucuo_days")
MAX_PERIOD = 60


# ------------------------------------------------------------------------------- the clock


def answer_settings() -> InteractionSettings:
    """The office's periods, or the defaults (5/3/3) until the office saves its own."""
    return InteractionSettings.objects.filter(
        pk=InteractionSettings.SINGLETON_ID
    ).first() or InteractionSettings(pk=InteractionSettings.SINGLETON_ID)


def period_for(box: str, *, simple: bool, periods: InteractionSettings | None = None) -> int:
    """The working days a message of ``box`` has for its answer (seed 001 item 13: 5, simple 3;
    DOMAIN.md §5: error reports 3)."""
    periods = periods or answer_settings()
    if box == Box.JIUCUO:
        return periods.jiucuo_days
    return periods.simple_days if simple else periods.normal_days


def due_on(
    received: dt.date,
    box: str,
    *,
    simple: bool,
    cal: statutory.Calendar | None = None,
    periods: InteractionSettings | None = None,
) -> dt.date | None:
    """The last day to answer a message received on ``received``: the period's working days
    counted from the day after (the function applications count with); None when the calendar
    does not know a year the period reaches (期限待定)."""
    try:
        return statutory.add_workdays(
            received,
            period_for(box, simple=simple, periods=periods),
            calendar=cal or calendar(),
        )
    except statutory.UnknownYear:
        return None


def _recompute_due(message: Message) -> None:
    message.due_on = due_on(message.received_on, message.box, simple=message.simple)


# ------------------------------------------------------------------------------- query codes


def _query_digest(code: str, *, secret: str | None = None) -> str:
    """The stored form of a query code: keyed by the secret key, as for applications."""
    return salted_hmac(QUERY_CODE_SALT, code.upper(), secret=secret).hexdigest()


def query_code_matches(message: Message, code: str) -> bool:
    """Whether ``code`` is the message's query code, in constant time, trying every key of
    SECRET_KEY_FALLBACKS too (as gongkai.applications.services.query_code_matches does); a code
    matched under an earlier key is stored again under the current one. A message moved over
    from the old 找错 form has no code and matches nothing."""
    stored = message.query_code_digest
    code = code.strip()
    if not stored or not code:
        _query_digest(code or "-")  # the same work either way
        return False
    current = _query_digest(code)
    matched = constant_time_compare(stored, current)
    rekey = False
    for secret in settings.SECRET_KEY_FALLBACKS:
        if constant_time_compare(stored, _query_digest(code, secret=secret)) and not matched:
            matched = rekey = True
    if rekey and message.pk is not None:
        Message.objects.filter(pk=message.pk, query_code_digest=stored).update(
            query_code_digest=current
        )
        message.query_code_digest = current
        log.info("message %s: query code digest re-keyed to the current secret key", message.pk)
    return matched


# ------------------------------------------------------------------------------- the public


def _clean(box: str, values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(SUBMIT_FIELDS)
    if unknown:
        raise ValidationFailed("留言包含无法识别的内容。", log=f"unknown fields {sorted(unknown)}")
    if box not in Box.values:
        raise ValidationFailed("请选择留言信箱。", log=f"bad box {box!r}")
    cleaned: dict[str, Any] = {
        name: str(values.get(name) or "").strip()
        for name in SUBMIT_FIELDS
        if name != "allow_publish"
    }
    cleaned["allow_publish"] = bool(values.get("allow_publish", True))
    if cleaned["category"] not in dict(CATEGORIES[box]):
        raise ValidationFailed("请选择留言类别。", log=f"bad category {cleaned['category']!r}")
    if box == Box.JIUCUO:
        if not cleaned["page_url"]:
            raise ValidationFailed("请填写出现问题的页面地址。", log="jiucuo without page")
        if not cleaned["title"]:
            label = dict(CATEGORIES[box])[cleaned["category"]]
            cleaned["title"] = f"网站找错：{label}"
    if not cleaned["title"] or not cleaned["body"]:
        raise ValidationFailed("请填写留言标题和内容。", log="message without title or text")
    return cleaned


@transaction.atomic
def message_submit(*, box: str, values: Mapping[str, Any]) -> tuple[Message, str]:
    """File a message from the public. Returns it and its query code (shown once; only a keyed
    digest is stored). Received the day it is written (an online message needs no
    confirmation: there is no statutory receipt rule, and the county's promise runs from the day
    its site took the message); due by the box's period."""
    cleaned = _clean(box, values)
    code = new_query_code()
    today = clock.today()
    message = Message(
        box=box,
        # A placeholder first: the number carries the row's id, known only once it is saved.
        tracking_no=f"t{uuid.uuid4().hex[:23]}",
        query_code_digest=_query_digest(code),
        received_on=today,
        **cleaned,
    )
    _recompute_due(message)
    message.full_clean(exclude=["tracking_no"])
    message.save()
    # Six digits of the id: longer than the old 找错 numbers' five, so none can repeat one.
    message.tracking_no = f"{PREFIXES[Box(box)]}{today:%Y%m%d}{message.pk:06d}"
    message.save(update_fields=["tracking_no"])
    return message, code


@transaction.atomic
def message_rate(*, tracking_no: str, code: str, rating: str) -> Message:
    """The writer rates the answer (满意/基本满意/不满意), with the message's query code: only
    the writer holds it. Once answered; a later rating replaces the earlier one."""
    if rating not in Rating.values:
        raise ValidationFailed("请选择满意、基本满意或不满意。", log=f"bad rating {rating!r}")
    message = (
        Message.objects.select_for_update().filter(tracking_no=tracking_no.strip().upper()).first()
    )
    if message is None or not query_code_matches(message, code):
        raise ValidationFailed(
            "留言编号或查询码不正确。", log="rating refused: wrong number or code"
        )
    if message.status != Status.REPLIED:
        raise InvalidTransition(
            "留言答复后才能评价。", log=f"message {message.pk}: rating before reply"
        )
    message.rating = rating
    message.rated_at = clock.now()
    message.save(update_fields=["rating", "rated_at", "updated_at"])
    return message


# ------------------------------------------------------------------------------- the office


def _lock(message: Message) -> Message:
    return Message.objects.select_for_update(of=("self",)).select_related("unit").get(pk=message.pk)


def _move(message: Message, status: str) -> None:
    if not message.can_move_to(status):
        raise InvalidTransition(
            f"该留言当前状态为“{message.get_status_display()}”，不能进行此操作。",
            log=f"message {message.pk}: {message.status} -> {status} not allowed",
        )
    message.status = status


def _require_office(actor: Actor, message: str) -> None:
    if actor is not None:
        permissions.require(permissions.can_manage_messages(actor), message)


def _handling_unit(unit: Unit) -> None:
    if not unit.is_active or unit.kind in (UnitKind.VILLAGE, UnitKind.ENTERPRISE):
        raise ValidationFailed(
            "请选择县直部门或乡镇人民政府承办。", log=f"message to unit kind {unit.kind}"
        )


@transaction.atomic
def message_assign(*, actor: Actor, message: Message, unit: Unit) -> Message:
    """The office passes a message to the unit that answers it (分办). The clock keeps running
    from the day of receipt."""
    _require_office(actor, "只有县政务公开办可以分办留言。")
    message = _lock(message)
    _handling_unit(unit)
    if message.status != Status.SUBMITTED:
        raise InvalidTransition(
            "该留言已分办，如需改由其他单位办理请使用转办。",
            log=f"message {message.pk}: assign when {message.status}",
        )
    _move(message, Status.ASSIGNED)
    message.unit = unit
    message.assigned_at = clock.now()
    message.save()
    audit(
        actor=actor,
        action="interaction.assign",
        target=message,
        unit_code=unit.code,
        summary=f"{message.tracking_no} 分办至{unit.name}",
    )
    return message


@transaction.atomic
def message_transfer(*, actor: Actor, message: Message, unit: Unit, reason: str) -> Message:
    """Pass a message to another unit of the county (转办), by the office or the unit holding it,
    with the reason. The due date stays (the module docstring says why)."""
    message = _lock(message)
    if actor is not None:
        permissions.require(
            permissions.can_manage_messages(actor)
            or (
                message.unit is not None and permissions.can_handle_messages_of(actor, message.unit)
            ),
            "只有县政务公开办或当前承办单位可以转办该留言。",
        )
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请填写转办理由。", log="transfer without reason")
    _handling_unit(unit)
    if message.unit_id == unit.pk:
        raise ValidationFailed("该留言已由该单位承办。", log="transfer to the same unit")
    if not message.is_open:
        raise InvalidTransition(
            "已答复或已关闭的留言不能转办。", log=f"message {message.pk}: transfer when closed"
        )
    before = message.unit
    _move(message, Status.ASSIGNED)
    message.unit = unit
    message.assigned_at = clock.now()
    message.save()
    audit(
        actor=actor,
        action="interaction.transfer",
        target=message,
        unit_code=unit.code,
        summary=f"{message.tracking_no} 由{before.name if before else '县政务公开办'}"
        f"转办至{unit.name}：{reason}",
        data={"from": before.code if before else "", "to": unit.code, "reason": reason},
    )
    return message


@transaction.atomic
def message_mark_simple(*, actor: Actor, message: Message, simple: bool) -> Message:
    """Mark a consultation or leader's message simple (3 working days) or not (5); the due date is
    counted again from the day of receipt. 找错 reports have their own period."""
    _require_office(actor, "只有县政务公开办可以认定简单问题。")
    message = _lock(message)
    if not message.is_open:
        raise InvalidTransition("留言已答复或已关闭。", log="mark simple when closed")
    if message.box == Box.JIUCUO:
        raise ValidationFailed("网站找错留言按网站找错的期限办理。", log="mark simple on jiucuo")
    message.simple = simple
    _recompute_due(message)
    message.save()
    audit(
        actor=actor,
        action="interaction.simple",
        target=message,
        summary=f"{message.tracking_no} " + ("认定为简单问题" if simple else "取消简单问题认定"),
    )
    return message


def _mask_for_public(text: str, message: Message) -> str:
    """The text as the public pages show it: personal data masked by the checks publications use
    (ID, bank-card and mobile numbers), and the writer's own name, phone and email wherever they
    appear in it."""
    masked = masking.mask_plain(text, checks.checker()).text
    if message.name and len(message.name) > 1:
        masked = masked.replace(message.name, textcheck.mask_name(message.name))
    if message.phone:
        masked = masked.replace(message.phone, textcheck.mask_mobile(message.phone))
    if message.email:
        local, _, domain = message.email.partition("@")
        masked = re.sub(re.escape(message.email), f"{local[:1]}***@{domain}", masked)
    return masked


@transaction.atomic
def message_reply(*, actor: Actor, message: Message, reply: str) -> Message:
    """The handling unit (or the office) answers. The answer reaches the writer's tracking page
    at once and, unless the writer asked for privacy, the public list with personal data masked
    (the office may still withhold it on review)."""
    message = _lock(message)
    if actor is not None:
        permissions.require(
            permissions.can_manage_messages(actor)
            or permissions.can_handle_messages_of(actor, message.unit),
            "只有承办单位或县政务公开办可以答复该留言。",
        )
    reply = reply.strip()
    if not reply:
        raise ValidationFailed("请填写答复内容。", log="reply without text")
    _move(message, Status.REPLIED)
    now = clock.now()
    message.reply = reply[:5000]
    message.replied_at = now
    message.replied_on = clock.localdate(now)
    message.replied_by = actor
    message.public_title = _mask_for_public(message.title, message)
    message.public_body = _mask_for_public(message.body, message)
    message.public_reply = _mask_for_public(message.reply, message)
    message.save()
    late = message.due_on is not None and message.replied_on > message.due_on
    audit(
        actor=actor,
        action="interaction.reply",
        target=message,
        unit_code=message.unit.code if message.unit else "",
        summary=f"{message.tracking_no} 答复" + ("（已超期）" if late else ""),
    )
    return message


@transaction.atomic
def message_review(
    *, actor: Actor, message: Message, approve: bool, note: str = "", withhold: bool = False
) -> Message:
    """The office reviews an answer: approves it (and may withhold it from the public list, with
    a note saying why), or sends it back to the unit with a note (办理中 again; the due date
    stays, so a reply sent back late is late)."""
    _require_office(actor, "只有县政务公开办可以审核答复。")
    message = _lock(message)
    note = note.strip()
    if message.status != Status.REPLIED:
        raise InvalidTransition("只能审核已答复的留言。", log="review before reply")
    if (not approve or withhold) and not note:
        raise ValidationFailed("退回或不予公开时请填写审核意见。", log="review without note")
    message.review_note = note[:500]
    message.reviewed_at = clock.now()
    if approve:
        message.withheld = withhold
        summary = "审核通过" + ("，不予公开" if withhold else "")
    else:
        _move(message, Status.ASSIGNED if message.unit else Status.SUBMITTED)
        message.replied_at = message.replied_on = None
        message.replied_by = None
        summary = "退回重新答复"
    message.save()
    audit(
        actor=actor,
        action="interaction.review",
        target=message,
        summary=f"{message.tracking_no} {summary}" + (f"：{note}" if note else ""),
    )
    return message


@transaction.atomic
def message_mark_invalid(*, actor: Actor, message: Message, reason: str) -> Message:
    """Close a message that needs no answer (广告、辱骂、重复、无实质内容), with the reason; it no
    longer counts as a valid message left unanswered."""
    _require_office(actor, "只有县政务公开办可以认定无效留言。")
    message = _lock(message)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请填写认定为无效留言的原因。", log="invalid without reason")
    _move(message, Status.INVALID)
    message.invalid_reason = reason[:200]
    message.save()
    audit(
        actor=actor,
        action="interaction.invalid",
        target=message,
        summary=f"{message.tracking_no} 认定为无效留言：{reason}",
    )
    return message


@transaction.atomic
def settings_update(*, actor: Actor, values: Mapping[str, Any]) -> InteractionSettings:
    """Save the office's answer periods; open messages keep the due dates they have (a promise
    made to a writer is not changed afterwards)."""
    _require_office(actor, "只有县政务公开办可以修改留言办理期限。")
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed("包含无法识别的字段。", log=f"unknown fields {sorted(unknown)}")
    row = (
        InteractionSettings.objects.select_for_update()
        .filter(pk=InteractionSettings.SINGLETON_ID)
        .first()
        or InteractionSettings()
    )
    before = {name: getattr(row, name) for name in SETTINGS_FIELDS}
    for name, value in values.items():
        days = int(value)
        if not 1 <= days <= MAX_PERIOD:
            raise ValidationFailed(
                f"期限应为1至{MAX_PERIOD}个工作日。", log=f"bad period {name}={value!r}"
            )
        setattr(row, name, days)
    row.updated_by = actor
    row.save()
    audit(
        actor=actor,
        action="interaction.settings",
        target=row,
        summary="修改留言办理期限：一般{normal_days}、简单{simple_days}、找错{jiucuo_days}个工作日".format(
            **{name: getattr(row, name) for name in SETTINGS_FIELDS}
        ),
        data={"before": before},
    )
    return row
