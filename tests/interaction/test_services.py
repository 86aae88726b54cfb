"""Messages (政民互动): the 5/3-working-day clock on the office calendar (seed 001 item 13,
DOMAIN.md §5), assignment, transfer, reply, review, publication with masking, ratings by the
writer only, overdue and the 3-month flag of the monitoring rule (DOMAIN.md §3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from gongkai.core.errors import AccessDenied, InvalidTransition, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.interaction import selectors, services
from gongkai.interaction.models import Box, Message, Rating, Status
from gongkai.monitoring.veto import FAIL, PASS, site_check
from gongkai.orgs.models import Unit, User
from gongkai.workdays.selectors import forget_calendar

pytestmark = pytest.mark.django_db

LEADER = {"category": "advice", "title": "关于路灯", "body": "琴江镇西华山路路灯不亮。"}
JIUCUO = {"category": "typo", "page_url": "/xxgk/1/", "body": "“低保”写成了“底保”。"}


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def submit(box: str = Box.LEADER, on: str = "2025-09-26", **values: Any) -> tuple[Message, str]:
    base = JIUCUO if box == Box.JIUCUO else LEADER
    with time_machine.travel(f"{on} 10:00 +0800", tick=False):
        return services.message_submit(box=box, values={**base, **values})


# ------------------------------------------------------------------------------------ the clock


@pytest.mark.parametrize(
    ("received", "box", "simple", "due"),
    [
        # Friday before National Day 2025: Sunday 28 September is a make-up working day.
        ("2025-09-26", Box.LEADER, False, "2025-10-10"),
        ("2025-09-26", Box.CONSULT, True, "2025-09-30"),
        ("2025-09-26", Box.JIUCUO, False, "2025-09-30"),
        # The day before the holiday: Saturday 11 October is a make-up working day.
        ("2025-09-30", Box.CONSULT, True, "2025-10-11"),
        ("2025-09-30", Box.CONSULT, False, "2025-10-14"),
        # Spring Festival 2025.
        ("2025-01-24", Box.LEADER, False, "2025-02-07"),
        ("2025-01-24", Box.JIUCUO, False, "2025-02-05"),
        # An ordinary week: received Monday, the day itself not counted.
        ("2025-06-09", Box.LEADER, False, "2025-06-16"),
        ("2025-06-09", Box.LEADER, True, "2025-06-12"),
    ],
)
def test_the_clock_counts_working_days_on_the_office_calendar(
    received: str, box: str, simple: bool, due: str
) -> None:
    assert services.due_on(day(received), box, simple=simple) == day(due)


def test_a_year_the_calendar_does_not_know_is_never_guessed() -> None:
    assert services.due_on(day("2026-12-28"), Box.LEADER, simple=False) is None
    message, _ = submit(on="2026-12-28")
    assert message.due_on is None


def test_the_office_calendar_and_settings_change_the_clock(office: User) -> None:
    from gongkai.workdays.models import DayKind, DeclaredDay, DeclaredYear

    # The office declares 2025 with 10 June off: the period walks past it.
    year = DeclaredYear.objects.create(year=2025, revision=1)
    DeclaredDay.objects.create(declared_year=year, date=day("2025-06-10"), kind=DayKind.HOLIDAY)
    forget_calendar()
    assert services.due_on(day("2025-06-09"), Box.LEADER, simple=False) == day("2025-06-17")
    services.settings_update(
        actor=office, values={"normal_days": 7, "simple_days": 2, "jiucuo_days": 1}
    )
    assert services.period_for(Box.LEADER, simple=False) == 7
    assert services.period_for(Box.CONSULT, simple=True) == 2
    assert services.period_for(Box.JIUCUO, simple=True) == 1
    with pytest.raises(ValidationFailed):
        services.settings_update(actor=office, values={"normal_days": 0})


def test_marking_simple_recounts_from_receipt(office: User) -> None:
    message, _ = submit(on="2025-06-09")
    assert message.due_on == day("2025-06-16")
    message = services.message_mark_simple(actor=office, message=message, simple=True)
    assert message.due_on == day("2025-06-12")
    jiucuo, _ = submit(Box.JIUCUO, on="2025-06-09")
    with pytest.raises(ValidationFailed):
        services.message_mark_simple(actor=office, message=jiucuo, simple=True)


# ------------------------------------------------------------------------------------ handling


def test_assign_transfer_reply_and_permissions(
    office: User,
    editor: User,
    other_editor: User,
    leader: User,
    department: Unit,
    other_department: Unit,
) -> None:
    message, _ = submit(on="2025-06-09", name="王小明", phone="13800138000")
    with pytest.raises(AccessDenied):
        services.message_assign(actor=editor, message=message, unit=department)
    message = services.message_assign(actor=office, message=message, unit=department)
    assert message.status == Status.ASSIGNED and message.unit == department
    # Another unit cannot read or answer it.
    with pytest.raises(AccessDenied):
        selectors.message_for(other_editor, message.pk)
    with pytest.raises(AccessDenied):
        services.message_reply(actor=other_editor, message=message, reply="答复")
    assert selectors.writer_of(editor, message).phone == "13800138000"
    masked = selectors.writer_of(leader, message)
    assert masked.masked and masked.phone == "138****8000" and masked.name == "王*明"
    # The unit passes it on: the due date stays.
    with pytest.raises(ValidationFailed):
        services.message_transfer(actor=editor, message=message, unit=other_department, reason="")
    due = message.due_on
    message = services.message_transfer(
        actor=editor, message=message, unit=other_department, reason="属住建局职责"
    )
    assert message.unit == other_department and message.due_on == due
    assert AuditEntry.objects.filter(action="interaction.transfer").count() == 1
    with pytest.raises(AccessDenied):
        selectors.message_for(editor, message.pk)
    assert selectors.writer_of(editor, message).masked
    with pytest.raises(AccessDenied):
        services.message_reply(actor=editor, message=message, reply="答复")
    with time_machine.travel("2025-06-13 10:00 +0800", tick=False):
        message = services.message_reply(actor=other_editor, message=message, reply="已修复。")
    assert message.status == Status.REPLIED and message.replied_on == day("2025-06-13")
    with pytest.raises(InvalidTransition):
        services.message_reply(actor=other_editor, message=message, reply="再答复")


def test_review_sends_back_or_withholds(office: User, editor: User, department: Unit) -> None:
    message, _ = submit(on="2025-06-09")
    services.message_assign(actor=office, message=message, unit=department)
    message = services.message_reply(actor=editor, message=message, reply="答复一")
    with pytest.raises(AccessDenied):
        services.message_review(actor=editor, message=message, approve=True)
    with pytest.raises(ValidationFailed):
        services.message_review(actor=office, message=message, approve=False)
    message = services.message_review(actor=office, message=message, approve=False, note="不完整")
    assert message.status == Status.ASSIGNED and message.replied_on is None
    message = services.message_reply(actor=editor, message=message, reply="答复二")
    assert selectors.published_messages().filter(pk=message.pk).exists()
    services.message_review(
        actor=office, message=message, approve=True, withhold=True, note="涉及个案隐私"
    )
    assert not selectors.published_messages().filter(pk=message.pk).exists()


# ------------------------------------------------------------------------------------ publishing


def test_published_copies_mask_personal_data_and_privacy_is_respected(
    office: User, editor: User, department: Unit
) -> None:
    body = "我叫李建国，身份证号360735199001011234，电话13912345678，邮箱li@example.com。"
    message, _ = submit(
        on="2025-06-09", body=body, name="李建国", phone="13912345678", email="li@example.com"
    )
    services.message_assign(actor=office, message=message, unit=department)
    message = services.message_reply(
        actor=editor, message=message, reply="李建国您好，已联系13912345678。"
    )
    published = selectors.published_message(message.pk)
    for secret in ("李建国", "360735199001011234", "13912345678", "li@example.com"):
        assert secret not in published.public_body + published.public_reply
    assert "李*国" in published.public_body and "139****5678" in published.public_reply
    private, _ = submit(on="2025-06-09", allow_publish=False)
    services.message_reply(actor=office, message=private, reply="已办理。")
    with pytest.raises(Message.DoesNotExist):
        selectors.published_message(private.pk)


# ------------------------------------------------------------------------------------ ratings


def test_only_the_writer_rates_with_the_query_code(office: User, settings: Any) -> None:
    message, code = submit(on="2025-06-09")
    with pytest.raises(InvalidTransition):
        services.message_rate(tracking_no=message.tracking_no, code=code, rating=Rating.SATISFIED)
    services.message_reply(actor=office, message=message, reply="已办理。")
    with pytest.raises(ValidationFailed):
        services.message_rate(tracking_no=message.tracking_no, code="WRONG123", rating="satisfied")
    rated = services.message_rate(
        tracking_no=message.tracking_no.lower(), code=code.lower(), rating=Rating.BASICALLY
    )
    assert rated.rating == Rating.BASICALLY
    # A code issued under a key now in SECRET_KEY_FALLBACKS still works, and is re-keyed.
    old_digest = Message.objects.get(pk=message.pk).query_code_digest
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-the-rotation-test-0123456789"
    assert selectors.public_message(message.tracking_no, code) is not None
    assert Message.objects.get(pk=message.pk).query_code_digest != old_digest


# ------------------------------------------------------------------------------------ overdue


def test_overdue_and_the_three_month_flag_fail_the_site(
    office: User, department: Unit, editor: User
) -> None:
    late, _ = submit(on="2025-06-09")
    services.message_assign(actor=office, message=late, unit=department)
    assert selectors.overdue_count(units={department.pk}, today=day("2025-06-16")) == 0
    assert selectors.overdue_count(units={department.pk}, today=day("2025-06-17")) == 1
    assert selectors.overdue_count(units=None, today=day("2025-06-17")) == 1
    assert selectors.counts(Message.objects.all(), today=day("2025-06-17"))["overdue"] == 1
    # Three months: 9 June → flagged from 10 September on.
    assert selectors.stale_messages(day("2025-09-09")) == []
    assert selectors.stale_messages(day("2025-09-10")) == [late]
    check = site_check(day("2025-09-10"))
    interaction = next(r for r in check.results if r.rule == "interaction")
    assert interaction.outcome == FAIL and late.tracking_no in interaction.evidence[0].text
    # Answered late still counts for a year; an invalid message never counts.
    with time_machine.travel("2025-09-20 10:00 +0800", tick=False):
        services.message_reply(actor=editor, message=late, reply="迟到的答复")
    assert [m.pk for m in selectors.stale_messages(day("2025-10-01"))] == [late.pk]
    assert selectors.stale_messages(day("2026-09-21")) == []
    spam, _ = submit(on="2025-01-06")
    services.message_mark_invalid(actor=office, message=spam, reason="广告")
    assert selectors.stale_messages(day("2025-05-01")) == []
    ok = next(r for r in site_check(day("2026-09-21")).results if r.rule == "interaction")
    assert ok.outcome == PASS


def test_months_before_clamps_to_the_months_end() -> None:
    assert selectors.months_before(day("2025-05-31"), 3) == day("2025-02-28")
    assert selectors.months_before(day("2025-01-15"), 3) == day("2024-10-15")
