"""The figures and charts of the office's and leaders' dashboard for a year up to an as-of date:
the monthly trend of published items per group, the unit ranking (scores when the year has an
indicator set, else year-to-date counts) and the timeliness of replies by month and by unit.

Fast at province size: the publications are counted once (gongkai.assessment.facts: one grouped
query answered from an index; the late items and findings too only while live scores need them)
and the replies once (one grouped query); every chart is built from those.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gongkai.assessment import charts, scoring
from gongkai.assessment.facts import (
    UnitFacts,
    clip_as_of,
    month_ranges,
    publication_facts,
    reply_facts,
    units_by_id,
)
from gongkai.assessment.models import IndicatorSet, ScoreSnapshot
from gongkai.reports import monthly

TOP = 15  # units per ranking chart; the score table lists them all
WORST = 15  # units in the reply-timeliness chart, lowest rate first


def _rate(on_time: int, due: int) -> float:
    return round(on_time * 100 / due, 1) if due else 0.0


def dashboard(*, year: int, as_of: dt.date, indicator_set: IndicatorSet | None) -> dict[str, Any]:
    """Everything the dashboard page shows: {"year", "as_of", "totals", "charts": [Chart …],
    "ranking_source"}. ``indicator_set`` (the year's, if any) ranks by score."""
    as_of = clip_as_of(year, as_of)
    by_id = units_by_id()
    snapshot = (
        ScoreSnapshot.objects.filter(indicator_set=indicator_set).first()
        if indicator_set is not None
        else None
    )
    # Late items and findings are read only when live scores need them (they cost row reads).
    live_scores = indicator_set is not None and snapshot is None
    facts = publication_facts(
        year=year, as_of=as_of, by_id=by_id, late=live_scores, findings=live_scores
    )
    replies = reply_facts(year=year, as_of=as_of, by_id=by_id)
    months = [m for m, _first, _last in month_ranges(year, as_of)]
    x_labels = [f"{m}月" for m in range(1, 13)]

    per_group: dict[str, list[float | None]] = {}
    for group in monthly.GROUP_ORDER:
        counts = [0] * 12
        for unit_id, unit_facts in facts.items():
            if monthly.GROUP_OF_KIND.get(by_id[unit_id].kind) != group:  # type: ignore[call-overload]
                continue
            for month, n in unit_facts.months.items():
                counts[month - 1] += n
        per_group[group] = [counts[m - 1] if m in months else None for m in range(1, 13)]
    trend = charts.line_chart(
        chart_id="trend",
        title=f"{year}年各月主动公开政府信息数（按单位类别）",
        x_labels=x_labels,
        series=[(monthly.GROUP_LABELS[g], per_group[g]) for g in monthly.GROUP_ORDER],
        unit="条",
    )

    rankings = []
    if indicator_set is not None:
        table = (
            snapshot.table
            if snapshot is not None
            else scoring.compute_table(
                indicator_set, as_of=as_of, facts=facts, replies=replies, by_id=by_id
            )
        )
        source = "frozen" if table["frozen"] else "scores"
        for group in scoring.ASSESSED_GROUPS:
            rows = [r for r in table["rows"] if r["group"] == group][:TOP]
            rankings.append(
                charts.bar_chart(
                    chart_id=f"rank-{group}",
                    title=f"{monthly.GROUP_LABELS[group]}考核得分排名（前{TOP}名）",
                    items=[(r["unit"], r["total"]) for r in rows],
                    value_label="总分",
                    unit="分",
                    max_value=table["total_weight"] or None,
                    extra_columns=["名次"],
                    extra_cells=[[str(r["rank"])] for r in rows],
                )
            )
    else:
        source = "counts"
        for group in scoring.ASSESSED_GROUPS:
            ranked = _count_ranking(group, facts, by_id)[:TOP]
            rankings.append(
                charts.bar_chart(
                    chart_id=f"rank-{group}",
                    title=f"{monthly.GROUP_LABELS[group]}累计发布数排名（前{TOP}名）",
                    items=[(name, n) for name, n, _rank in ranked],
                    value_label="累计发布数",
                    unit="条",
                    extra_columns=["名次"],
                    extra_cells=[[str(rank)] for _name, _n, rank in ranked],
                )
            )

    due_by_month, on_time_by_month = [0] * 12, [0] * 12
    by_unit: list[tuple[str, int, int, int]] = []
    for unit_id, unit_replies in replies.items():
        for month in months:
            due_by_month[month - 1] += unit_replies.due.get(month, 0)
            on_time_by_month[month - 1] += unit_replies.on_time.get(month, 0)
        if unit_replies.due_total:
            unit = by_id[unit_id]
            by_unit.append(
                (unit.name, unit_replies.on_time_total, unit_replies.due_total, unit.sort_order)
            )
    month_items = [
        (f"{m}月", _rate(on_time_by_month[m - 1], due_by_month[m - 1]))
        for m in months
        if due_by_month[m - 1]
    ]
    reply_month = charts.bar_chart(
        chart_id="reply-month",
        title=f"{year}年各月依申请公开按时答复率（按答复期限所在月份）",
        items=month_items,
        value_label="按时答复率",
        unit="%",
        max_value=100,
        extra_columns=["应答复（件）", "按时答复（件）"],
        extra_cells=[
            [str(due_by_month[m - 1]), str(on_time_by_month[m - 1])]
            for m in months
            if due_by_month[m - 1]
        ],
    )
    by_unit.sort(key=lambda r: (r[1] / r[2], -r[2], r[3]))
    shown = by_unit[:WORST]
    reply_unit = charts.bar_chart(
        chart_id="reply-unit",
        title=f"各单位按时答复率（由低到高，前{WORST}个）",
        items=[(name, _rate(on_time, due)) for name, on_time, due, _order in shown],
        value_label="按时答复率",
        unit="%",
        max_value=100,
        extra_columns=["应答复（件）", "按时答复（件）"],
        extra_cells=[[str(due), str(on_time)] for _name, on_time, due, _order in shown],
    )
    due_total, on_time_total = sum(due_by_month), sum(on_time_by_month)
    return {
        "year": year,
        "as_of": as_of,
        "ranking_source": source,
        "totals": {
            "published": sum(f.total for f in facts.values()),
            "replies_due": due_total,
            "replies_on_time": on_time_total,
            "reply_rate": f"{_rate(on_time_total, due_total)}%" if due_total else "无",
        },
        "trend": trend,
        "rankings": rankings,
        "replies": [reply_month, reply_unit],
    }


def _count_ranking(
    group: str, facts: dict[int, UnitFacts], by_id: dict[int, Any]
) -> list[tuple[str, int, int]]:
    """(unit name, year-to-date count, rank) of the group's active units, most first; equal
    counts share a rank."""
    members = [
        (u.name, facts.get(u.pk, UnitFacts()).total, n)
        for n, u in enumerate(by_id.values())
        if u.is_active and monthly.GROUP_OF_KIND.get(u.kind) == group
    ]
    members.sort(key=lambda m: (-m[1], m[2]))
    ranked, previous, rank = [], None, 0
    for position, (name, count, _order) in enumerate(members, start=1):
        if count != previous:
            rank, previous = position, count
        ranked.append((name, count, rank))
    return ranked
