"""The single-veto items of 国办秘函〔2019〕19号 for the county's site, each passed, failed (which
rule, why, with the columns and dates that show it) or 未评估 (and why: the data is not held).

Any failed item makes the site 不合格 whatever its other scores (REFERENCE.md, "Website and
new-media inspection"). On a day ``as_of`` (the end of that day, county time):

- 站点无法访问: of the home-page probes in the 7 days ending on ``as_of``
  (``gongkai monitor probe``), 5% or more failed to load within 15 s → fail; no probe → 未评估.
- 首页不更新: the home page lists the newest published items of every column
  (gongkai.portal.views.home); nothing published in the 14 days ending on ``as_of`` → fail.
- 栏目不更新 (the 2015 national census's wording, kept by 19号文), any of:
  动态要闻类 columns idle 2 weeks and 通知公告、政策文件类 columns idle 6 months (183 days),
  5 or more together; 10 or more columns that should be updated and are not (a column with an
  update class that is stale, or a blank column — the census counts blank columns among them);
  5 or more blank columns (有栏目无内容; sub-columns are counted, not their parents). A column
  the office set to 不要求 (a historical topic) is left out of the first two counts.
- 互动回应差: a valid message (领导信箱、咨询、找错, gongkai.interaction) left unanswered over 3
  months within the past year (interaction.selectors.stale_messages), or an incident of that kind
  the office recorded in the past year → fail; else pass.
- 严重表述错误, 泄露国家秘密, 其他严重问题: an incident of the kind the office recorded (and did not
  cancel) in the year ending on ``as_of`` → fail; else pass, as far as the records go.

Boundaries are the one rule of gongkai.monitoring.freshness.is_overdue: idle 13 days is fresh,
14 days is not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from gongkai.core import clock
from gongkai.interaction.models import Message
from gongkai.interaction.selectors import stale_messages
from gongkai.monitoring.freshness import (
    FORTNIGHTLY,
    HALF_YEARLY,
    ColumnFreshness,
    column_freshness,
    end_of,
    is_overdue,
)
from gongkai.monitoring.models import Incident, IncidentKind, Probe
from gongkai.monitoring.rectification import rectification_url
from gongkai.orgs.models import Unit, UnitKind
from gongkai.publications.models import ColumnKind, Publication, PublicationStatus

PASS, FAIL, NOT_EVALUATED = "pass", "fail", "not_evaluated"
OUTCOME_LABELS = {PASS: "通过", FAIL: "不合格", NOT_EVALUATED: "未评估"}

PROBE_WINDOW_DAYS = 7
PROBE_TIMEOUT_S = 15
PROBE_FAIL_SHARE = 0.05
HOME_IDLE_DAYS = FORTNIGHTLY
NEWS_IDLE_DAYS = FORTNIGHTLY
NOTICE_IDLE_DAYS = HALF_YEARLY
IDLE_COLUMNS_LIMIT = 5
NOT_UPDATED_LIMIT = 10
BLANK_LIMIT = 5
MAX_EVIDENCE = 30  # a failed probe week can hold hundreds of rows; the page lists this many

RULES = (
    ("unreachable", "站点无法访问"),
    ("home", "首页不更新"),
    ("columns", "栏目不更新"),
    ("interaction", "互动回应差"),
    ("wording", "严重表述错误"),
    ("secret", "泄露国家秘密"),
    ("other", "其他严重问题"),
)
INCIDENT_RULES = {
    IncidentKind.WORDING: "wording",
    IncidentKind.SECRET: "secret",
    IncidentKind.OTHER: "other",
    IncidentKind.INTERACTION: "interaction",
}


@dataclass(frozen=True)
class Evidence:
    """One line of evidence; ``unit_code`` is the unit a rectification would go to."""

    text: str
    unit_code: str | None = None
    rule_label: str = ""

    @property
    def rectification_url(self) -> str:
        return rectification_url(unit_code=self.unit_code, title=f"{self.rule_label}：{self.text}")

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "unit_code": self.unit_code}


@dataclass
class VetoResult:
    rule: str
    label: str
    outcome: str
    reason: str
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "label": self.label,
            "outcome": self.outcome,
            "outcome_label": self.outcome_label,
            "reason": self.reason,
            "evidence": [e.as_dict() for e in self.evidence],
        }


@dataclass
class SiteCheck:
    as_of: dt.date
    results: list[VetoResult]

    @property
    def verdict(self) -> str:
        outcomes = {r.outcome for r in self.results}
        if FAIL in outcomes:
            return FAIL
        return NOT_EVALUATED if NOT_EVALUATED in outcomes else PASS

    @property
    def verdict_text(self) -> str:
        failed = [r.label for r in self.results if r.outcome == FAIL]
        if failed:
            return f"不合格：单项否决（{'、'.join(failed)}）"
        unknown = [r.label for r in self.results if r.outcome == NOT_EVALUATED]
        if unknown:
            return f"已评估的单项否决指标均通过；未评估：{'、'.join(unknown)}"
        return "单项否决指标均通过"

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "verdict": self.verdict,
            "verdict_text": self.verdict_text,
            "results": [r.as_dict() for r in self.results],
        }


def site_check(
    as_of: dt.date | None = None, *, columns: list[ColumnFreshness] | None = None
) -> SiteCheck:
    """Evaluate every single-veto item for the county's site on ``as_of`` (default today);
    ``columns`` is ``column_freshness(as_of)`` when the caller already has it."""
    day = as_of or clock.today()
    office = Unit.objects.filter(kind=UnitKind.OFFICE).values_list("code", flat=True).first()
    if columns is None:
        columns = column_freshness(day)
    incidents = _incidents(day)
    return SiteCheck(
        as_of=day,
        results=[
            _unreachable(day, office),
            _home(day, office),
            _columns(columns, office),
            _interaction(incidents.get(IncidentKind.INTERACTION, []), office, stale_messages(day)),
            *(
                _serious(kind, incidents.get(kind, []), office)
                for kind in (IncidentKind.WORDING, IncidentKind.SECRET, IncidentKind.OTHER)
            ),
        ],
    )


def _label(rule: str) -> str:
    return dict(RULES)[rule]


def _result(rule: str, outcome: str, reason: str, evidence: list[Evidence]) -> VetoResult:
    label = _label(rule)
    lines = [Evidence(e.text, e.unit_code, label) for e in evidence]
    return VetoResult(rule=rule, label=label, outcome=outcome, reason=reason, evidence=lines)


def _unreachable(as_of: dt.date, office: str | None) -> VetoResult:
    since = end_of(as_of - dt.timedelta(days=PROBE_WINDOW_DAYS))
    probes = Probe.objects.filter(checked_at__gte=since, checked_at__lt=end_of(as_of))
    total = probes.count()
    if not total:
        return _result(
            "unreachable",
            NOT_EVALUATED,
            f"截至{as_of.year}年{as_of.month}月{as_of.day}日的{PROBE_WINDOW_DAYS}天内没有首页可用性检测记录"
            "（请用定时任务运行 gongkai monitor probe）。",
            [],
        )
    failed = list(probes.filter(ok=False).order_by("-checked_at")[:MAX_EVIDENCE])
    failures = probes.filter(ok=False).count()
    share = failures / total
    summary = (
        f"{PROBE_WINDOW_DAYS}天内检测{total}次，{PROBE_TIMEOUT_S}秒内未能打开{failures}次"
        f"（{share * 100:.1f}%）"
    )
    evidence = [
        Evidence(
            f"{timezone.localtime(p.checked_at):%Y-%m-%d %H:%M} {p.url}：{_probe_error(p)}",
            office,
        )
        for p in failed
    ]
    if share >= PROBE_FAIL_SHARE:
        return _result(
            "unreachable",
            FAIL,
            f"{summary}，达到{PROBE_FAIL_SHARE:.0%}。",
            evidence,
        )
    return _result("unreachable", PASS, f"{summary}，低于{PROBE_FAIL_SHARE:.0%}。", evidence)


def _probe_error(probe: Probe) -> str:
    if probe.error:
        return probe.error
    if probe.status_code:
        return f"HTTP {probe.status_code}"
    return "无法访问"


def _home(as_of: dt.date, office: str | None) -> VetoResult:
    newest = (
        Publication.objects.filter(
            status=PublicationStatus.PUBLISHED, published_at__lt=end_of(as_of)
        )
        .order_by("-published_at")
        .values("title", "published_at", "unit__code")
        .first()
    )
    if newest is None or newest["published_at"] is None:
        return _result(
            "home", FAIL, "首页从未发布信息。", [Evidence("门户网站首页没有任何已发布信息", office)]
        )
    day = clock.localdate(newest["published_at"])
    idle = (as_of - day).days
    line = f"首页最新信息“{newest['title']}”发布于{day.isoformat()}，距检查日{idle}天"
    if is_overdue(idle, HOME_IDLE_DAYS):
        return _result(
            "home",
            FAIL,
            f"首页已{idle}天没有新信息（超过2周未更新）。",
            [Evidence(line, office)],
        )
    return _result("home", PASS, f"{line}。", [])


def _describe(column: ColumnFreshness) -> str:
    if column.latest is None:
        return f"“{column.name}”栏目从未更新"
    return f"“{column.name}”栏目最近发布于{column.latest.isoformat()}，已{column.idle_days}天未更新"


def _columns(columns: list[ColumnFreshness], office: str | None) -> VetoResult:
    duty = [c for c in columns if c.update_days is not None]
    news = [
        c for c in duty if c.kind == ColumnKind.NEWS and is_overdue(c.idle_days, NEWS_IDLE_DAYS)
    ]
    notices = [
        c for c in duty if c.kind == ColumnKind.NOTICE and is_overdue(c.idle_days, NOTICE_IDLE_DAYS)
    ]
    blank = [c for c in columns if c.blank and c.is_leaf]
    should = {c.pk: c for c in columns if c.stale}
    should.update({c.pk: c for c in blank})
    not_updated = [c for c in columns if c.pk in should]  # column order

    idle_count = len(news) + len(notices)
    failed = []
    if idle_count >= IDLE_COLUMNS_LIMIT:
        failed.append(
            f"动态要闻类栏目超过2周未更新{len(news)}个、通知公告和政策文件类栏目超过6个月未更新"
            f"{len(notices)}个，合计{idle_count}个，达到{IDLE_COLUMNS_LIMIT}个"
        )
    if len(not_updated) >= NOT_UPDATED_LIMIT:
        failed.append(f"应更新但未更新的栏目{len(not_updated)}个，达到{NOT_UPDATED_LIMIT}个")
    if len(blank) >= BLANK_LIMIT:
        failed.append(f"空白栏目{len(blank)}个，达到{BLANK_LIMIT}个")

    evidence: list[Evidence] = []
    for column in news:
        evidence.append(Evidence(f"{_describe(column)}（动态要闻类，应2周内更新）", office))
    for column in notices:
        evidence.append(
            Evidence(f"{_describe(column)}（通知公告、政策文件类，应6个月内更新）", office)
        )
    listed = {c.pk for c in news} | {c.pk for c in notices}
    for column in not_updated:
        if column.pk in listed:
            continue
        if column.blank:
            evidence.append(Evidence(f"“{column.name}”为空白栏目（没有任何已发布信息）", office))
        else:
            evidence.append(
                Evidence(f"{_describe(column)}（更新要求：{column.update_class}）", office)
            )
    if failed:
        return _result("columns", FAIL, "；".join(failed) + "。", evidence)
    return _result(
        "columns",
        PASS,
        f"动态要闻类和通知公告、政策文件类栏目未按期更新{idle_count}个（不足{IDLE_COLUMNS_LIMIT}个），"
        f"应更新但未更新的栏目{len(not_updated)}个（不足{NOT_UPDATED_LIMIT}个），"
        f"空白栏目{len(blank)}个（不足{BLANK_LIMIT}个）。",
        evidence,
    )


def year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _incidents(as_of: dt.date) -> dict[str, list[Incident]]:
    """Incidents not cancelled that occurred in the year ending on ``as_of``, by kind."""
    found: dict[str, list[Incident]] = {}
    rows = Incident.objects.filter(
        Q(cancelled_at__isnull=True),
        occurred_on__gt=year_before(as_of),
        occurred_on__lte=as_of,
    ).select_related("unit")
    for incident in rows:
        found.setdefault(incident.kind, []).append(incident)
    return found


def _incident_evidence(incidents: list[Incident], office: str | None) -> list[Evidence]:
    return [
        Evidence(
            f"{i.occurred_on.isoformat()}"
            + (f" {i.unit.name}" if i.unit else "")
            + f"：{i.description}"
            + (f"（{i.evidence}）" if i.evidence else ""),
            i.unit.code if i.unit else office,
        )
        for i in incidents
    ]


def _interaction(
    incidents: list[Incident], office: str | None, stale: list[Message] | None = None
) -> VetoResult:
    stale = stale or []
    evidence = [
        Evidence(
            f"留言{m.tracking_no}（{m.get_box_display()}，{m.received_on.isoformat()}收到）"
            + (f"至{m.replied_on.isoformat()}才答复" if m.replied_on else "超过3个月未答复"),
            m.unit.code if m.unit else office,
        )
        for m in stale[:MAX_EVIDENCE]
    ]
    if incidents or stale:
        reasons = []
        if stale:
            reasons.append(f"过去一年内有{len(stale)}条有效留言超过3个月未答复")
        if incidents:
            reasons.append(f"县政务公开办登记了{len(incidents)}起互动回应差的问题（过去一年内）")
        return _result(
            "interaction",
            FAIL,
            "；".join(reasons) + "。",
            evidence + _incident_evidence(incidents, office),
        )
    return _result(
        "interaction",
        PASS,
        "过去一年内没有超过3个月未答复的有效留言，也没有登记互动回应差的问题。",
        [],
    )


def _serious(kind: str, incidents: list[Incident], office: str | None) -> VetoResult:
    rule = INCIDENT_RULES[kind]  # type: ignore[index]
    label = _label(rule)
    if incidents:
        return _result(
            rule,
            FAIL,
            f"过去一年内登记了{len(incidents)}起{label}问题。",
            _incident_evidence(incidents, office),
        )
    return _result(rule, PASS, f"过去一年内没有登记{label}问题。", [])
