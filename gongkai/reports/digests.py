"""The daily reminder e-mail to staff: what is overdue or falls due soon, sent by `gongkai tick`.

The handlers' pages list the same dates, but a county's handler opens the platform when an
application arrives, not every morning; a statutory period then runs out unseen. So once a day
each handler gets the reminders of the units they handle (the office: every unit), and each
reviewer the retained items whose periodic review has come round. A day with nothing to say sends
nothing. The mail names applications by number and unit only — no applicant's name or contact,
which stay masked outside the platform's pages (DOMAIN.md §4).

Idempotent: ``DigestSent`` records each (person, day) once the mail went out, so a second tick,
or a tick after a failure half way, sends each person at most one mail a day and nothing twice.
Where mail goes is Django's e-mail settings (GONGKAI_EMAIL_* in config/settings.py); without a
mail server it is written to files under GONGKAI_VAR_DIR/mail, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from gongkai.applications import selectors as application_selectors
from gongkai.applications.models import Application
from gongkai.core import clock
from gongkai.orgs.models import Membership, Role, User
from gongkai.publications import selectors as publication_selectors
from gongkai.publications.models import Publication
from gongkai.reports.models import DigestSent

log = logging.getLogger(__name__)

# Roles that hear about applications' dates, and about retained items due for review.
HANDLING_ROLES = frozenset({Role.HANDLER, Role.OFFICE})
REVIEWING_ROLES = frozenset({Role.REVIEWER, Role.OFFICE})


@dataclass
class Digest:
    """One person's mail for one day: each list soonest first."""

    user: User
    on: dt.date
    overdue: list[Application] = field(default_factory=list)
    reminders: list[application_selectors.Reminder] = field(default_factory=list)
    reviews: list[Publication] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.reminders) + len(self.reviews)

    @property
    def subject(self) -> str:
        return f"【政务公开】{_day(self.on)}待办提醒（{self.count}项）"

    def body(self) -> str:
        site = settings.GONGKAI_SITE_URL.rstrip("/")
        name = self.user.full_name or self.user.username
        lines = [f"{name}：", "", f"截至{_day(self.on)}，以下事项需要您处理："]
        if self.overdue:
            lines += ["", f"一、已超过答复期限的申请（{len(self.overdue)}件）"]
            lines += [
                f"  {a.tracking_no}　{a.unit.name}　答复期限{_day(a.due_on)}" for a in self.overdue
            ]
        if self.reminders:
            days = settings.GONGKAI_REMINDER_WORKDAYS
            lines += ["", f"二、{days}个工作日内到期的事项（{len(self.reminders)}项）"]
            lines += [
                f"  {r.application.tracking_no}　{r.application.unit.name}　{r.what}"
                f"　{_day(r.due)}　{_left(r.days_left)}"
                for r in self.reminders
            ]
        if self.reviews:
            lines += ["", f"三、到期应重新评估的不予公开信息（{len(self.reviews)}件）"]
            lines += [
                f"  《{p.title}》　{p.unit.name}　评估日期{_day(p.review_due)}"
                for p in self.reviews
            ]
        lines += [""]
        if site:
            lines += [f"请登录 {site}/staff/ 办理。"]
        lines += ["本邮件由政务公开平台每日自动发送，没有待办事项的日子不发送。"]
        return "\n".join(lines) + "\n"


def _day(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "待定"


def _left(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return f"已过{-days}个工作日"
    return "今日到期" if days == 0 else f"还剩{days}个工作日"


def _recipients() -> list[User]:
    """Active staff with an e-mail address and a role that hears of something."""
    roles = HANDLING_ROLES | REVIEWING_ROLES
    ids = Membership.objects.filter(role__in=roles, user__is_active=True).values("user_id")
    return list(User.objects.filter(pk__in=ids).exclude(email="").order_by("pk"))


def _handled_units(user: User) -> set[int] | None:
    """Units whose applications this person handles; None for the office (every unit)."""
    held = Membership.objects.filter(user=user).values_list("unit_id", "role")
    if any(role == Role.OFFICE for _unit, role in held):
        return None
    return {unit for unit, role in held if role == Role.HANDLER}


def digest_for(user: User, *, on: dt.date) -> Digest:
    """What ``user`` is reminded of on ``on``: the applications of the units they handle, and the
    retained items they may review."""
    digest = Digest(user=user, on=on)
    units = _handled_units(user)
    if units is None or units:
        scope = application_selectors.county_applications()
        if units is not None:
            scope = scope.filter(unit_id__in=units)
        digest.overdue = list(application_selectors.overdue(scope, on=on))
        digest.reminders = application_selectors.reminders(
            scope, on=on, days=settings.GONGKAI_REMINDER_WORKDAYS
        )
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if roles & REVIEWING_ROLES:
        digest.reviews = list(
            publication_selectors.retained_due_for_review(user).select_related("unit")
        )
    return digest


def digests_send(
    *, on: dt.date | None = None, users: Iterable[User] | None = None
) -> dict[str, Any]:
    """Send today's reminder mail to everyone who has something due and has not had it yet.

    Returns counts for the tick's log. A mail that fails is logged and tried again at the next
    tick (its DigestSent row is only written after the server accepted it)."""
    on = on or clock.today()
    sent = skipped = failed = 0
    done = set(DigestSent.objects.filter(on=on).values_list("user_id", flat=True))
    for user in users if users is not None else _recipients():
        if user.pk in done or not user.email:
            skipped += 1
            continue
        digest = digest_for(user, on=on)
        if not digest.count:
            skipped += 1
            continue
        try:
            with transaction.atomic():
                # The row first, inside the transaction: a second tick racing this one fails on
                # the unique constraint instead of sending the same mail again.
                DigestSent.objects.create(user=user, on=on, items=digest.count)
                send_mail(
                    digest.subject,
                    digest.body(),
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                    fail_silently=False,
                )
        except IntegrityError:
            skipped += 1
        except OSError:
            log.exception("reminder mail to user %s failed; retried at the next tick", user.pk)
            failed += 1
        else:
            sent += 1
    return {"sent": sent, "skipped": skipped, "failed": failed}
