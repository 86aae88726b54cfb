"""The portal's data migration moves the old 找错 reports into the 找错 box: numbers kept, handled
ones answered with the office's note, none published, and a second run changes nothing."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from gongkai.interaction.models import Box, Message, Status
from gongkai.interaction.selectors import published_messages
from gongkai.orgs.models import User
from gongkai.portal.models import ErrorKind, ErrorReport, ReportStatus

pytestmark = pytest.mark.django_db

moved = importlib.import_module("gongkai.portal.migrations.0002_error_reports_to_messages")


def test_old_reports_become_messages_once(office: User) -> None:
    ErrorReport.objects.create(
        receipt_no="JC2025060900001",
        page_url="/xxgk/1/",
        kind=ErrorKind.TYPO,
        description="错别字",
        name="张三",
        phone="13800138000",
    )
    handled = ErrorReport.objects.create(
        receipt_no="JC2025060900002",
        page_url="/xxgk/2/",
        kind=ErrorKind.LINK,
        description="链接打不开",
        status=ReportStatus.HANDLED,
        reply="已修复链接。",
        handled_by=office,
    )
    handled.handled_at = handled.created_at
    handled.save()
    moved.forwards(apps, None)
    moved.forwards(apps, None)
    assert Message.objects.count() == 2
    pending = Message.objects.get(tracking_no="JC2025060900001")
    assert pending.box == Box.JIUCUO and pending.category == "typo"
    assert pending.status == Status.SUBMITTED and pending.phone == "13800138000"
    assert pending.due_on is not None and pending.query_code_digest == ""
    answered = Message.objects.get(tracking_no="JC2025060900002")
    assert answered.status == Status.REPLIED and answered.reply == "已修复链接。"
    assert answered.replied_by == office and answered.replied_on is not None
    assert not published_messages().exists()
    moved.backwards(apps, None)
    assert not Message.objects.exists() and ErrorReport.objects.count() == 2
