"""How the county's government new-media accounts keep up (seed 003: 政务新媒体每周更新不少于2次;
国办秘函〔2019〕19号: an account idle for 2 weeks fails).

- A week runs Monday to Sunday. An account is **flagged** for a week when it posted fewer than its
  ``required_per_week`` (default 2) in it; weeks before the account was opened are not checked.
- An account is **stale** on a day when it posted nothing in the 14 days ending that day
  (``idle_days >= 14``, the boundary rule of gongkai.monitoring.freshness.is_overdue); an account
  that never posted is idle since it was opened, or stale at once when its opening day is unknown.
- Only active accounts opened by the day of the check are monitored.

Every read is a fixed handful of queries: the counts per account and week are one GROUP BY.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from gongkai.monitoring.freshness import FORTNIGHTLY, is_overdue
from gongkai.monitoring.models import NewMediaAccount, NewMediaPost, Platform

IDLE_FAIL_DAYS = FORTNIGHTLY  # 19号文: 监测时间点前2周内无更新


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def last_complete_week(as_of: dt.date) -> dt.date:
    """The Monday of the last Monday–Sunday week that has ended by the end of ``as_of``."""
    monday = week_start(as_of)
    return monday if as_of.weekday() == 6 else monday - dt.timedelta(days=7)


def weeks_ending_in(first: dt.date, last: dt.date) -> list[dt.date]:
    """The Mondays of the weeks whose Sunday falls from ``first`` to ``last``."""
    sunday = first + dt.timedelta(days=(6 - first.weekday()) % 7)
    mondays = []
    while sunday <= last:
        mondays.append(sunday - dt.timedelta(days=6))
        sunday += dt.timedelta(days=7)
    return mondays


def monitored(as_of: dt.date) -> QuerySet[NewMediaAccount]:
    """The accounts under monitoring on ``as_of``: active and opened by then."""
    return (
        NewMediaAccount.objects.filter(is_active=True)
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=as_of))
        .select_related("unit")
    )


@dataclass
class AccountStatus:
    """One account on one day, with its counts in the weeks checked."""

    account: NewMediaAccount
    latest: dt.date | None
    idle_days: int | None
    stale: bool
    week_counts: dict[dt.date, int] = field(default_factory=dict)  # Monday -> posts; checked weeks

    @property
    def flagged_weeks(self) -> list[dt.date]:
        required = self.account.required_per_week
        return [monday for monday, n in self.week_counts.items() if n < required]

    @property
    def flagged(self) -> bool:
        return bool(self.flagged_weeks)

    def as_dict(self) -> dict[str, Any]:
        account = self.account
        return {
            "account": account.name,
            "platform": account.get_platform_display(),
            "unit": account.unit.name,
            "unit_code": account.unit.code,
            "described": account.described,
            "required_per_week": account.required_per_week,
            "latest": self.latest.isoformat() if self.latest else None,
            "idle_days": self.idle_days,
            "stale": self.stale,
            "weeks": [
                {
                    "start": monday.isoformat(),
                    "end": (monday + dt.timedelta(days=6)).isoformat(),
                    "posts": n,
                    "flagged": n < account.required_per_week,
                }
                for monday, n in self.week_counts.items()
            ],
            "flagged_weeks": len(self.flagged_weeks),
        }


def account_statuses(
    as_of: dt.date,
    *,
    weeks: list[dt.date] | None = None,
    accounts: QuerySet[NewMediaAccount] | None = None,
) -> list[AccountStatus]:
    """Every monitored account on ``as_of`` (or of ``accounts``), with its latest post up to
    ``as_of``, idle days, whether it is stale, and its post count in each week of ``weeks``
    (Mondays; default: the last complete week) that it was open for."""
    mondays = [last_complete_week(as_of)] if weeks is None else weeks
    chosen = monitored(as_of) if accounts is None else accounts
    annotated = chosen.annotate(
        newest=Max("posts__published_on", filter=Q(posts__published_on__lte=as_of))
    )
    listed = list(annotated)
    counts: dict[tuple[int, dt.date], int] = defaultdict(int)
    if mondays and listed:
        first, last = min(mondays), max(mondays) + dt.timedelta(days=6)
        rows = (
            NewMediaPost.objects.filter(
                account__in=[a.pk for a in listed],
                published_on__gte=first,
                published_on__lte=last,
            )
            .values("account_id", "published_on")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[(row["account_id"], week_start(row["published_on"]))] += row["n"]
    result = []
    for account in listed:
        latest: dt.date | None = account.newest
        since = latest or account.opened_on
        idle = (as_of - since).days if since else None
        opened = account.opened_on
        result.append(
            AccountStatus(
                account=account,
                latest=latest,
                idle_days=idle,
                stale=is_overdue(idle, IDLE_FAIL_DAYS),
                week_counts={
                    monday: counts[(account.pk, monday)]
                    for monday in sorted(mondays)
                    if (opened is None or opened <= monday)
                    and monday + dt.timedelta(days=6) <= as_of
                },
            )
        )
    return result


def by_platform(statuses: list[AccountStatus]) -> list[dict[str, Any]]:
    """How many accounts per platform, in the platforms' order, platforms with none left out."""
    count: dict[str, int] = defaultdict(int)
    for status in statuses:
        count[status.account.platform] += 1
    return [
        {"platform": label, "code": code, "count": count[code]}
        for code, label in Platform.choices
        if count[code]
    ]


def month_section(*, first: dt.date, last: dt.date, as_of: dt.date) -> dict[str, Any] | None:
    """The new-media check of a monthly report (seed 003): the accounts monitored by platform,
    how many were checked (all of them: 100%), the accounts flagged in a week of the month (weeks
    whose Sunday falls in the month by ``as_of``) and the accounts stale on ``as_of``, each with
    its owner unit. None when no account is recorded at all."""
    if not NewMediaAccount.objects.exists():
        return None
    mondays = weeks_ending_in(first, min(last, as_of))
    statuses = account_statuses(as_of, weeks=mondays)
    total = len(statuses)
    month_posts = dict(
        NewMediaPost.objects.filter(
            account__in=[s.account.pk for s in statuses],
            published_on__gte=first,
            published_on__lte=min(last, as_of),
        )
        .values_list("account_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    flagged = []
    for status in statuses:
        if status.flagged:
            entry = status.as_dict()
            entry["month_posts"] = month_posts.get(status.account.pk, 0)
            flagged.append(entry)
    stale = [s.as_dict() for s in sort_stale([s for s in statuses if s.stale])]
    return {
        "as_of": as_of.isoformat(),
        "accounts": total,
        "checked": total,
        "check_rate": "100%" if total else "无",
        "by_platform": by_platform(statuses),
        "weeks": [
            {"start": m.isoformat(), "end": (m + dt.timedelta(days=6)).isoformat()} for m in mondays
        ],
        "flagged": flagged,
        "stale": stale,
    }


def sort_stale(statuses: list[AccountStatus]) -> list[AccountStatus]:
    """Never-posted first, then longest idle first."""
    return sorted(statuses, key=lambda s: (s.idle_days is not None, -(s.idle_days or 0)))
