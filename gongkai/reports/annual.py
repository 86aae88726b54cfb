"""The 政府信息公开工作年度报告 of a unit or of the county (条例第四十九、五十条), in the national
format of 国办公开办函〔2021〕30号 (../shared/REFERENCE.md): every label here is verbatim.

The figures are queries over dated facts (docs/adr/0007): section 三 is
``applications.selectors.annual_report_table``; section 二's 规章 and 行政规范性文件 are counted from
the publications gongkai holds; what gongkai holds no data for (行政许可/处罚/强制, fees, section 四,
a figure the office corrects) comes from AnnualReport, entered by the office. Reads only: the
writes are in gongkai.reports.annual_services.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from gongkai.applications.models import Application
from gongkai.applications.selectors import (
    CARRIED_FORWARD,
    CARRIED_OVER,
    COLUMNS,
    NEW,
    TOTAL,
    annual_report_table,
    report_numbers,
)
from gongkai.orgs.models import Unit, UnitKind
from gongkai.publications.models import DocKind, Publication, Validity
from gongkai.reports.models import AnnualReport, AnnualStatus

TITLE = "{name}{year}年政府信息公开工作年度报告"
HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
# The text sections: (name in JSON, AnnualReport field).
OVERVIEW, PROBLEMS, OTHER = "总体情况", "存在的主要问题及改进情况", "其他需要报告的事项"
TEXT_FIELDS = {OVERVIEW: "overview", PROBLEMS: "problems", OTHER: "other_matters"}

# Section 二: four small tables, each (item of 条例第二十条, header row, rows).
ISSUED, REPEALED, VALID = "本年制发件数", "本年废止件数", "现行有效件数"
DECISIONS = "本年处理决定数量"
FEES = "本年收费金额（单位：万元）"
RULES, NORMATIVE = "规章", "行政规范性文件"
PROACTIVE_TABLES: list[dict[str, Any]] = [
    {
        "item": "第二十条第（一）项",
        "columns": [ISSUED, REPEALED, VALID],
        "rows": [RULES, NORMATIVE],
    },
    {"item": "第二十条第（五）项", "columns": [DECISIONS], "rows": ["行政许可"]},
    {"item": "第二十条第（六）项", "columns": [DECISIONS], "rows": ["行政处罚", "行政强制"]},
    {"item": "第二十条第（八）项", "columns": [FEES], "rows": ["行政事业性收费"]},
]
PROACTIVE_HEAD = "信息内容"
# The cells gongkai counts from its publications (the office may still correct them).
COMPUTED = {(row, column) for row in (RULES, NORMATIVE) for column in (ISSUED, REPEALED, VALID)}

# Section 四: one row of 15 numbers.
REVIEW, DIRECT_SUIT, SUIT_AFTER_REVIEW = "行政复议", "未经复议直接起诉", "复议后起诉"
LITIGATION = "行政诉讼"
REVIEW_GROUPS = [REVIEW, DIRECT_SUIT, SUIT_AFTER_REVIEW]
REVIEW_COLUMNS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]

APPLICATION_ROWS_SUM_CHECKED = [NEW, CARRIED_OVER, TOTAL, CARRIED_FORWARD]
_KINDS = {RULES: DocKind.RULE, NORMATIVE: DocKind.NORMATIVE}
_ENDED = (Validity.REPEALED, Validity.EXPIRED)


def county_name() -> str:
    """The county government's name (the unit of kind 县政府 at the top of the tree)."""
    county = Unit.objects.filter(kind=UnitKind.COUNTY).order_by("sort_order", "pk").first()
    return county.name if county is not None else "全县"


def stored_report(year: int, unit: Unit | None) -> AnnualReport:
    """The AnnualReport of ``year`` and ``unit`` (None: the county), or an unsaved empty draft."""
    found = AnnualReport.objects.filter(year=year, unit=unit).first()
    return found if found is not None else AnnualReport(year=year, unit=unit)


def stored_reports(year: int) -> dict[int | None, AnnualReport]:
    """The year's saved reports by unit id (None: the county's)."""
    return {r.unit_id: r for r in AnnualReport.objects.filter(year=year)}


# ------------------------------------------------------------------------------- section 二


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=zone),
        dt.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def proactive_computed(year: int, unit: Unit | None) -> dict[str, dict[str, int]]:
    """规章 and 行政规范性文件 counted from the published publications of ``unit`` (every unit for
    None): 本年制发 — 成文日期 in the year; 本年废止 — 已废止 or 已失效 with its 失效日期 in the year
    (one repealed without a date cannot be placed in a year and is left to the office);
    现行有效 — written by the year's end and in force at it (现行有效 without a 失效日期 up to then,
    or ended only after it). One query."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found = Publication.objects.published().filter(doc_kind__in=list(_KINDS.values()))
    if unit is not None:
        found = found.filter(unit=unit)
    else:  # public enterprises' items are not government information (docs/adr/0023)
        found = found.exclude(unit__kind=UnitKind.ENTERPRISE)
    in_force_at_end = (
        Q(validity=Validity.VALID) & (Q(expires_on__isnull=True) | Q(expires_on__gt=end))
    ) | Q(validity__in=_ENDED, expires_on__gt=end)
    rows = (
        found.order_by()
        .values("doc_kind")
        .annotate(
            issued=Count("pk", filter=Q(written_on__gte=start, written_on__lte=end)),
            repealed=Count(
                "pk", filter=Q(validity__in=_ENDED, expires_on__gte=start, expires_on__lte=end)
            ),
            valid=Count("pk", filter=Q(written_on__lte=end) & in_force_at_end),
        )
    )
    by_kind = {row["doc_kind"]: row for row in rows}
    result = {}
    for name, kind in _KINDS.items():
        row = by_kind.get(kind, {})
        result[name] = {
            ISSUED: row.get("issued", 0),
            REPEALED: row.get("repealed", 0),
            VALID: row.get("valid", 0),
        }
    return result


def _number(value: Any) -> int | float | None:
    """An entered figure as a JSON number; None when nothing was entered."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def proactive_section(
    year: int, unit: Unit | None, entered: dict[str, Any]
) -> tuple[dict[str, dict[str, int | float]], dict[str, dict[str, str]]]:
    """Section 二 as ({row: {column: value}}, {row: {column: "computed"|"entered"}}): a figure
    the office entered wins; otherwise the computed count, or 0."""
    computed = proactive_computed(year, unit)
    values: dict[str, dict[str, int | float]] = {}
    sources: dict[str, dict[str, str]] = {}
    for table in PROACTIVE_TABLES:
        for row in table["rows"]:
            values[row], sources[row] = {}, {}
            for column in table["columns"]:
                own = _number((entered.get(row) or {}).get(column))
                if own is not None:
                    values[row][column], sources[row][column] = own, "entered"
                elif (row, column) in COMPUTED:
                    values[row][column], sources[row][column] = computed[row][column], "computed"
                else:
                    values[row][column], sources[row][column] = 0, "entered"
    return values, sources


# ------------------------------------------------------------------------------- section 四


def review_section(entered: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Section 四 as {group: {column: n}} (行政复议, 未经复议直接起诉, 复议后起诉), 0 where the
    office entered nothing."""
    result: dict[str, dict[str, int]] = {}
    for group in REVIEW_GROUPS:
        cells = entered.get(group) or {}
        result[group] = {}
        for column in REVIEW_COLUMNS:
            value = _number(cells.get(column))
            result[group][column] = int(value) if value is not None else 0
    return result


# ------------------------------------------------------------------------------- checks


def check_numbers(
    applications: dict[str, dict[str, int]], review_litigation: dict[str, dict[str, int]]
) -> list[str]:
    """What does not add up, one Chinese sentence each (empty when everything does).

    Section 三, per column: 一 + 二 = （七）总计 + 四 (the table's own rule), and every row's 总计 is
    the sum of its six applicant columns. Section 四: each group's 总计 is the sum of its four
    results."""
    problems: list[str] = []
    for column in COLUMNS:
        left = applications[NEW][column] + applications[CARRIED_OVER][column]
        right = applications[TOTAL][column] + applications[CARRIED_FORWARD][column]
        if left != right:
            problems.append(
                f"三、“{column}”列：本年新收（{applications[NEW][column]}）加上年结转"
                f"（{applications[CARRIED_OVER][column]}）为{left}，不等于总计"
                f"（{applications[TOTAL][column]}）加结转下年度继续办理"
                f"（{applications[CARRIED_FORWARD][column]}）之和{right}。"
            )
    for row, cells in applications.items():
        parts = sum(cells[column] for column in COLUMNS[:-1])
        if parts != cells[TOTAL]:
            problems.append(f"三、“{row}”行：各类申请人之和为{parts}，总计列却为{cells[TOTAL]}。")
    for group, cells in review_litigation.items():
        parts = sum(cells[column] for column in REVIEW_COLUMNS[:-1])
        if parts != cells["总计"]:
            problems.append(
                f"四、{group}：结果维持、结果纠正、其他结果、尚未审结之和为{parts}，"
                f"总计却为{cells['总计']}。"
            )
    return problems


# ------------------------------------------------------------------------------- texts


def _published_count(year: int, unit: Unit | None) -> int:
    start, end = _year_bounds(year)
    found = Publication.objects.published().filter(published_at__gte=start, published_at__lt=end)
    if unit is None:  # public enterprises' items are not government information (adr 0023)
        return found.exclude(unit__kind=UnitKind.ENTERPRISE).count()
    return found.filter(unit=unit).count()


def _fees_paid(year: int, unit: Unit | None) -> tuple[int, Decimal]:
    found = Application.objects.filter(fee_paid_on__year=year, fee_amount__gt=0)
    if unit is not None:
        found = found.filter(account_unit=unit)
    totals = found.aggregate(n=Count("pk"), amount=Sum("fee_amount"))
    return totals["n"] or 0, totals["amount"] or Decimal(0)


def starting_texts(
    year: int,
    unit: Unit | None,
    name: str,
    applications: dict[str, dict[str, int]],
    proactive: dict[str, dict[str, int | float]],
) -> dict[str, str]:
    """The generated first drafts of sections 一, 五 and 六, from the year's figures."""
    published = _published_count(year, unit)
    new, carried = applications[NEW][TOTAL], applications[CARRIED_OVER][TOTAL]
    handled, forward = applications[TOTAL][TOTAL], applications[CARRIED_FORWARD][TOTAL]
    normative = proactive[NORMATIVE][ISSUED]
    overview = (
        f"{year}年，{name}认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政务公开工作。"
        f"全年主动公开政府信息{published}条，制发行政规范性文件{normative}件；"
        f"收到政府信息公开申请{new}件，上年结转{carried}件，"
        f"本年度办结{handled}件，结转下年度继续办理{forward}件。"
    )
    count, amount = _fees_paid(year, unit)
    fees = (
        f"本年度收取信息处理费{count}件，共计{amount:.2f}元。"
        if count
        else "本年度未收取信息处理费。"
    )
    return {
        OVERVIEW: overview,
        PROBLEMS: (
            f"{year}年政务公开工作存在的主要问题：（请填写）。改进情况及下一步工作：（请填写）。"
        ),
        OTHER: fees + "无其他需要报告的事项。",
    }


# ------------------------------------------------------------------------------- the report


def annual_report(*, year: int, unit: Unit | None = None) -> dict[str, Any]:
    """The whole annual report of ``unit`` (None: the county, every unit) for ``year``.

    Returns {"year", "unit": the unit's or county's name, "scope": "unit"|"county", "unit_code",
    "title", "status", "finalized_at", "headings": the six section headings, "sections": {name:
    text} for 一/五/六 (stored, else generated), "generated": names of sections still holding
    the generated text, "proactive": {row: {column: value}}, "proactive_tables": the layout of
    section 二, "proactive_sources": {row: {column: "computed"|"entered"}}, "applications": {row:
    {column: n}} of section 三, "application_rows": the table's rows with labels and numbering,
    "columns", "review_litigation": {group: {column: n}}, "checks": what does not add up}.
    Eight queries.
    """
    stored = stored_report(year, unit)
    name = unit.name if unit is not None else county_name()
    table = annual_report_table(year, units=[unit] if unit is not None else None)
    applications = report_numbers(table)
    proactive, sources = proactive_section(year, unit, stored.proactive or {})
    review = review_section(stored.review_litigation or {})
    drafts = starting_texts(year, unit, name, applications, proactive)
    sections, generated = {}, []
    for section, field in TEXT_FIELDS.items():
        text = getattr(stored, field)
        if not text.strip():
            text = drafts[section]
            generated.append(section)
        sections[section] = text
    return {
        "year": year,
        "unit": name,
        "unit_code": unit.code if unit is not None else "",
        "scope": "unit" if unit is not None else "county",
        "title": TITLE.format(name=name, year=year),
        "status": stored.status or AnnualStatus.DRAFT,
        "finalized_at": stored.finalized_at.isoformat() if stored.finalized_at else None,
        "headings": list(HEADINGS),
        "sections": sections,
        "generated": generated,
        "proactive": proactive,
        "proactive_sources": sources,
        "proactive_tables": [
            {
                "item": t["item"],
                "columns": [PROACTIVE_HEAD, *t["columns"]],
                "rows": list(t["rows"]),
            }
            for t in PROACTIVE_TABLES
        ],
        "columns": list(table["columns"]),
        "applications": applications,
        "application_rows": table["rows"],
        "review_litigation": review,
        "checks": check_numbers(applications, review),
    }
