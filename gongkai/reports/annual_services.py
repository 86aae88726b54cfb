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

from gongkai.applications import services as application_services
from gongkai.applications.selectors import TOTAL
from gongkai.core import clock
from gongkai.core.audit import audit
from gongkai.core.errors import InvalidTransition, ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, UnitKind
from gongkai.publications import services as publication_services
from gongkai.publications.models import (
    Column,
    DocKind,
    FiveClass,
    PublicationStatus,
    TopicCategory,
)
from gongkai.reports import annual, annual_docx, annual_html
from gongkai.reports.models import AnnualReport, AnnualStatus


def _require_writer(user: Any, unit: Unit | None) -> None:
    permissions.require(
        permissions.can_write_annual_report(user, unit),
        "只有公开办或本单位审核人可以编辑本单位的年度报告；全县年度报告由公开办编辑。",
        log="access denied: annual report write",
    )


def _locked(year: int, unit: Unit | None) -> AnnualReport:
    found = (
        AnnualReport.objects.select_for_update(of=("self",)).filter(year=year, unit=unit).first()
    )
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
    if year >= clock.today().year:
        raise InvalidTransition(
            f"{year}年度尚未结束，年度报告不能定稿（条例第四十九条：每年1月31日前公布上一年度的报告）。",
            log=f"finalize {year}: year not over",
        )
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
    application_services.year_close(year=year, unit=unit)
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
    application_services.year_reopen(year=year, unit=unit)
    audit(
        actor=actor,
        action="annual_report.reopen",
        target=report,
        unit_code=unit.code if unit else "",
        summary=f"撤销定稿{report}：{reason.strip()}",
        data={"reason": reason.strip()},
    )
    return report


ANNUAL_COLUMN = "annual-reports"  # 政府信息公开年报 (publications migration 0002)
ANNUAL_TOPIC = "综合政务"


def is_published(report: AnnualReport) -> bool:
    """Whether the report's final text is the one on the site (not an earlier, reopened one)."""
    item = report.publication
    return (
        item is not None
        and item.status == PublicationStatus.PUBLISHED
        and item.published_at is not None
        and report.finalized_at is not None
        and item.published_at >= report.finalized_at
    )


@transaction.atomic
def annual_publish(*, actor: Any, year: int, unit: Unit | None) -> AnnualReport:
    """Publish a final annual report in the 政府信息公开年报 column (条例第五十条): the report as
    the body, its Word file attached, under the unit (the county government for the county's
    report). Marking it final was the sign-off, so it is published at once; the pre-publication
    checks still run. Publishing again after a reopened report was corrected withdraws the earlier
    version. Audited."""
    _require_writer(actor, unit)
    report = _locked(year, unit)
    if report.status != AnnualStatus.FINAL:
        raise InvalidTransition("年度报告定稿后才能发布。", log="publish: annual report not final")
    if is_published(report):
        raise InvalidTransition("该年度报告已经发布。", log="annual report already published")
    county = Unit.objects.filter(kind=UnitKind.COUNTY).order_by("sort_order", "pk").first()
    owner = unit if unit is not None else county
    if owner is None:
        raise ValidationFailed(
            "尚未设置县人民政府单位，不能发布全县年度报告。", log="no county unit"
        )
    column = Column.objects.filter(code=ANNUAL_COLUMN).first()
    topic = TopicCategory.objects.filter(name=ANNUAL_TOPIC).first()
    if column is None or topic is None:
        raise ValidationFailed(
            "找不到“政府信息公开年报”栏目或“综合政务”主题分类，请公开办先在栏目设置中恢复。",
            log="annual reports column or topic missing",
        )
    data = annual.annual_report(year=year, unit=unit)
    finalized = clock.localdate(report.finalized_at) if report.finalized_at else clock.today()
    publication = publication_services.publication_file_document(
        actor=actor,
        unit=owner,
        values={
            "title": data["title"],
            "issuer": owner.name,
            "written_on": finalized,
            "topic": topic,
            "five_class": FiveClass.MANAGEMENT,
            "column": column,
            "attribute": "proactive",
            "doc_kind": DocKind.ORDINARY,
            "body": annual_html.body_html(data),
        },
        attachments=[(f"{data['title']}.docx", annual_docx.render(data))],
        note="年度报告定稿后发布（条例第五十条）",
        replaces=report.publication,
    )
    report.publication = publication
    report.save(update_fields=["publication", "updated_at"])
    audit(
        actor=actor,
        action="annual_report.publish",
        target=report,
        unit_code=unit.code if unit else "",
        summary=f"发布{report}，索引号{publication.index_no}",
        data={"publication": publication.pk},
    )
    return report
