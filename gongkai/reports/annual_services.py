"""The writes of the annual report: the parts the office enters, finalizing and reopening.

Who may write (国办公开办函〔2021〕30号 and 条例第四十九条: each department publishes its own report,
the county's office publishes the county's): the office for the county's report; the unit's
reviewer (审核人) or the office for a unit's. A final (定稿) report no longer changes; only the
office reopens one, with a reason, in the audit log.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from gongkai.applications.selectors import TOTAL
from gongkai.core import clock
from gongkai.core.audit import audit
from gongkai.core.errors import InvalidTransition, ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit
from gongkai.reports import annual
from gongkai.reports.models import AnnualReport, AnnualStatus


def _require_writer(user: Any, unit: Unit | None) -> None:
    permissions.require(
        permissions.can_write_annual_report(user, unit),
        "只有公开办或本单位审核人可以编辑本单位的年度报告；全县年度报告由公开办编辑。",
        log="access denied: annual report write",
    )


def _locked(year: int, unit: Unit | None) -> AnnualReport:
    found = AnnualReport.objects.select_for_update().filter(year=year, unit=unit).first()
    return found if found is not None else AnnualReport(year=year, unit=unit)


def _clean_figure(value: Any, *, where: str, decimal: bool = False) -> int | float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationFailed(f"{where}应填写数字。") from None
    if number < 0:
        raise ValidationFailed(f"{where}不能为负数。")
    if not decimal:
        if number != number.to_integral_value():
            raise ValidationFailed(f"{where}应为整数。")
        return int(number)
    return int(number) if number == number.to_integral_value() else float(round(number, 4))


def _clean_proactive(entered: dict[str, Any]) -> dict[str, dict[str, int | float]]:
    cleaned: dict[str, dict[str, int | float]] = {}
    for table in annual.PROACTIVE_TABLES:
        for row in table["rows"]:
            for column in table["columns"]:
                value = _clean_figure(
                    (entered.get(row) or {}).get(column),
                    where=f"二、{row}“{column}”",
                    decimal=column == annual.FEES,
                )
                if value is not None:
                    cleaned.setdefault(row, {})[column] = value
    return cleaned


def _clean_review(entered: dict[str, Any]) -> dict[str, dict[str, int]]:
    cleaned: dict[str, dict[str, int]] = {}
    for group in annual.REVIEW_GROUPS:
        cells: dict[str, int] = {}
        for column in annual.REVIEW_COLUMNS:
            value = _clean_figure(
                (entered.get(group) or {}).get(column), where=f"四、{group}“{column}”"
            )
            cells[column] = int(value) if value is not None else 0
        if (entered.get(group) or {}).get("总计") in (None, ""):
            # A total left blank is the sum of its parts (a filled one is checked instead).
            cells["总计"] = sum(cells[c] for c in annual.REVIEW_COLUMNS[:-1])
        cleaned[group] = cells
    return cleaned


@transaction.atomic
def annual_save(
    *,
    actor: Any,
    year: int,
    unit: Unit | None,
    overview: str | None = None,
    problems: str | None = None,
    other_matters: str | None = None,
    proactive: dict[str, Any] | None = None,
    review_litigation: dict[str, Any] | None = None,
) -> AnnualReport:
    """Save what the office enters into the annual report of ``unit`` (None: the county):
    the texts of sections 一/五/六 (empty: the generated text is shown), section 二's entered
    figures ({row: {column: value}}, blank: computed or 0) and section 四 ({group: {column: n}}).
    An argument left None is not changed. Refused on a final report. Audited."""
    _require_writer(actor, unit)
    report = _locked(year, unit)
    if report.status == AnnualStatus.FINAL:
        raise InvalidTransition(
            "年度报告已定稿，不能再修改；确需修改的，请公开办先撤销定稿。",
            log="annual report is final",
        )
    changed = []
    for name, value in (
        ("overview", overview),
        ("problems", problems),
        ("other_matters", other_matters),
    ):
        if value is not None:
            setattr(report, name, value.strip())
            changed.append(name)
    if proactive is not None:
        report.proactive = _clean_proactive(proactive)
        changed.append("proactive")
    if review_litigation is not None:
        report.review_litigation = _clean_review(review_litigation)
        changed.append("review_litigation")
    report.save()
    audit(
        actor=actor,
        action="annual_report.save",
        target=report,
        unit_code=unit.code if unit else "",
        summary=f"编辑{report}",
        data={"changed": changed},
    )
    return report


@transaction.atomic
def annual_finalize(*, actor: Any, year: int, unit: Unit | None) -> AnnualReport:
    """Mark the annual report final (定稿) once every check holds (一 + 二 = （七）总计 + 四 in every
    column of section 三, section 四's totals). The generated texts and section 二's figures are
    written into the record, so the final report no longer moves when data changes later.
    Refused while a check fails or when already final. Audited."""
    _require_writer(actor, unit)
    report = _locked(year, unit)
    if report.status == AnnualStatus.FINAL:
        raise InvalidTransition("年度报告已经定稿。", log="annual report already final")
    data = annual.annual_report(year=year, unit=unit)
    if data["checks"]:
        raise ValidationFailed(
            "年度报告的数据不平衡，不能定稿：请先核对以下各项。",
            log="annual report checks fail",
            problems=list(data["checks"]),
        )
    for section, field in annual.TEXT_FIELDS.items():
        setattr(report, field, data["sections"][section])
    report.proactive = data["proactive"]
    report.review_litigation = data["review_litigation"]
    report.status = AnnualStatus.FINAL
    report.finalized_at = clock.now()
    report.finalized_by = actor if getattr(actor, "is_authenticated", False) else None
    report.save()
    audit(
        actor=actor,
        action="annual_report.finalize",
        target=report,
        unit_code=unit.code if unit else "",
        summary=f"定稿{report}",
        data={"applications_total": data["applications"][TOTAL][TOTAL]},
    )
    return report


@transaction.atomic
def annual_reopen(*, actor: Any, year: int, unit: Unit | None, reason: str) -> AnnualReport:
    """Return a final annual report to draft: the office only, with a reason. Audited."""
    permissions.require(
        permissions.is_office(actor),
        "只有公开办可以撤销年度报告的定稿。",
        log="access denied: annual report reopen",
    )
    if not reason.strip():
        raise ValidationFailed("请填写撤销定稿的原因。")
    report = _locked(year, unit)
    if report.status != AnnualStatus.FINAL:
        raise InvalidTransition("年度报告尚未定稿。", log="annual report not final")
    report.status = AnnualStatus.DRAFT
    report.finalized_at = None
    report.finalized_by = None
    report.save()
    audit(
        actor=actor,
        action="annual_report.reopen",
        target=report,
        unit_code=unit.code if unit else "",
        summary=f"撤销定稿{report}：{reason.strip()}",
        data={"reason": reason.strip()},
    )
    return report
