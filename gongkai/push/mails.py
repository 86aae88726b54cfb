"""The mails gongkai.push sends: the confirmation, one item (immediate), the day's digest.

Plain text, Chinese, with the unsubscribe link in the body and in List-Unsubscribe (RFC 2369)
with List-Unsubscribe-Post (RFC 8058), so mail programs show their own one-click 退订 button."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from gongkai.publications.models import Publication
from gongkai.push import links
from gongkai.push.models import Subscription


def _county() -> str:
    return str(settings.GONGKAI_COUNTY_NAME)


def _footer(subscription: Subscription) -> list[str]:
    return [
        "",
        "——",
        f"您收到此邮件，是因为您在{_county()}政务公开网站订阅了政策推送。",
        f"修改订阅：{links.link(subscription, links.MANAGE)}",
        f"退订（无需登录）：{links.link(subscription, links.UNSUBSCRIBE)}",
    ]


def _headers(subscription: Subscription) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{links.link(subscription, links.UNSUBSCRIBE)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


def _day(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localdate(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def _item_lines(item: Publication) -> list[str]:
    lines = [f"《{item.title}》"]
    meta = "　".join(
        part for part in (item.unit.name, item.doc_number, _day(item.published_at)) if part
    )
    lines.append(f"  {meta}")
    lines.append(f"  {links.absolute(item.get_absolute_url())}")
    return lines


def confirmation(subscription: Subscription) -> EmailMessage:
    """The double opt-in mail: nothing else is sent to the address until its link is opened."""
    days = settings.GONGKAI_PUSH_CONFIRM_DAYS
    body = [
        "您好：",
        "",
        f"有人（可能是您本人）用这个邮箱在{_county()}政务公开网站订阅了政策推送。",
        f"请在{days}天内打开下面的链接确认订阅；确认之前我们不会向您发送任何推送：",
        links.link(subscription, links.CONFIRM),
        "",
        "如果不是您本人订阅，请忽略本邮件，您不会再收到我们的邮件。",
    ]
    return EmailMessage(
        subject=f"【{_county()}政务公开】请确认订阅政策推送",
        body="\n".join(body) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.email],
        headers={"Auto-Submitted": "auto-generated"},
    )


def immediate(subscription: Subscription, item: Publication) -> EmailMessage:
    """One newly published item that matches the subscription."""
    body = [
        "您好：",
        "",
        "您订阅的政策有新信息发布：",
        "",
        *_item_lines(item),
        *_footer(subscription),
    ]
    return EmailMessage(
        subject=f"【{_county()}政务公开】{item.title}"[:200],
        body="\n".join(body) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.email],
        headers=_headers(subscription),
    )


def digest(subscription: Subscription, items: Sequence[Publication], on: dt.date) -> EmailMessage:
    """The day's matching items in one mail, newest first."""
    body = ["您好：", "", f"以下是与您的订阅相符的新发布信息，共{len(items)}条：", ""]
    for number, item in enumerate(items, start=1):
        first, *rest = _item_lines(item)
        body += [f"{number}. {first}", *rest, ""]
    body += _footer(subscription)
    return EmailMessage(
        subject=f"【{_county()}政务公开】{on.month}月{on.day}日政策推送（{len(items)}条）",
        body="\n".join(body) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.email],
        headers=_headers(subscription),
    )
