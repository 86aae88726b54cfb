"""What the office writes into its reports: every change goes through here, checked and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from gongkai.core.audit import audit
from gongkai.core.errors import ValidationFailed
from gongkai.orgs import permissions
from gongkai.reports.models import MonthlyReport

MONTHLY_FIELDS = (
    "issue_no",
    "issued_on",
    "instructions",
    "highlights",
    "problems_note",
    "next_steps",
)


@transaction.atomic
def monthly_report_save(
    *, actor: Any, year: int, month: int, values: Mapping[str, Any]
) -> MonthlyReport:
    """Save the editor-written parts of one month's 政务公开月报 (seed 003), creating the month's
    row on first save; only the office edits them. The figures are never stored: they are
    computed when the report is generated (gongkai.reports.monthly)."""
    permissions.require(
        permissions.is_office(actor),
        "只有县政务公开办可以编辑政务公开月报。",
        log="monthly report edit by non-office user",
    )
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValidationFailed("请选择正确的年份和月份。", log=f"bad month {year}-{month}")
    unknown = set(values) - set(MONTHLY_FIELDS)
    if unknown:
        raise ValueError(f"unknown monthly report fields: {sorted(unknown)}")
    issued_on = values.get("issued_on")
    if issued_on is not None and not isinstance(issued_on, dt.date):
        raise ValidationFailed("印发日期格式不正确。", log="issued_on not a date")
    report, created = MonthlyReport.objects.select_for_update().get_or_create(
        year=year, month=month
    )
    changed = []
    for field in MONTHLY_FIELDS:
        if field not in values:
            continue
        value = values[field]
        if isinstance(value, str):
            value = value.strip()
        if getattr(report, field) != value:
            setattr(report, field, value)
            changed.append(field)
    report.updated_by = actor
    report.full_clean()
    report.save()
    audit(
        actor=actor,
        action="monthly_report.create" if created else "monthly_report.update",
        target=report,
        summary=f"{year}年{month}月政务公开月报：编辑" + ("、".join(changed) or "（无改动）"),
        data={"year": year, "month": month, "changed": changed},
    )
    return report
