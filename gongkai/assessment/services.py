"""Every change to the assessment goes through here, checked and audited: the office's indicator
sets, indicators and entered scores, the freezing of a score table (定稿), and rectification
items (整改) from opening to closing.

Who may do what (gongkai.orgs.permissions): the office keeps the indicators, enters scores,
freezes, opens, returns and closes rectification items (can_manage_assessment); the unit that owns
an item reports what it did (can_report_rectification_of). Leaders read and change nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from gongkai.assessment import scoring
from gongkai.assessment.models import (
    Indicator,
    IndicatorSet,
    ManualScore,
    Measure,
    Rectification,
    RectificationSource,
    RectificationStatus,
    ScoreSnapshot,
)
from gongkai.core import clock
from gongkai.core.audit import audit
from gongkai.core.errors import InvalidTransition, ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, UnitKind, User

MAX_WEIGHT = Decimal(100)
# The unit kinds an indicator's yearly targets may name: the assessed kinds.
TARGET_KINDS = (UnitKind.DEPARTMENT, UnitKind.STATIONED, UnitKind.TOWNSHIP, UnitKind.COMMUNITY)
INDICATOR_FIELDS = ("name", "weight", "measure", "criteria", "targets", "zero_at", "sort_order")
MANAGE_MESSAGE = "只有县政务公开办可以管理考核指标、评分和整改事项。"


def _manage(actor: User | None) -> None:
    if actor is not None:
        permissions.require_pred(permissions.can_manage_assessment, actor, message=MANAGE_MESSAGE)


def _not_frozen(indicator_set: IndicatorSet) -> None:
    if ScoreSnapshot.objects.filter(indicator_set=indicator_set).exists():
        raise InvalidTransition(
            "该年度考核已定稿，指标和得分不能再修改。", log=f"set {indicator_set.pk} is frozen"
        )


# ------------------------------------------------------------------------------ indicators


@transaction.atomic
def indicator_set_create(
    *, actor: User | None, year: int, name: str, description: str = ""
) -> IndicatorSet:
    """Open the indicator set of ``year`` (one per year)."""
    _manage(actor)
    if not 2000 <= year <= 2100:
        raise ValidationFailed("请填写正确的年度。", log=f"bad year {year}")
    if not name.strip():
        raise ValidationFailed("请填写指标体系名称。", log="set without name")
    if IndicatorSet.objects.filter(year=year).exists():
        raise ValidationFailed(f"{year}年度已有考核指标体系。", log=f"set {year} exists")
    created = IndicatorSet.objects.create(
        year=year, name=name.strip(), description=description.strip(), created_by=actor
    )
    audit(
        actor=actor,
        action="assessment.set_create",
        target=created,
        summary=f"新建{year}年度考核指标体系：{created.name}",
        data={"year": year},
    )
    return created


def _clean_indicator(values: dict[str, Any]) -> dict[str, Any]:
    """Check one indicator's values; return them normalised (Decimal weight, int targets)."""
    name = str(values.get("name") or "").strip()
    if not name:
        raise ValidationFailed("请填写指标名称。", log="indicator without name")
    try:
        weight = Decimal(str(values.get("weight"))).quantize(scoring.TENTH)
    except (InvalidOperation, ValueError):
        raise ValidationFailed("分值应为数字。", log="weight not a number") from None
    if not Decimal(0) < weight <= MAX_WEIGHT:
        raise ValidationFailed("分值应大于0且不超过100分。", log=f"weight {weight}")
    measure = values.get("measure")
    if measure not in Measure.values:
        raise ValidationFailed("请选择计分方式。", log=f"bad measure {measure!r}")
    targets: dict[str, int] = {}
    raw_zero_at = str(values.get("zero_at") or "")
    zero_at: int | None = None
    if measure == Measure.VOLUME:
        for kind, target in (values.get("targets") or {}).items():
            if kind not in TARGET_KINDS:
                raise ValidationFailed("发布目标只能按县直部门、驻县单位、乡镇和社区设定。")
            if target in (None, ""):
                continue
            if not str(target).isdigit() or int(target) <= 0:
                raise ValidationFailed("年度发布目标应为正整数。", log=f"bad target {target!r}")
            targets[kind] = int(target)
        if not targets:
            raise ValidationFailed("“发布数量”指标请至少为一类单位设定年度发布目标。")
    if measure == Measure.FINDINGS:
        if not raw_zero_at.isdigit() or int(raw_zero_at) <= 0:
            raise ValidationFailed("“检查发现”指标请填写扣完分值的问题条数（正整数）。")
        zero_at = int(raw_zero_at)
    return {
        "name": name,
        "weight": weight,
        "measure": measure,
        "criteria": str(values.get("criteria") or "").strip(),
        "targets": targets,
        "zero_at": zero_at,
    }


@transaction.atomic
def indicator_add(
    *, actor: User | None, indicator_set: IndicatorSet, values: Mapping[str, Any]
) -> Indicator:
    """Add a weighted indicator to a set that is not frozen."""
    _manage(actor)
    _not_frozen(indicator_set)
    cleaned = _clean_indicator(dict(values))
    if indicator_set.indicators.filter(name=cleaned["name"]).exists():
        raise ValidationFailed(f"已有名为“{cleaned['name']}”的指标。", log="duplicate indicator")
    order = values.get("sort_order")
    if order is None:
        order = (indicator_set.indicators.count() + 1) * 10
    indicator = Indicator.objects.create(indicator_set=indicator_set, sort_order=order, **cleaned)
    audit(
        actor=actor,
        action="assessment.indicator_add",
        target=indicator,
        summary=f"{indicator_set.year}年度考核：新增指标{indicator.name}（{indicator.weight}分）",
        data={**cleaned, "weight": str(cleaned["weight"])},
    )
    return indicator


@transaction.atomic
def indicator_update(
    *, actor: User | None, indicator: Indicator, values: Mapping[str, Any]
) -> Indicator:
    """Change an indicator of a set that is not frozen; a 人工评分 indicator that has scores
    keeps its measure, and its weight may not fall below a score already entered."""
    _manage(actor)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    _not_frozen(indicator.indicator_set)
    merged = {f: getattr(indicator, f) for f in INDICATOR_FIELDS} | dict(values)
    cleaned = _clean_indicator(merged)
    scores = indicator.manual_scores.all()
    if scores.exists():
        if cleaned["measure"] != Measure.MANUAL:
            raise ValidationFailed("该指标已有录入的得分，不能改为其他计分方式。")
        highest = max(s.points for s in scores)
        if cleaned["weight"] < highest:
            raise ValidationFailed(f"已录入的最高得分为{highest}分，分值不能低于它。")
    clash = indicator.indicator_set.indicators.filter(name=cleaned["name"]).exclude(pk=indicator.pk)
    if clash.exists():
        raise ValidationFailed(f"已有名为“{cleaned['name']}”的指标。", log="duplicate indicator")
    before = {f: str(getattr(indicator, f)) for f in cleaned}
    for field, value in cleaned.items():
        setattr(indicator, field, value)
    if "sort_order" in values:
        indicator.sort_order = int(values["sort_order"])
    indicator.save()
    audit(
        actor=actor,
        action="assessment.indicator_update",
        target=indicator,
        summary=f"{indicator.indicator_set.year}年度考核：修改指标{indicator.name}",
        data={"before": before, "after": {f: str(v) for f, v in cleaned.items()}},
    )
    return indicator


@transaction.atomic
def indicator_remove(*, actor: User | None, indicator: Indicator) -> None:
    """Take an indicator out of a set that is not frozen, if no score was entered on it."""
    _manage(actor)
    _not_frozen(indicator.indicator_set)
    if indicator.manual_scores.exists():
        raise ValidationFailed("该指标已有录入的得分，不能删除。", log="remove scored indicator")
    audit(
        actor=actor,
        action="assessment.indicator_remove",
        target=indicator,
        summary=f"{indicator.indicator_set.year}年度考核：删除指标{indicator.name}",
        data={"name": indicator.name, "weight": str(indicator.weight)},
    )
    indicator.delete()


@transaction.atomic
def manual_score_enter(
    *, actor: User | None, indicator: Indicator, unit: Unit, points: Any, note: str
) -> ManualScore:
    """Enter (or change) a unit's score on a 人工评分 indicator, with the reason for it."""
    _manage(actor)
    _not_frozen(indicator.indicator_set)
    if indicator.measure != Measure.MANUAL:
        raise ValidationFailed(
            "该指标由系统按数据计算，不能人工录入。", log=f"manual score on {indicator.measure}"
        )
    if unit not in scoring.assessed_units({unit.pk: unit}):
        raise ValidationFailed(
            "只能为县直部门、驻县单位、乡镇和社区评分。", log=f"unit {unit.code} not assessed"
        )
    try:
        value = Decimal(str(points)).quantize(scoring.TENTH)
    except (InvalidOperation, ValueError):
        raise ValidationFailed("得分应为数字。", log="points not a number") from None
    if not Decimal(0) <= value <= indicator.weight:
        raise ValidationFailed(
            f"得分应在0到{indicator.weight}分之间。", log=f"points {value} out of range"
        )
    if not note.strip():
        raise ValidationFailed("请填写评分说明（扣分或得分的依据）。", log="score without note")
    score = ManualScore.objects.select_for_update().filter(indicator=indicator, unit=unit).first()
    before = str(score.points) if score else None
    if score is None:
        score = ManualScore(indicator=indicator, unit=unit)
    score.points, score.note, score.entered_by = value, note.strip(), actor
    score.save()
    audit(
        actor=actor,
        action="assessment.score_enter",
        target=score,
        unit_code=unit.code,
        summary=f"{indicator.indicator_set.year}年度考核：{unit.name}“{indicator.name}”"
        f"{'由' + before + '分改为' if before else '得'}{value}分",
        data={"indicator": indicator.pk, "before": before, "points": str(value), "note": note},
    )
    return score


@transaction.atomic
def scores_freeze(
    *, actor: User | None, indicator_set: IndicatorSet, as_of: dt.date
) -> ScoreSnapshot:
    """Finalise the set's scores (定稿): store the table computed up to ``as_of`` so the published
    ranking never changes; indicators and entered scores are locked from then on."""
    _manage(actor)
    indicator_set = IndicatorSet.objects.select_for_update().get(pk=indicator_set.pk)
    _not_frozen(indicator_set)
    if not indicator_set.indicators.exists():
        raise ValidationFailed("该指标体系还没有指标，不能定稿。", log="freeze empty set")
    if as_of > clock.today():
        raise ValidationFailed("统计截止日期不能晚于今天。", log="freeze in the future")
    table = scoring.compute_table(indicator_set, as_of=as_of)
    now = clock.now()
    table["frozen"] = True
    table["frozen_at"] = now.isoformat()
    table["frozen_by"] = str(actor) if actor else ""
    snapshot = ScoreSnapshot.objects.create(
        indicator_set=indicator_set, as_of=dt.date.fromisoformat(table["as_of"]), frozen_by=actor,
        table=table,
    )  # fmt: skip
    audit(
        actor=actor,
        action="assessment.freeze",
        target=indicator_set,
        summary=f"{indicator_set.year}年度考核得分定稿（统计截至{table['as_of']}）",
        data={"as_of": table["as_of"], "units": len(table["rows"])},
    )
    return snapshot


# ------------------------------------------------------------------------------ rectification


@transaction.atomic
def rectification_create(
    *,
    actor: User | None,
    unit: Unit,
    title: str,
    source: str,
    found_on: dt.date,
    deadline: dt.date,
    description: str = "",
) -> Rectification:
    """Open a rectification item (整改) for ``unit`` with its deadline."""
    _manage(actor)
    if unit.kind == UnitKind.VILLAGE or not unit.is_active:
        raise ValidationFailed("整改事项应交办给在用的县直单位或乡镇。", log="bad owner unit")
    if not title.strip():
        raise ValidationFailed("请填写问题。", log="rectification without title")
    if source not in RectificationSource.values:
        raise ValidationFailed("请选择问题来源。", log=f"bad source {source!r}")
    if found_on > clock.today():
        raise ValidationFailed("发现日期不能晚于今天。", log="found in the future")
    if deadline < found_on:
        raise ValidationFailed("整改期限不能早于发现日期。", log="deadline before found")
    item = Rectification.objects.create(
        unit=unit,
        title=title.strip()[:200],
        source=source,
        description=description.strip(),
        found_on=found_on,
        deadline=deadline,
        created_by=actor,
    )
    audit(
        actor=actor,
        action="rectification.create",
        target=item,
        unit_code=unit.code,
        summary=f"交办整改：{unit.name}“{item.title}”，期限{deadline:%Y-%m-%d}",
        data={"source": source, "found_on": found_on.isoformat(), "deadline": str(deadline)},
    )
    return item


def _move(item: Rectification, status: str) -> None:
    if not item.can_move_to(status):
        raise InvalidTransition(
            f"该整改事项当前为“{item.get_status_display()}”，不能进行此操作。",
            log=f"rectification {item.pk}: {item.status} -> {status}",
        )
    item.status = status


@transaction.atomic
def rectification_report(
    *, actor: User | None, rectification: Rectification, text: str, on: dt.date | None = None
) -> Rectification:
    """The owner unit reports what it did (整改情况); the item waits for the office (已报送)."""
    item = Rectification.objects.select_for_update().select_related("unit").get(pk=rectification.pk)
    if actor is not None:
        permissions.require_pred(
            permissions.can_report_rectification_of,
            actor,
            item.unit,
            message="只有责任单位可以报送本单位的整改情况。",
        )
    _move(item, RectificationStatus.REPORTED)
    on = on or clock.today()
    if on > clock.today() or on < item.found_on:
        raise ValidationFailed("报送日期应在发现日期和今天之间。", log="bad report date")
    if not text.strip():
        raise ValidationFailed("请填写整改情况。", log="report without text")
    item.report_text, item.reported_on, item.reported_by = text.strip(), on, actor
    item.save()
    audit(
        actor=actor,
        action="rectification.report",
        target=item,
        unit_code=item.unit.code,
        summary=f"报送整改情况：{item.unit.name}“{item.title}”",
        data={"on": on.isoformat(), "late": on > item.deadline},
    )
    return item


@transaction.atomic
def rectification_return(
    *, actor: User | None, rectification: Rectification, reason: str
) -> Rectification:
    """The office returns a report that does not put the problem right: back to 待整改."""
    _manage(actor)
    item = Rectification.objects.select_for_update().select_related("unit").get(pk=rectification.pk)
    _move(item, RectificationStatus.OPEN)
    if not reason.strip():
        raise ValidationFailed("请填写退回原因。", log="return without reason")
    item.return_reason = reason.strip()
    item.save()
    audit(
        actor=actor,
        action="rectification.return",
        target=item,
        unit_code=item.unit.code,
        summary=f"退回整改情况：{item.unit.name}“{item.title}”：{item.return_reason}",
        data={"reason": item.return_reason},
    )
    return item


def writer_ids(rectification: Rectification) -> set[int | None]:
    """Who wrote the report being accepted: its reporter (separation of duties)."""
    return {rectification.reported_by_id}


@transaction.atomic
def rectification_close(
    *, actor: User | None, rectification: Rectification, note: str = ""
) -> Rectification:
    """The office accepts the unit's report and closes the item (销号); not whoever reported it
    (the office may report for a unit; permissions.may_sign_off)."""
    _manage(actor)
    item = Rectification.objects.select_for_update().select_related("unit").get(pk=rectification.pk)
    if actor is not None:
        permissions.require_not_writer(
            actor, writer_ids(item), permissions.SELF_REVIEW_REPORT_MESSAGE
        )
    _move(item, RectificationStatus.CLOSED)
    item.closed_on, item.closed_by, item.close_note = clock.today(), actor, note.strip()
    item.save()
    audit(
        actor=actor,
        action="rectification.close",
        target=item,
        unit_code=item.unit.code,
        summary=f"整改销号：{item.unit.name}“{item.title}”",
        data={"note": item.close_note},
    )
    return item
