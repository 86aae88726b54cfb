"""The queue with its filters and reminders, the overdue lists per handler, unit and county, the
annual report's section 三 page, and bounded query counts on the list pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import Application
from gongkai.orgs.models import Unit, User
from tests.applications.views.inputs import APPLICANT, register

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _monday(time_machine: Any) -> None:
    time_machine.move_to("2024-10-28 10:00 +0800", tick=False)


@pytest.fixture
def queue(
    handler: User, other_handler: User, department: Unit, other_department: Unit
) -> dict[str, Application]:
    """Applications as they stand on Monday 2024-10-28."""
    soon, _ = register(handler, department, D(2024, 9, 27))  # due 10-30: two working days left
    late, _ = register(handler, department, D(2024, 9, 20))  # due 10-23: three working days late
    other, _ = register(other_handler, other_department, D(2024, 9, 20))  # also late
    fresh, _ = register(handler, department, D(2024, 10, 24))  # 补正 notice due 11-04
    done, _ = register(handler, department, D(2024, 9, 20))
    services.application_reply(actor=handler, application=done, on=D(2024, 10, 22), outcome="grant")
    return {"soon": soon, "late": late, "other": other, "fresh": fresh, "done": done}


def test_the_queue_shows_reminders_and_days_left(
    client: Client, handler: User, queue: dict[str, Application]
) -> None:
    assert queue["soon"].due_on == D(2024, 10, 30)
    assert queue["late"].due_on == D(2024, 10, 23)
    assert queue["fresh"].supplement_notice_due == D(2024, 11, 4)
    client.force_login(handler)
    response = client.get(reverse("applications:list"))
    html = response.content.decode()
    assert "提醒：5个工作日内到期" in html
    reminders = [
        (r.application.tracking_no, r.what, r.due, r.days_left)
        for r in response.context["reminders"]
    ]
    assert reminders == [
        (queue["soon"].tracking_no, "答复期限", D(2024, 10, 30), 2),
        (queue["fresh"].tracking_no, "补正告知期限", D(2024, 11, 4), 5),
    ]
    assert "已逾期3个工作日" in html
    assert queue["other"].tracking_no not in html  # another unit's
    assert "逾期清单（1件）" in html


def test_the_reminder_window_is_a_setting(
    client: Client, handler: User, queue: dict[str, Application], settings: Any
) -> None:
    settings.GONGKAI_REMINDER_WORKDAYS = 2
    client.force_login(handler)
    response = client.get(reverse("applications:list"))
    assert [r.application for r in response.context["reminders"]] == [queue["soon"]]
    assert "提醒：2个工作日内到期" in response.content.decode()


def test_the_queue_filters(
    client: Client, handler: User, office: User, queue: dict[str, Application]
) -> None:
    client.force_login(handler)

    def shown(**query: Any) -> set[str]:
        response = client.get(reverse("applications:list"), query)
        return {row.application.tracking_no for row in response.context["rows"]}

    assert shown(overdue="on") == {queue["late"].tracking_no}
    assert shown(within="2") == {queue["soon"].tracking_no}
    assert shown(within="0") == set()
    assert shown(stage="replied") == {queue["done"].tracking_no}
    assert shown(handler=str(handler.pk)) == {
        a.tracking_no for k, a in queue.items() if k != "other"
    }
    assert shown(stage="nonsense") == shown()  # ignored, not an error
    client.force_login(office)
    assert shown(overdue="on") == {queue["late"].tracking_no, queue["other"].tracking_no}
    assert shown(unit=str(queue["other"].unit_id)) == {queue["other"].tracking_no}


def test_overdue_lists_per_handler_unit_and_county(
    client: Client,
    handler: User,
    office: User,
    leader: User,
    queue: dict[str, Application],
) -> None:
    for user in (office, leader):
        client.force_login(user)
        response = client.get(reverse("applications:overdue"))
        summary = response.context["summary"]
        html = response.content.decode()
        assert summary.total == 2
        assert "全县共有2件申请逾期未答复" in html
        assert [(g.label, g.count) for g in summary.by_unit] == [("县住建局", 1), ("县民政局", 1)]
        assert [(g.label, g.count) for g in summary.by_handler] == [("李承办", 1), ("赵承办", 1)]
        assert [row.days_late for row in summary.rows] == [3, 3]
    client.force_login(handler)
    response = client.get(reverse("applications:overdue"))
    assert response.context["summary"].total == 1
    html = response.content.decode()
    assert "本单位共有1件申请逾期未答复" in html
    assert queue["late"].tracking_no in html and queue["other"].tracking_no not in html
    assert "已逾期3个工作日" in html


def test_list_pages_have_a_bounded_number_of_queries(
    client: Client,
    office: User,
    handler: User,
    department: Unit,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(30):
        register(handler, department, D(2024, 9, 2) + dt.timedelta(days=n))
    client.force_login(office)
    for name in ("applications:list", "applications:overdue", "applications:report"):
        # +1: the footer's site settings (国办发〔2017〕47号), read once a page.
        with django_assert_max_num_queries(17):
            response = client.get(reverse(name))
        assert response.status_code == 200
    # +1: the footer's site settings (国办发〔2017〕47号), read once a page.
    with django_assert_max_num_queries(17):
        client.get(reverse("applications:list"), {"overdue": "on", "within": "5"})


def test_report_page_shows_section_three(
    client: Client, office: User, handler: User, queue: dict[str, Application]
) -> None:
    client.force_login(office)
    response = client.get(reverse("applications:report"), {"year": "2024"})
    html = response.content.decode()
    assert "一、本年新收政府信息公开申请数量" in html
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in html
    assert "3.危及“三安全一稳定”" in html
    assert "四、结转下年度继续办理" in html
    numbers = {
        row["name"]: row["values"] for row in response.context["table"]["rows"] if row["values"]
    }
    assert numbers["本年新收政府信息公开申请数量"]["自然人"] == 5
    assert numbers["予以公开"]["总计"] == 1
    assert numbers["结转下年度继续办理"]["总计"] == 4
    client.force_login(handler)
    response = client.get(reverse("applications:report"), {"year": "2024"})
    numbers = {
        row["name"]: row["values"] for row in response.context["table"]["rows"] if row["values"]
    }
    assert numbers["本年新收政府信息公开申请数量"]["总计"] == 4  # the department's own


def test_online_applications_awaiting_confirmation_are_reminded(
    client: Client, handler: User, department: Unit, time_machine: Any
) -> None:
    # Submitted on Thursday 10-24; by Monday 10-28 two working days have passed unconfirmed
    # (条例第三十一条第（三）项: the clock has not started until both sides confirm).
    time_machine.move_to("2024-10-24 10:00 +0800", tick=False)
    application, _code = services.application_submit_online(
        unit=department, values={**APPLICANT, "delivery_way": "email", "email": "a@example.cn"}
    )
    time_machine.move_to("2024-10-28 10:00 +0800", tick=False)
    client.force_login(handler)
    response = client.get(reverse("applications:list"))
    html = response.content.decode()
    reminders = [(r.application, r.what, r.due, r.days_left) for r in response.context["reminders"]]
    assert reminders == [(application, "确认收到网上申请（提交于该日）", D(2024, 10, 24), -2)]
    assert "确认收到网上申请（提交于该日）" in html
    assert "已过2个工作日" in html
    assert "待确认收到的网上申请（1件）" in html
