"""Reads of messages with their visibility rules.

Staff: the office and leaders read every message, a unit's staff the messages assigned to their
unit (gongkai.orgs.permissions.visible_unit_ids); the writer's name and contacts are shown only
to the handling unit and the office (``writer_visible``), masked for everyone else. The public:
only answered messages the writer allowed to publish, and only their masked copies; the writer
reaches their own message with its number and query code.

The monitoring rule (国办秘函〔2019〕19号, DOMAIN.md §3): a valid message left unanswered over
3 months within the past year fails the site (``stale_messages``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from gongkai.core import clock
from gongkai.core.errors import AccessDenied
from gongkai.interaction import services
from gongkai.interaction.models import Box, Message, MessageQuerySet, Status
from gongkai.orgs import permissions
from gongkai.textcheck import mask_mobile, mask_name

STALE_MONTHS = 3


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day when it is shorter:
    31 May → 28/29 February for 3 months)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(f"no day for {year}-{month}")


def messages_visible_to(user: Any) -> MessageQuerySet:
    """The messages a staff member may read."""
    messages = Message.objects.select_related("unit")
    ids = permissions.visible_unit_ids(user)
    if ids is None:
        return messages
    return messages.filter(unit_id__in=ids)


def message_for(user: Any, pk: int) -> Message:
    """One message for a staff page; raises Message.DoesNotExist, or AccessDenied when it is
    another unit's."""
    message = Message.objects.select_related("unit", "replied_by").get(pk=pk)
    ids = permissions.visible_unit_ids(user)
    if ids is not None and message.unit_id not in ids:
        raise AccessDenied("该留言由其他单位办理，您无权查看。", log="message of another unit")
    return message


def writer_visible(user: Any, message: Message) -> bool:
    return permissions.can_see_writer_of(user, message.unit)


@dataclass(frozen=True)
class Writer:
    """The writer's data as a staff page may show it."""

    name: str
    phone: str
    email: str
    masked: bool


def writer_of(user: Any, message: Message) -> Writer:
    """The writer's name and contacts, masked unless ``user`` is of the handling unit or the
    office (DOMAIN.md §4's rule for applicants, applied to messages)."""
    if writer_visible(user, message):
        return Writer(message.name, message.phone, message.email, masked=False)
    local, _, domain = message.email.partition("@")
    return Writer(
        mask_name(message.name) if message.name else "",
        mask_mobile(message.phone) if message.phone else "",
        f"{local[:1]}***@{domain}" if message.email else "",
        masked=True,
    )


def filtered(
    messages: MessageQuerySet,
    *,
    box: str = "",
    status: str = "",
    overdue: bool = False,
    stale: bool = False,
    today: dt.date | None = None,
) -> MessageQuerySet:
    """The staff list's filters."""
    today = today or clock.today()
    if box:
        messages = messages.filter(box=box)
    if status:
        messages = messages.filter(status=status)
    if overdue:
        messages = messages.overdue(on=today)
    if stale:
        messages = messages.open().filter(received_on__lt=months_before(today, STALE_MONTHS))
    return messages.order_by("due_on", "received_on", "pk") if (overdue or stale) else messages


def counts(messages: QuerySet[Message], *, today: dt.date | None = None) -> dict[str, int]:
    """待分办, 办理中, 已超期 and 超过3个月未答复 among ``messages``, in one query."""
    today = today or clock.today()
    open_ = Q(status__in=(Status.SUBMITTED, Status.ASSIGNED))
    return messages.order_by().aggregate(
        submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
        assigned=Count("pk", filter=Q(status=Status.ASSIGNED)),
        overdue=Count("pk", filter=open_ & Q(due_on__lt=today)),
        stale=Count("pk", filter=open_ & Q(received_on__lt=months_before(today, STALE_MONTHS))),
    )


def jiucuo_waiting() -> int:
    """找错 reports not yet answered (the office's staff home)."""
    return Message.objects.open().filter(box=Box.JIUCUO).count()


def overdue_count(*, units: set[int] | None, today: dt.date) -> int:
    """Open messages past their due date, of ``units`` (None: all) — for the unit's to-do."""
    messages = Message.objects.overdue(on=today)
    if units is not None:
        messages = messages.filter(unit_id__in=units)
    return messages.count()


def stale_messages(as_of: dt.date) -> list[Message]:
    """Valid messages left unanswered for over 3 months within the year ending on ``as_of``
    (国办秘函〔2019〕19号 单项否决 互动回应差): either still open on ``as_of`` and received more
    than 3 months before, or answered more than 3 months after receipt, the answer falling in
    that year. Invalid messages (closed with a reason) do not count."""
    year_ago = months_before(as_of, 12)
    cutoff = months_before(as_of, STALE_MONTHS)
    still_open = Q(status__in=(Status.SUBMITTED, Status.ASSIGNED), received_on__lt=cutoff)
    answered = Q(status=Status.REPLIED, replied_on__gt=year_ago, replied_on__lte=as_of)
    candidates = Message.objects.filter(still_open | answered).select_related("unit")
    return [
        message
        for message in candidates.order_by("received_on", "pk")
        if message.status != Status.REPLIED
        or (
            message.replied_on is not None
            and message.received_on < months_before(message.replied_on, STALE_MONTHS)
        )
    ]


# ------------------------------------------------------------------------------- the public


def published_messages(*, box: str = "") -> QuerySet[Message]:
    """Answered messages the writer allowed to publish, newest answer first."""
    messages = Message.objects.published().select_related("unit")
    if box:
        messages = messages.filter(box=box)
    return messages.order_by("-replied_at", "-pk")


def published_message(pk: int) -> Message:
    """One published message; Message.DoesNotExist for any other (private, open, invalid)."""
    return Message.objects.published().select_related("unit").get(pk=pk)


def public_message(tracking_no: str, code: str) -> Message | None:
    """The writer's own message if ``code`` is its query code, else None (an unknown number and
    a wrong code look alike)."""
    number = tracking_no.strip().upper()
    message = Message.objects.select_related("unit").filter(tracking_no=number).first()
    if message is None:
        services.query_code_matches(Message(query_code_digest="-"), code)
        return None
    return message if services.query_code_matches(message, code) else None


BOX_LABELS = dict(Box.choices)
