"""The demo county's site monitoring (issue 9): eight government new-media accounts of departments
and townships with their posts over the last four months, and a week of home-page probes.

Seed 003 names 县商务局抖音号 as not updated in time, so that account stops posting about four
weeks before ``today``; 横江镇's video account posts only about once a week, so its weeks are
flagged; the others post two to four times a week. The probes of the last seven days all loaded
but one (under the 5% of 国办秘函〔2019〕19号). No incidents are recorded.

Deterministic for a given ``today`` (``random.Random`` with a fixed seed; every date relative to
``today``); idempotent: accounts are found by platform and name, posts already there are kept, and
probes are added only when none exist.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from gongkai.monitoring.models import NewMediaAccount, NewMediaPost, Platform, PostSource, Probe
from gongkai.orgs.models import Unit

SEED = 20_240_909
HISTORY_DAYS = 120
DEMO_SITE = "https://www.shicheng.gov.cn/"

# (platform, account name, unit code, posts a week (low, high), days idle before today)
ACCOUNTS = (
    (Platform.WECHAT, "石城民政", "MZJ", (2, 4), 0),
    (Platform.WECHAT, "石城市场监管", "SCJGJ", (2, 4), 0),
    (Platform.WEIBO, "石城文旅", "WGXLJ", (3, 5), 0),
    (Platform.DOUYIN, "石城商务", "SWJ", (2, 3), 27),
    (Platform.TOUTIAO, "石城教科体", "JKTJ", (2, 3), 0),
    (Platform.WECHAT, "琴江镇发布", "QJZ", (3, 5), 0),
    (Platform.WECHAT, "高田镇政务", "GTZ", (2, 4), 0),
    (Platform.CHANNELS, "横江镇", "HJZ", (0, 2), 0),
)
TITLES = (
    "政策解读｜{month}月起这些新规施行",
    "我县召开{topic}工作推进会",
    "{topic}工作简报（第{n}期）",
    "便民提示：{topic}办理指南",
    "图解：{topic}政策问答",
    "{topic}领域信息公开目录更新",
    "关于做好{topic}工作的通知",
    "短视频｜走进{topic}一线",
)
TOPICS = (
    "社会救助",
    "市场监管",
    "文化旅游",
    "消费促进",
    "义务教育",
    "乡村振兴",
    "防汛备汛",
    "森林防火",
    "医疗保障",
    "农村人居环境整治",
)


@dataclass(frozen=True)
class MonitoringSummary:
    accounts: int
    posts: int
    probes: int


def _title(rng: random.Random, on: dt.date) -> str:
    template = rng.choice(TITLES)
    return template.format(month=on.month, topic=rng.choice(TOPICS), n=rng.randint(1, 40))


@transaction.atomic
def load_monitoring(*, units: dict[str, Unit], today: dt.date) -> MonitoringSummary:
    """Load the demo accounts, their posts up to the day before ``today`` and the probes of the
    last seven days; returns what was added."""
    rng = random.Random(SEED)
    first_day = today - dt.timedelta(days=HISTORY_DAYS)
    added_accounts = 0
    new_posts: list[NewMediaPost] = []
    for platform, name, code, (low, high), idle in ACCOUNTS:
        unit = units.get(code)
        if unit is None:
            continue
        account, created = NewMediaAccount.objects.get_or_create(
            platform=platform,
            name=name,
            defaults={"unit": unit, "opened_on": first_day - dt.timedelta(days=365)},
        )
        added_accounts += created
        last_day = today - dt.timedelta(days=max(idle, 1))
        monday = first_day - dt.timedelta(days=first_day.weekday())
        while monday <= last_day:
            week = [monday + dt.timedelta(days=d) for d in range(7)]
            days = [d for d in week if first_day <= d <= last_day]
            count = min(rng.randint(low, high), len(days))
            for when in sorted(rng.sample(days, count)):
                new_posts.append(
                    NewMediaPost(
                        account=account,
                        published_on=when,
                        title=_title(rng, when),
                        source=PostSource.IMPORTED,
                    )
                )
            monday += dt.timedelta(days=7)
    before = NewMediaPost.objects.count()
    NewMediaPost.objects.bulk_create(new_posts, ignore_conflicts=True, batch_size=1000)
    added_posts = NewMediaPost.objects.count() - before

    added_probes = 0
    if not Probe.objects.exists():
        zone = timezone.get_default_timezone()
        start = dt.datetime.combine(today - dt.timedelta(days=7), dt.time(0, 15), tzinfo=zone)
        probes = []
        for n in range(28):  # every six hours over the seven days before today
            moment = start + dt.timedelta(hours=6 * n)
            failed = n == 9
            probes.append(
                Probe(
                    url=DEMO_SITE,
                    checked_at=moment,
                    ok=not failed,
                    status_code=None if failed else 200,
                    elapsed_ms=15000 if failed else rng.randint(180, 900),
                    error="超时" if failed else "",
                )
            )
        Probe.objects.bulk_create(probes)
        added_probes = len(probes)
    return MonitoringSummary(accounts=added_accounts, posts=added_posts, probes=added_probes)
