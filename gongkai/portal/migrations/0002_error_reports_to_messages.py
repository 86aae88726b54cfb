"""Move the reports of the old 我为政府网站找错 form into the 找错 box of gongkai.interaction
(issue 13). Each keeps its receipt number (JC…) as its message number, so a sender who quotes it
is found; it has no query code (the old form gave none). A handled report becomes an answered
message with the office's note as the reply. None is published: their senders were never asked.

The ErrorReport table stays, read-only, as the record of what was received before the move
(records are never deleted, STYLE.md). Idempotent: a report already moved is skipped.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

LABELS = {
    "content": "内容错误",
    "link": "链接错误/无法访问",
    "typo": "错别字",
    "stale": "信息不更新",
    "other": "其他",
}


def _calendar(apps):
    from gongkai.clock import TableCalendar, YearTable, state_council_years

    DeclaredYear = apps.get_model("workdays", "DeclaredYear")
    DeclaredDay = apps.get_model("workdays", "DeclaredDay")
    holidays = {year: set() for year in DeclaredYear.objects.values_list("year", flat=True)}
    workdays = {year: set() for year in holidays}
    for day, kind in DeclaredDay.objects.values_list("date", "kind"):
        target = holidays if kind == "holiday" else workdays
        target.setdefault(day.year, set()).add(day)
    office = {
        year: YearTable.build(year, holidays=days, workdays=workdays.get(year, ()), source="office")
        for year, days in holidays.items()
    }
    return TableCalendar({**state_council_years(), **office})


def forwards(apps, schema_editor):
    from gongkai.clock import UnknownYear, add_workdays

    ErrorReport = apps.get_model("portal", "ErrorReport")
    Message = apps.get_model("interaction", "Message")
    Settings = apps.get_model("interaction", "InteractionSettings")
    reports = list(ErrorReport.objects.order_by("pk"))
    if not reports:
        return
    row = Settings.objects.filter(pk=1).first()
    days = row.jiucuo_days if row else 3
    cal = _calendar(apps)
    moved = set(
        Message.objects.filter(tracking_no__in=[r.receipt_no for r in reports]).values_list(
            "tracking_no", flat=True
        )
    )
    for report in reports:
        if report.receipt_no in moved:
            continue
        received: dt.date = timezone.localdate(report.created_at)
        try:
            due = add_workdays(received, days, calendar=cal)
        except UnknownYear:
            due = None
        handled = report.status == "handled"
        message = Message.objects.create(
            box="jiucuo",
            category=report.kind if report.kind in LABELS else "other",
            tracking_no=report.receipt_no,
            query_code_digest="",
            title=f"网站找错：{LABELS.get(report.kind, '其他')}",
            body=report.description,
            page_url=report.page_url,
            name=report.name,
            phone=report.phone,
            email=report.email,
            allow_publish=False,
            received_on=received,
            due_on=due,
            status="replied" if handled else "submitted",
            reply=report.reply if handled else "",
            replied_at=report.handled_at if handled else None,
            replied_on=(
                timezone.localdate(report.handled_at) if handled and report.handled_at else None
            )
            or (received if handled else None),
            replied_by_id=report.handled_by_id if handled else None,
        )
        Message.objects.filter(pk=message.pk).update(created_at=report.created_at)


def backwards(apps, schema_editor):
    ErrorReport = apps.get_model("portal", "ErrorReport")
    Message = apps.get_model("interaction", "Message")
    numbers = list(ErrorReport.objects.values_list("receipt_no", flat=True))
    Message.objects.filter(box="jiucuo", tracking_no__in=numbers).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_site_settings_and_error_reports"),
        ("interaction", "0001_initial"),
        ("workdays", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
