"""The figures of the 政务公开月报 (seed 003; DOMAIN.md §6), computed for any month.

``monthly_report(year=, month=)`` returns one JSON-ready dict that the page, the Word document
(gongkai.reports.monthly_docx) and ``gongkai report monthly --format json`` all show:

- ``units``: every department and stationed unit (group ``departments``, 县直部门和单位), every
  township and the urban community committee (``townships``, 乡镇), and the county's and the
  office's accounts (``accounts``, 管理员帐号), each with its count of items published from
  1 January to the end of the month (``year_to_date``) and in the month (``month``), and
  ``marked`` (the ● of seed 003) exactly when it published nothing in the month. Ordered as
  seed 003's tables are: by group, then by ``year_to_date`` descending, then by unit order.
- ``groups``: totals per group and the top three units by year-to-date and by month.
- ``contributions``: items each department and township put in the 基层政务公开标准化规范化专栏.
- ``problems``: stale columns (gongkai.monitoring.freshness), wrong and sensitive words and unmasked personal data in items
  published in the month, and the policy-interpretation rate.
- ``new_media``: the new-media check (gongkai.monitoring.new_media.month_section): accounts
  monitored by platform, how many were checked, the accounts that posted fewer than required in a
  week of the month and those idle two weeks on the day of the report, each with its owner unit;
  ``None`` until new-media accounts are recorded.
- ``editor``: the editor-written parts (gongkai.reports.models.MonthlyReport), empty if none.

Counting rules: an item counts by its 发布日期 (``published_at``) read as a calendar date in the
county's time zone (Asia/Shanghai), so an item published at 23:30 on the last day of a month
counts in that month; only items currently published count (a withdrawn one does not). Villages
post on their township's account (seed 003 counts the site's items per account), so a village's
items count under the township above it.

The queries are a fixed handful whatever the number of units: the counts are one GROUP BY.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from gongkai import textcheck
from gongkai.core import clock
from gongkai.monitoring import freshness, new_media
from gongkai.orgs.models import Unit, UnitKind
from gongkai.publications import interpretation
from gongkai.publications.checks import KIND_LABELS
from gongkai.publications.models import Column, Publication, PublicationStatus
from gongkai.reports.models import MonthlyReport

DEPARTMENTS = "departments"
TOWNSHIPS = "townships"
ACCOUNTS = "accounts"
GROUP_LABELS = {
    TOWNSHIPS: "乡镇",
    DEPARTMENTS: "县直部门和单位",
    ACCOUNTS: "管理员帐号",
}
GROUP_OF_KIND = {
    UnitKind.DEPARTMENT: DEPARTMENTS,
    UnitKind.STATIONED: DEPARTMENTS,
    UnitKind.TOWNSHIP: TOWNSHIPS,
    UnitKind.COMMUNITY: TOWNSHIPS,
    UnitKind.COUNTY: ACCOUNTS,
    UnitKind.OFFICE: ACCOUNTS,
}
GROUP_ORDER = (DEPARTMENTS, TOWNSHIPS, ACCOUNTS)
# The column of seed 003's contribution table (publications migration 0002).
STANDARDIZATION_COLUMN = "standardization"
TOP = 3
MARK = "●"
NO_RATE = "无"


@dataclass(frozen=True)
class Period:
    """The year-to-date and the month of a report, as aware datetimes in the county's zone."""

    year: int
    month: int

    @property
    def year_start(self) -> dt.datetime:
        return _local(dt.date(self.year, 1, 1))

    @property
    def month_start(self) -> dt.datetime:
        return _local(dt.date(self.year, self.month, 1))

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def end(self) -> dt.datetime:
        """The first moment after the month."""
        return _local(self.last_day + dt.timedelta(days=1))

    @property
    def year_to_date_label(self) -> str:
        return f"{self.month}月" if self.month == 1 else f"1-{self.month}月"

    @property
    def month_label(self) -> str:
        return f"{self.month}月"


def _local(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the county's time zone."""
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())


def reporting_unit(unit: Unit, by_id: dict[int, Unit]) -> Unit:
    """The unit whose account a unit's items count under: a village's township (the nearest
    ancestor that is not a village), every other unit itself."""
    seen = {unit.pk}
    while unit.kind == UnitKind.VILLAGE and unit.parent_id in by_id:
        unit = by_id[unit.parent_id]
        if unit.pk in seen:  # a cycle in bad data: stop rather than loop
            break
        seen.add(unit.pk)
    return unit


def _top(rows: list[dict[str, Any]], key: str) -> list[str]:
    """The names of the first three units by ``key`` (ties in unit order); zeros are no rank."""
    ranked = sorted((r for r in rows if r[key] > 0), key=lambda r: (-r[key], r["order"]))
    return [r["unit"] for r in ranked[:TOP]]


def monthly_report(*, year: int, month: int) -> dict[str, Any]:
    """Compute the monthly report of ``year``-``month`` (see the module docstring)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {month}")
    period = Period(year, month)
    units = list(Unit.objects.only("pk", "name", "kind", "parent_id", "is_active", "sort_order"))
    by_id = {u.pk: u for u in units}
    order = {u.pk: n for n, u in enumerate(units)}  # Unit.Meta.ordering: sort_order, code
    column = Column.objects.filter(code=STANDARDIZATION_COLUMN).first()

    published = Publication.objects.filter(
        status=PublicationStatus.PUBLISHED,
        published_at__gte=period.year_start,
        published_at__lt=period.end,
    )
    in_month = Q(published_at__gte=period.month_start)
    in_column = Q(column_id=column.pk if column else None)
    counts = published.values("unit_id").annotate(
        ytd=Count("pk"),
        month=Count("pk", filter=in_month),
        column_ytd=Count("pk", filter=in_column),
        column_month=Count("pk", filter=in_column & in_month),
    )
    totals: dict[int, Counter[str]] = defaultdict(Counter)
    for row in counts.order_by():
        account = reporting_unit(by_id[row["unit_id"]], by_id)
        totals[account.pk].update(
            {k: row[k] for k in ("ytd", "month", "column_ytd", "column_month")}
        )

    rows: list[dict[str, Any]] = []
    for unit in units:
        group = GROUP_OF_KIND.get(unit.kind)  # type: ignore[call-overload]
        if group is None or (not unit.is_active and not totals.get(unit.pk)):
            continue
        counted = totals.get(unit.pk, Counter())
        rows.append(
            {
                "unit": unit.name,
                "group": group,
                "year_to_date": counted["ytd"],
                "month": counted["month"],
                "marked": counted["month"] == 0,
                "order": order[unit.pk],
                "column_ytd": counted["column_ytd"],
                "column_month": counted["column_month"],
            }
        )

    groups: dict[str, dict[str, Any]] = {}
    for group in GROUP_ORDER:
        members = [r for r in rows if r["group"] == group]
        groups[group] = {
            "label": GROUP_LABELS[group],
            "units": len(members),
            "year_to_date": sum(r["year_to_date"] for r in members),
            "month": sum(r["month"] for r in members),
            "marked": sum(1 for r in members if r["marked"]),
            "top_year_to_date": _top(members, "year_to_date"),
            "top_month": _top(members, "month"),
        }
    contributions = [
        {
            "unit": r["unit"],
            "group": r["group"],
            "month": r["column_month"],
            "year_to_date": r["column_ytd"],
        }
        for g in (DEPARTMENTS, TOWNSHIPS)
        for r in rows
        if r["group"] == g
    ]
    rows.sort(key=lambda r: (GROUP_ORDER.index(r["group"]), -r["year_to_date"], r["order"]))
    public_rows = [
        {k: r[k] for k in ("unit", "group", "year_to_date", "month", "marked")} for r in rows
    ]
    as_of = min(period.last_day, clock.today())
    return {
        "county": settings.GONGKAI_COUNTY_NAME,
        "year": year,
        "month": month,
        "year_to_date_label": period.year_to_date_label,
        "month_label": period.month_label,
        "as_of": as_of.isoformat(),
        "total": {
            "year_to_date": sum(g["year_to_date"] for g in groups.values()),
            "month": sum(g["month"] for g in groups.values()),
        },
        "groups": groups,
        "units": public_rows,
        "mark": MARK,
        "new_media": _new_media(period, as_of),
        "contributions": {
            "column": column.name if column else "",
            "units": contributions,
        },
        "problems": {
            "stale_columns": _stale_columns(as_of),
            "findings": _findings(period, by_id),
            "interpretation": _interpretation(period, units),
        },
        "editor": _editor(year, month),
    }


def _new_media(period: Period, as_of: dt.date) -> dict[str, Any] | None:
    """The new-media check, with its table (the accounts flagged or stale) ready to print."""
    media = new_media.month_section(
        first=dt.date(period.year, period.month, 1), last=period.last_day, as_of=as_of
    )
    if media is not None:
        media["table"] = {
            "header": NEW_MEDIA_HEADER,
            "rows": new_media_rows(media),
            "note": NEW_MEDIA_NOTE,
        }
    return media


def _stale_columns(as_of: dt.date) -> list[dict[str, Any]]:
    """Columns with an update class that are stale on ``as_of``, the longest idle first; a
    column never updated is idle ``None`` days (gongkai.monitoring.freshness: one index seek per
    column)."""
    return [column.as_dict() for column in freshness.stale_columns(as_of)]


def _findings(period: Period, by_id: dict[int, Unit]) -> list[dict[str, Any]]:
    """Per unit, what the checks found in the items it published in the month: wrong words,
    sensitive words and personal data published unmasked (a blocking finding left on a published
    item: the reviewer overrode the check instead of masking)."""
    items = (
        Publication.objects.filter(
            status=PublicationStatus.PUBLISHED,
            published_at__gte=period.month_start,
            published_at__lt=period.end,
        )
        .exclude(findings=[])
        .values_list("unit_id", "findings")
        .order_by()
    )
    found: dict[int, dict[str, Any]] = {}
    for unit_id, findings in items:
        wrong = sum(1 for f in findings if f.get("kind") == "wrong_word")
        sensitive = sum(1 for f in findings if f.get("kind") == "sensitive_word")
        personal = {
            f["kind"]
            for f in findings
            if f.get("kind") in textcheck.PERSONAL_DATA and f.get("severity") == "block"
        }
        if not (wrong or sensitive or personal):
            continue
        entry = found.setdefault(
            unit_id,
            {"wrong_words": 0, "sensitive_words": 0, "personal_data_items": 0, "kinds": set()},
        )
        entry["wrong_words"] += wrong
        entry["sensitive_words"] += sensitive
        if personal:
            entry["personal_data_items"] += 1
            entry["kinds"] |= personal
    rows = []
    for unit_id in sorted(found, key=lambda pk: _unit_order(by_id, pk)):
        entry = found[unit_id]
        kinds = sorted(entry.pop("kinds"))
        unit = by_id[unit_id]
        rows.append(
            {
                "unit": unit.name,
                **entry,
                "personal_data_kinds": [KIND_LABELS.get(k, k) for k in kinds],
            }
        )
    return rows


def _unit_order(by_id: dict[int, Unit], pk: int) -> tuple[int, int]:
    unit = by_id[pk]
    return (unit.sort_order, pk)


def _interpretation(period: Period, units: list[Unit]) -> dict[str, Any]:
    """The policy documents published this year up to the end of the month in the county
    government's name (县政府（办）: the county and office units) and how many were interpreted
    in time, by the rule of gongkai.publications.interpretation (the county's synchronous
    window on the office calendar). ``documents`` are those whose outcome is known (in time,
    late or missing), so ``interpreted`` of ``documents`` is the rate: seed 003's 10 of 65 is
    printed 15%. ``waiting`` are the others: the deadline not reached, or not countable."""
    county_ids = [u.pk for u in units if u.kind in (UnitKind.COUNTY, UnitKind.OFFICE)]
    lines = interpretation.policy_lines(
        first=dt.date(period.year, 1, 1), last=period.last_day, unit_ids=county_ids
    )
    row = interpretation.RateRow(unit=None, lines=lines)
    return {
        "documents": row.counted,
        "interpreted": row.in_time,
        "late": row.late,
        "missing": row.missing,
        "waiting": row.pending + row.undetermined,
        "rate": row.rate,
        "recorded": True,
    }


def _editor(year: int, month: int) -> dict[str, Any]:
    saved = MonthlyReport.objects.filter(year=year, month=month).first()
    return {
        "saved": saved is not None,
        "issue_no": saved.issue_no if saved else "",
        "issued_on": saved.issued_on.isoformat() if saved and saved.issued_on else None,
        "instructions": saved.instructions if saved else "",
        "highlights": saved.highlights if saved else "",
        "problems_note": saved.problems_note if saved else "",
        "next_steps": saved.next_steps if saved else "",
    }


def _names(names: list[str]) -> str:
    return "、".join(names) if names else "无"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def paragraphs(report: dict[str, Any]) -> dict[str, list[str]]:
    """The ● paragraphs of the report in seed 003's wording, by section, from the figures and the
    editor's parts: what the page and the Word document both print."""
    groups = report["groups"]
    towns, depts, accounts = groups[TOWNSHIPS], groups[DEPARTMENTS], groups[ACCOUNTS]
    basic = [
        f"{report['year']}年{report['year_to_date_label']}，县政府门户网站累计主动公开政府信息"
        f"{report['total']['year_to_date']}条。其中，各乡镇{towns['year_to_date']}条、"
        f"县直部门和单位{depts['year_to_date']}条、管理员帐号{accounts['year_to_date']}条。"
        f"政府信息累计公开总数列前三位的乡镇是{_names(towns['top_year_to_date'])}，"
        f"前三位的县直部门是{_names(depts['top_year_to_date'])}。",
        f"{report['month_label']}公开数列前三位的乡镇是{_names(towns['top_month'])}，"
        f"县直部门是{_names(depts['top_month'])}。{report['month_label']}共公开"
        f"{report['total']['month']}条，其中{towns['marked']}个乡镇、{depts['marked']}个县直部门和"
        "单位当月未上传政府信息（见附表“●”）。",
    ]
    media = report["new_media"]
    if media is None:
        basic.append("政务新媒体监测：无数据（政务新媒体帐号及其发布记录尚未录入）。")
    else:
        basic.append(new_media_paragraph(media))
    problems = report["problems"]
    found: list[str] = []
    stale = problems["stale_columns"]
    stale_media = media["stale"] if media else []
    if stale or stale_media:
        described = [
            f"“{s['column']}”栏目"
            + (f"已{s['idle_days']}天未更新" if s["idle_days"] is not None else "从未更新")
            + (
                "（应每天至少更新1次）"
                if s["update_days"] == 1
                else f"（应每{s['update_days']}天至少更新1次）"
            )
            for s in stale
        ] + [
            a["described"]
            + (f"已{a['idle_days']}天未更新" if a["idle_days"] is not None else "从未更新")
            for a in stale_media
        ]
        what = "、".join(w for w, on in (("网站栏目", stale), ("政务新媒体", stale_media)) if on)
        found.append(f"{what}更新不及时，如" + "；".join(described) + "。")
    worded = [f for f in problems["findings"] if f["wrong_words"] or f["sensitive_words"]]
    if worded:
        found.append(
            "存在错敏字，如"
            + "、".join(
                f"{f['unit']}上传的信息存在错词{f['wrong_words']}处、敏感词{f['sensitive_words']}处"
                for f in worded
            )
            + "。"
        )
    personal = [f for f in problems["findings"] if f["personal_data_items"]]
    if personal:
        found.append(
            "、".join(
                f"{f['unit']}在上传信息时未对{'、'.join(f['personal_data_kinds'])}进行脱敏处理"
                f"（{f['personal_data_items']}条）"
                for f in personal
            )
            + "。"
        )
    ordinals = "一二三四五六七八九十"
    problem_lines = []
    if found:
        problem_lines.append(
            "在县政府门户网站日常监测过程中发现的主要问题有："
            + "".join(f"{ordinals[n]}是{text}" for n, text in enumerate(found))
        )
    else:
        problem_lines.append("本月日常监测未发现栏目更新不及时、错敏字和个人信息未脱敏问题。")
    rate = problems["interpretation"]
    waiting = f"（另有{rate['waiting']}项解读期限未到或待定，未计入）" if rate["waiting"] else ""
    problem_lines.append(
        f"政策解读：今年以来以县政府（办）名义发布的规范性文件和政策文件共{rate['documents']}项，"
        f"按时完成政策解读{rate['interpreted']}件，解读比例：{rate['rate']}{waiting}。"
    )
    editor = report["editor"]
    problem_lines.extend(_lines(editor["problems_note"]))
    return {
        "instructions": _lines(editor["instructions"]),
        "basic": basic,
        "highlights": _lines(editor["highlights"]),
        "problems": problem_lines,
        "next_steps": _lines(editor["next_steps"]),
    }


def new_media_paragraph(media: dict[str, Any]) -> str:
    """Seed 003's sentence on the new-media check, with what the weekly counts found."""
    platforms = "、".join(f"{p['platform']}{p['count']}个" for p in media["by_platform"])
    text = (
        "根据政务公开、政府网站与政务新媒体有关考核指标要求，对县政府门户网站和全县"
        f"{media['accounts']}个政务新媒体"
        + (f"（其中{platforms}）" if platforms else "")
        + f"进行了监测抽查，抽查{media['checked']}个，抽查率达{media['check_rate']}。"
    )
    flagged, stale = len(media["flagged"]), len(media["stale"])
    if flagged or stale:
        parts = []
        if flagged:
            parts.append(f"{flagged}个政务新媒体有周更新次数少于要求的情况")
        if stale:
            parts.append(f"{stale}个政务新媒体超过2周未更新")
        text += "其中" + "，".join(parts) + "（见附表）。"
    elif media["accounts"]:
        text += "各政务新媒体均按要求更新。"
    return text


def new_media_rows(media: dict[str, Any] | None) -> list[list[str]]:
    """The table of accounts flagged or stale: 账号 | 平台 | 开办单位 | 更新不足的周 | 最近发布 |
    未更新天数 — what the page and the Word document both print."""
    if not media:
        return []
    rows: dict[tuple[str, str], list[str]] = {}
    for entry in [*media["stale"], *media["flagged"]]:
        key = (entry["platform"], entry["account"])
        if key in rows:
            continue
        weeks = [w for w in entry["weeks"] if w["flagged"]]
        rows[key] = [
            entry["account"],
            entry["platform"],
            entry["unit"],
            f"{len(weeks)}/{len(entry['weeks'])}" if entry["weeks"] else "—",
            entry["latest"] or "从未发布",
            "—" if entry["idle_days"] is None else str(entry["idle_days"]),
        ]
    return list(rows.values())


NEW_MEDIA_HEADER = ["账号", "平台", "开办单位", "更新不足的周", "最近发布", "未更新天数"]
NEW_MEDIA_NOTE = (
    "说明：政务新媒体每周（周一至周日）更新不少于规定次数（一般为2次）；超过2周未更新为不合格。"
)


def issued_on(report: dict[str, Any]) -> dt.date:
    """The date printed under the title: the editor's, else the first day after the month
    (seed 003's October report is dated 1 November)."""
    if report["editor"]["issued_on"]:
        return dt.date.fromisoformat(report["editor"]["issued_on"])
    return Period(report["year"], report["month"]).last_day + dt.timedelta(days=1)


EDITOR_NOTE = (
    "为加强政务公开工作日常监测，推进基层政务公开标准化规范化建设，全面落实《{county}{year}年政务"
    "公开工作要点》，建立政务公开月报机制，每月通报工作基本情况、存在问题和下一步工作要求，"
    "通报情况纳入年度综合考评。"
)
TABLE_NOTE = "说明：备注栏中带“●”号为当月未上传一条政府信息。"
