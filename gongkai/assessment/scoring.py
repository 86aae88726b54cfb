"""The score table of an indicator set: every assessed unit's score on every indicator, its total
and its rank within its group (departments, townships), computed live up to an as-of date, or the
frozen table once the office has finalised it (定稿).

Each indicator earns ``weight × ratio`` points, rounded half up to 0.1; a unit's total is the sum
of its rounded points, so the printed table adds up. The ratios (0–1), for the year from
1 January to the as-of date (gongkai.assessment.facts counts them):

- 发布数量 (volume): published items ÷ the year's target for the unit's kind pro-rated by the
  days elapsed, capped at 1. A kind without a target is not assessed on volume (full marks).
- 更新及时 (freshness): the share of months with at least one published item — the ● months of
  the monthly report count against it. Months counted are the complete months up to the as-of
  date; the running month counts only once it has an item, so nobody loses marks for a month
  that is not over.
- 公开及时 (timely publication): 1 − the share of items published late (条例第二十六条, as
  gongkai.publications.services marks them).
- 依申请按时答复 (timely reply): replies made by their due date ÷ replies owed in the period.
- 检查发现 (findings): 1 − items published with blocking findings ÷ ``zero_at``, floored at 0.
- 人工评分 (manual): the office's entered points ÷ weight; not yet entered counts 0.

Where a unit has nothing to measure — no items for 公开及时 or 检查发现, no reply owed for
依申请按时答复 — it gets full marks, marked 不适用 (no application is no failure: the seeds judge
timeliness by the replies made, seed 000's 及时回复率达100%). Keeping every unit on the same
total weight keeps the ranking comparable.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from gongkai.assessment.facts import (
    ReplyFacts,
    UnitFacts,
    clip_as_of,
    month_ranges,
    publication_facts,
    reply_facts,
    units_by_id,
)
from gongkai.assessment.models import (
    Indicator,
    IndicatorSet,
    ManualScore,
    Measure,
    ScoreSnapshot,
)
from gongkai.orgs.models import Unit
from gongkai.reports import monthly

ASSESSED_GROUPS = (monthly.DEPARTMENTS, monthly.TOWNSHIPS)
TENTH = Decimal("0.1")
NOT_APPLICABLE = "不适用"


def points(weight: Decimal, ratio: Fraction) -> Decimal:
    """``weight × ratio`` rounded half up to 0.1 (ratio kept exact until the rounding)."""
    exact = Fraction(weight) * ratio
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(TENTH, ROUND_HALF_UP)


def points_text(value: float | None) -> str:
    """Points as printed: 20 not 20.0, 7.5 as is; empty when not entered."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def elapsed_share(year: int, as_of: dt.date) -> Fraction:
    """The share of ``year`` elapsed by the end of ``as_of``."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return Fraction((as_of - first).days + 1, (last - first).days + 1)


def volume_ratio(count: int, target: int | None, share: Fraction) -> tuple[Fraction, str]:
    if not target:
        return Fraction(1), f"发布{count}条（未设目标，不扣分）"
    due = target * share
    ratio = min(Fraction(1), Fraction(count) / due) if due else Fraction(1)
    return ratio, f"发布{count}条／应发布{float(due):.0f}条（全年{target}条）"


def freshness_ratio(facts: UnitFacts, year: int, as_of: dt.date) -> tuple[Fraction, str]:
    counted = with_items = 0
    for month, _first, last in month_ranges(year, as_of):
        has_items = facts.months.get(month, 0) > 0
        complete = last == _month_end(year, month)
        if complete or has_items:
            counted += 1
            with_items += has_items
    if counted == 0:
        return Fraction(1), NOT_APPLICABLE
    return Fraction(with_items, counted), f"{with_items}／{counted}个月有发布"


def _month_end(year: int, month: int) -> dt.date:
    return monthly.Period(year, month).last_day


def lateness_ratio(facts: UnitFacts) -> tuple[Fraction, str]:
    if facts.total == 0:
        return Fraction(1), f"{NOT_APPLICABLE}（无发布信息）"
    return 1 - Fraction(facts.late, facts.total), f"超期公开{facts.late}条／共{facts.total}条"


def reply_ratio(facts: ReplyFacts) -> tuple[Fraction, str]:
    if facts.due_total == 0:
        return Fraction(1), f"{NOT_APPLICABLE}（无应答复的申请）"
    return (
        Fraction(facts.on_time_total, facts.due_total),
        f"按时答复{facts.on_time_total}件／应答复{facts.due_total}件",
    )


def findings_ratio(facts: UnitFacts, zero_at: int | None) -> tuple[Fraction, str]:
    if facts.total == 0:
        return Fraction(1), f"{NOT_APPLICABLE}（无发布信息）"
    limit = zero_at or 1
    ratio = max(Fraction(0), 1 - Fraction(facts.blocked, limit))
    return ratio, f"带问题发布{facts.blocked}条（{limit}条扣完）"


def assessed_units(by_id: dict[int, Unit]) -> list[Unit]:
    """The units assessed: active departments and stationed units, townships and the community
    committee (the monthly report's two tables), in organisation order."""
    return [
        u
        for u in by_id.values()
        if u.is_active and monthly.GROUP_OF_KIND.get(u.kind) in ASSESSED_GROUPS  # type: ignore[call-overload]
    ]


def score_table(indicator_set: IndicatorSet, *, as_of: dt.date) -> dict[str, Any]:
    """The set's score table: the frozen one when finalised, else computed up to ``as_of``."""
    snapshot = ScoreSnapshot.objects.filter(indicator_set=indicator_set).first()
    if snapshot is not None:
        return dict(snapshot.table)
    return compute_table(indicator_set, as_of=as_of)


def compute_table(
    indicator_set: IndicatorSet,
    *,
    as_of: dt.date,
    facts: dict[int, UnitFacts] | None = None,
    replies: dict[int, ReplyFacts] | None = None,
    by_id: dict[int, Unit] | None = None,
) -> dict[str, Any]:
    """Compute the set's score table live (a handful of queries whatever the number of units).

    Returns {"set": {id, year, name}, "as_of", "frozen": False, "indicators": [{id, name,
    weight, measure, measure_label}], "total_weight", "rows": [{unit, code, group, group_label,
    scores: [{indicator, points, ratio, detail}], total, rank}]}; rows by group, then rank, then
    unit order. ``facts`` (with late items and findings), ``replies`` and ``by_id`` may be
    passed in by a caller that already has them.
    """
    year = indicator_set.year
    as_of = clip_as_of(year, as_of)
    indicators = list(indicator_set.indicators.all())
    measures = {i.measure for i in indicators}
    by_id = by_id if by_id is not None else units_by_id()
    needs_items = measures & {
        Measure.VOLUME,
        Measure.FRESHNESS,
        Measure.TIMELY_PUBLICATION,
        Measure.FINDINGS,
    }
    if facts is None:
        facts = publication_facts(year=year, as_of=as_of, by_id=by_id) if needs_items else {}
    replies = (
        reply_facts(year=year, as_of=as_of, by_id=by_id) if Measure.TIMELY_REPLY in measures else {}
    )
    entered = {
        (s.indicator_id, s.unit_id): s
        for s in ManualScore.objects.filter(indicator__indicator_set=indicator_set)
    }
    share = elapsed_share(year, as_of)
    order = {pk: n for n, pk in enumerate(by_id)}
    rows: list[dict[str, Any]] = []
    for unit in assessed_units(by_id):
        unit_facts = facts.get(unit.pk, UnitFacts())
        cells = [
            _cell(i, unit, unit_facts, replies.get(unit.pk, ReplyFacts()), entered, share, as_of)
            for i in indicators
        ]
        total = sum((Decimal(c["points"] or 0) for c in cells), Decimal(0))
        group = monthly.GROUP_OF_KIND[unit.kind]  # type: ignore[index]
        rows.append(
            {
                "unit": unit.name,
                "code": unit.code,
                "group": group,
                "group_label": monthly.GROUP_LABELS[group],
                "scores": cells,
                "total": float(total.quantize(TENTH)),
                "order": order[unit.pk],
            }
        )
    _rank(rows)
    rows.sort(key=lambda r: (ASSESSED_GROUPS.index(r["group"]), r["rank"], r["order"]))
    for row in rows:
        del row["order"]
    return {
        "set": {"id": indicator_set.pk, "year": year, "name": indicator_set.name},
        "as_of": as_of.isoformat(),
        "frozen": False,
        "frozen_at": None,
        "indicators": [
            {
                "id": i.pk,
                "name": i.name,
                "weight": float(i.weight),
                "measure": i.measure,
                "measure_label": Measure(i.measure).label,
            }
            for i in indicators
        ],
        "total_weight": float(sum((i.weight for i in indicators), Decimal(0))),
        "rows": rows,
    }


def _cell(
    indicator: Indicator,
    unit: Unit,
    facts: UnitFacts,
    replies: ReplyFacts,
    entered: dict[tuple[int, int], ManualScore],
    share: Fraction,
    as_of: dt.date,
) -> dict[str, Any]:
    year = as_of.year
    if indicator.measure == Measure.MANUAL:
        score = entered.get((indicator.pk, unit.pk))
        if score is None:
            return {"indicator": indicator.pk, "points": None, "ratio": None, "detail": "未录入"}
        earned = min(score.points, indicator.weight)
        return {
            "indicator": indicator.pk,
            "points": float(earned),
            "ratio": round(float(earned / indicator.weight), 4),
            "detail": score.note,
        }
    if indicator.measure == Measure.VOLUME:
        target = indicator.targets.get(unit.kind)
        ratio, detail = volume_ratio(facts.total, int(target) if target else None, share)
    elif indicator.measure == Measure.FRESHNESS:
        ratio, detail = freshness_ratio(facts, year, as_of)
    elif indicator.measure == Measure.TIMELY_PUBLICATION:
        ratio, detail = lateness_ratio(facts)
    elif indicator.measure == Measure.TIMELY_REPLY:
        ratio, detail = reply_ratio(replies)
    else:
        ratio, detail = findings_ratio(facts, indicator.zero_at)
    return {
        "indicator": indicator.pk,
        "points": float(points(indicator.weight, ratio)),
        "ratio": round(float(ratio), 4),
        "detail": detail,
    }


def _rank(rows: list[dict[str, Any]]) -> None:
    """Competition ranking within each group (1, 2, 2, 4): equal totals share a rank."""
    for group in ASSESSED_GROUPS:
        members = sorted((r for r in rows if r["group"] == group), key=lambda r: -r["total"])
        previous: float | None = None
        rank = 0
        for position, row in enumerate(members, start=1):
            if row["total"] != previous:
                rank, previous = position, row["total"]
            row["rank"] = rank
