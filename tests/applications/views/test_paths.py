"""Staff take applications through every path on the pages — 补正 then supplement, lapse,
consultation, extension, fee, each outcome — with the due dates pinned across the
National Day 2024 and Spring Festival 2025 holidays and their make-up working days.

The 2024 calendar: Sunday 09-29 and Saturday 10-12 are make-up working days, 10-01..10-07 off.
The 2025 calendar: Sunday 01-26 and Saturday 02-08 are make-up working days, 01-28..02-04 off.
Every literal date below was counted by hand on those calendars and is cross-checked with
gongkai.clock.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai import clock as statutory
from gongkai.applications import outcomes
from gongkai.applications.models import Application, EventKind, Stage
from gongkai.orgs.models import Unit, User
from gongkai.workdays.selectors import calendar
from tests.applications.views.inputs import form_data, register, step
from tests.applications.views.inputs import fresh as _fresh

pytestmark = pytest.mark.django_db
D = dt.date


def _due_cell(html: str, label: str) -> str:
    """The date and days-left cells of a row of the 期限 table."""
    match = re.search(
        rf"<th scope=\"row\">{re.escape(label)}</th>\s*<td>([^<]*)</td>\s*<td class=\"num\">(.*?)</td>",
        html,
        re.S,
    )
    assert match, label
    return f"{match.group(1)} {re.sub(r'<[^>]+>', '', match.group(2)).strip()}"


REPLY = "答复期限（条例第三十三条）"
NOTICE = "补正告知期限（条例第三十条）"


def test_supplement_consultation_fee_reply_deliver_archive_across_national_day(
    client: Client, handler: User, department: Unit, day: Any
) -> None:
    client.force_login(handler)
    day("2024-09-27")
    response = client.post(
        reverse("applications:register"),
        form_data(department, channel="in_person", submitted_on="2024-09-27"),
    )
    application = Application.objects.get()
    assert response["Location"] == reverse("applications:detail", args=[application.pk])
    html = client.get(response["Location"]).content.decode()
    cal = calendar()
    # Received Friday 09-27: 20 working days, the day of receipt not counted, is 10-30.
    assert statutory.due_date(D(2024, 9, 27), calendar=cal) == D(2024, 10, 30)
    assert _due_cell(html, REPLY) == "2024-10-30 还剩20个工作日"
    # The one-time 补正 notice within 7 working days: Saturday 10-12 (a make-up day).
    assert _due_cell(html, NOTICE) == "2024-10-12 还剩7个工作日"

    day("2024-09-30")
    html = step(
        client,
        "supplement",
        application,
        on="2024-09-30",
        deadline="2024-10-15",
        items="请写明所需文件的年份和文号",
    )
    assert "已记录补正告知" in html
    assert "收到补正后重新计算（条例第三十条）" in html
    assert _fresh(application).stage == Stage.SUPPLEMENT

    day("2024-10-14")
    html = step(client, "supplemented", application, on="2024-10-14", note="")
    # The 20 working days run afresh from Monday 10-14: 11-11.
    assert statutory.due_date(D(2024, 9, 27), supplemented=D(2024, 10, 14), calendar=cal) == D(
        2024, 11, 11
    )
    assert _due_cell(html, REPLY) == "2024-11-11 还剩20个工作日"
    assert _fresh(application).stage == Stage.HANDLING

    day("2024-10-15")
    html = step(
        client,
        "consult",
        application,
        kind="third_party",
        party="某物业公司",
        sent_on="2024-10-15",
        delivered_on="2024-10-15",
    )
    assert "征求意见期间不计入答复期限" in html
    consultation = application.consultations.get()
    # Handed over the day it was sent: the third party has 15 working days from then, 11-05
    # (条例第三十二条: 自收到征求意见书之日起15个工作日内).
    assert consultation.reply_due == D(2024, 11, 5)

    day("2024-10-18")
    response = client.post(
        reverse("applications:consultation_answered", args=[consultation.pk]),
        {"answer-on": "2024-10-18", "answer-answer": "同意公开"},
    )
    assert response.status_code == 302
    # 10-15..10-18 are four working days not counted: 11-11 moves to 11-15.
    assert _fresh(application).due_on == D(2024, 11, 15)

    day("2024-10-21")
    html = client.get(
        reverse("applications:detail", args=[application.pk]),
        {"fee_method": "page", "fee_count": "150"},
    ).content.decode()
    # 31–100 pages at 10元 and 101–150 at 20元: 700 + 1000.
    assert "共150页，应收1700元" in html
    assert 'name="fee-amount" value="1700"' in html
    html = step(
        client,
        "fee",
        application,
        on="2024-10-21",
        amount="1700",
        basis="按量计收：共150页",
        received_on="2024-10-21",
    )
    fresh = _fresh(application)
    assert fresh.stage == Stage.FEE_NOTICE
    # Handed to the applicant on 10-21: 20 working days from the next day, 11-18.
    assert fresh.fee_due_on == D(2024, 11, 18)

    day("2024-10-23")
    step(client, "fee_paid", application, on="2024-10-23")
    fresh = _fresh(application)
    assert fresh.stage == Stage.HANDLING
    # 10-21..10-23 are three more working days not counted: 11-20.
    assert fresh.due_on == D(2024, 11, 20)
    pauses = [(D(2024, 10, 15), D(2024, 10, 18)), (D(2024, 10, 21), D(2024, 10, 23))]
    assert statutory.due_date(
        D(2024, 9, 27), supplemented=D(2024, 10, 14), pauses=pauses, calendar=cal
    ) == D(2024, 11, 20)

    day("2024-11-05")
    html = step(client, "reply", application, on="2024-11-05", outcome="grant", note="")
    assert "已记录答复" in html
    assert "已于2024-11-05按期答复" in html
    day("2024-11-06")
    step(client, "deliver", application, on="2024-11-06", way="email")
    day("2024-11-07")
    html = step(client, "archive", application, on="2024-11-07")
    fresh = _fresh(application)
    assert (fresh.stage, fresh.outcome, fresh.archived_on) == (
        Stage.ARCHIVED,
        "grant",
        D(2024, 11, 7),
    )
    assert list(fresh.events.values_list("kind", flat=True)) == [
        EventKind.REGISTERED,
        EventKind.SUPPLEMENT_REQUESTED,
        EventKind.SUPPLEMENTED,
        EventKind.CONSULTATION_SENT,
        EventKind.CONSULTATION_ANSWERED,
        EventKind.FEE_NOTICE,
        EventKind.FEE_PAID,
        EventKind.REPLIED,
        EventKind.DELIVERED,
        EventKind.ARCHIVED,
    ]
    # Nothing more can happen to an archived application: no step form is offered.
    for name in ("reply", "deliver", "archive", "route", "withdraw"):
        assert reverse(f"applications:{name}", args=[application.pk]) not in html


def test_consultation_and_extension_across_spring_festival(
    client: Client, handler: User, office: User, unit_reviewer: User, department: Unit, day: Any
) -> None:
    day("2025-01-24")
    application, _code = register(handler, department, D(2025, 1, 24))
    cal = calendar()
    # Received Friday 01-24: Sunday 01-26 and Saturday 02-08 count, 01-28..02-04 do not.
    assert application.due_on == D(2025, 2, 27)
    assert application.supplement_notice_due == D(2025, 2, 10)
    client.force_login(handler)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert _due_cell(html, REPLY) == "2025-02-27 还剩20个工作日"

    day("2025-01-27")
    html = step(client, "accept", application)
    assert "已受理" in html
    assert _fresh(application).handler == handler

    day("2025-02-05")
    step(
        client,
        "consult",
        application,
        kind="third_party",
        party="某科技公司",
        sent_on="2025-02-05",
        delivered_on="2025-02-05",
    )
    consultation = application.consultations.get()
    assert consultation.reply_due == D(2025, 2, 25)
    assert statutory.third_party_reply_due(D(2025, 2, 5), calendar=cal) == D(2025, 2, 25)

    day("2025-02-10")
    client.post(
        reverse("applications:consultation_answered", args=[consultation.pk]),
        {"answer-on": "2025-02-10", "answer-answer": "不同意公开其中的报价"},
    )
    # 02-05, 06, 07, 08 (make-up Saturday) and 10 are not counted: 02-27 moves to 03-06.
    assert _fresh(application).due_on == D(2025, 3, 6)

    day("2025-02-20")
    # 条例第三十三条第二款: the head of the unit's own 政府信息公开工作机构 approves — its reviewer,
    # not the handler, and not the county office (the 主管部门 of 第三条) for a department.
    refusal = "延期答复须经本机关政府信息公开工作机构负责人同意，请由本单位的审核人批准。"
    for user in (handler, office):
        client.force_login(user)
        html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
        assert reverse("applications:extend", args=[application.pk]) not in html
        response = client.post(
            reverse("applications:extend", args=[application.pk]),
            {"extend-on": "2025-02-20", "extend-reason": "涉及面广"},
        )
        assert response.status_code == 403
        assert refusal in response.content.decode()
    assert not _fresh(application).extended
    client.force_login(unit_reviewer)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert reverse("applications:extend", args=[application.pk]) in html
    # The approver is the signed-in reviewer: the form no longer asks for a name.
    html = step(client, "extend", application, on="2025-02-20", reason="涉及面广")
    assert "已延期答复" in html
    # 40 working days with the consultation's five not counted: Thursday 04-03.
    assert _fresh(application).due_on == D(2025, 4, 3)
    assert statutory.due_date(
        D(2025, 1, 24), pauses=[(D(2025, 2, 5), D(2025, 2, 10))], extended=True, calendar=cal
    ) == D(2025, 4, 3)
    assert "已延期（经张主任同意）" in html
    assert _fresh(application).extension_approved_by == "张主任"
    html = step(client, "extend", application, on="2025-02-20", reason="再延")
    assert "答复期限只能延长一次。" in html
    # The office still sees every extension: the list's filter.
    client.force_login(office)
    response = client.get(reverse("applications:list"), {"extended": "on"})
    assert [row.application for row in response.context["rows"]] == [application]
    assert "已延期" in response.content.decode()

    client.force_login(handler)
    day("2025-03-20")
    html = step(client, "reply", application, on="2025-03-20", outcome="partial", note="")
    assert "不予公开、部分公开和不予处理须说明理由。" in html
    assert _fresh(application).stage == Stage.HANDLING
    html = step(
        client, "reply", application, on="2025-03-20", outcome="partial", note="报价属于商业秘密"
    )
    assert "已于2025-03-20按期答复" in html
    day("2025-03-21")
    step(client, "deliver", application, on="2025-03-21", way="post")
    day("2025-03-24")
    step(client, "archive", application, on="2025-03-24")
    assert _fresh(application).stage == Stage.ARCHIVED


def test_no_supplement_in_time_lapses(
    client: Client, handler: User, department: Unit, day: Any
) -> None:
    day("2024-09-27")
    application, _code = register(handler, department, D(2024, 9, 27))
    client.force_login(handler)
    day("2024-09-30")
    step(client, "supplement", application, on="2024-09-30", deadline="2024-10-15", items="补正")
    html = step(
        client, "supplement", application, on="2024-09-30", deadline="2024-10-20", items="再补"
    )
    assert "补正只能一次性告知，该申请已告知过补正。" in html
    day("2024-10-15")
    html = step(client, "lapse", application, on="2024-10-15")
    assert "只有补正期限届满仍未补正的申请才能视为放弃。" in html
    assert _fresh(application).stage == Stage.SUPPLEMENT
    day("2024-10-16")
    html = step(client, "lapse", application, on="2024-10-16")
    assert "已视为放弃申请" in html
    fresh = _fresh(application)
    assert (fresh.stage, fresh.outcome, fresh.replied_on) == (
        Stage.CLOSED,
        "lapsed",
        D(2024, 10, 16),
    )
    step(client, "archive", application, on="2024-10-16")
    assert _fresh(application).stage == Stage.ARCHIVED


@pytest.mark.parametrize(
    "outcome", [code for code in outcomes.REPLY_CODES if code != "still_unclear"]
)
def test_each_outcome_is_recorded(
    client: Client, handler: User, department: Unit, day: Any, outcome: str
) -> None:
    day("2024-09-27")
    application, _code = register(handler, department, D(2024, 9, 27))
    client.force_login(handler)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    info = outcomes.BY_CODE[outcome]
    # The reply form offers the taxonomy grouped as in the annual report.
    for group in ("不予公开", "无法提供", "不予处理", "其他处理"):
        assert f'<optgroup label="{group}">' in html
    assert f'<option value="{outcome}">{info.choice}</option>' in html
    for closing in outcomes.CLOSING_CODES:
        assert f'<option value="{closing}">' not in html
    step(client, "accept", application)
    day("2024-10-29")
    html = step(client, "reply", application, on="2024-10-29", outcome=outcome, note="依据条例")
    fresh = _fresh(application)
    assert (fresh.stage, fresh.outcome, fresh.replied_on) == (
        Stage.REPLIED,
        outcome,
        D(2024, 10, 29),
    )
    assert info.choice in html
    assert "已于2024-10-29按期答复" in html


def test_still_unclear_after_supplement_and_a_late_reply(
    client: Client, handler: User, department: Unit, day: Any
) -> None:
    day("2024-09-27")
    application, _code = register(handler, department, D(2024, 9, 27))
    client.force_login(handler)
    day("2024-10-08")
    html = step(client, "reply", application, on="2024-10-08", outcome="still_unclear", note="x")
    assert "只适用于已经补正过的申请" in html
    step(client, "supplement", application, on="2024-10-08", deadline="2024-10-18", items="补正")
    step(client, "supplemented", application, on="2024-10-08")
    # Afresh from Tuesday 10-08 (Saturday 10-12 counts): 11-04. Replying on 11-07 is three
    # working days late, recorded.
    assert _fresh(application).due_on == D(2024, 11, 4)
    day("2024-11-07")
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert _due_cell(html, REPLY) == "2024-11-04 已逾期3个工作日"
    html = step(
        client, "reply", application, on="2024-11-07", outcome="still_unclear", note="仍不明确"
    )
    assert "已于2024-11-07答复，超过期限3个工作日" in html
    assert application.events.get(kind=EventKind.REPLIED).data["late"] is True


def test_unpaid_fee_closes_after_20_working_days(
    client: Client, handler: User, department: Unit, day: Any
) -> None:
    day("2024-09-27")
    application, _code = register(handler, department, D(2024, 9, 27))
    client.force_login(handler)
    step(client, "accept", application)
    day("2024-10-08")
    html = client.get(
        reverse("applications:detail", args=[application.pk]),
        {"fee_method": "request", "fee_count": "12"},
    ).content.decode()
    assert "本月第12件申请，本件应收100元，本月累计200元" in html
    step(client, "fee", application, on="2024-10-08", amount="100", basis="按件计收")
    # Sent by post: the 20 working days to pay wait for the day the applicant receives it.
    assert _fresh(application).fee_due_on is None
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "待申请人收到收费通知后计算缴费期限" in html
    assert reverse("applications:fee_lapse", args=[application.pk]) not in html
    html = step(client, "fee_received", application, on="2024-10-08")
    assert "已记录申请人收到收费通知" in html
    assert reverse("applications:fee_received", args=[application.pk]) not in html
    # Received 10-08: 20 working days from the next day (Saturday 10-12 worked), 11-04.
    assert _fresh(application).fee_due_on == D(2024, 11, 4)
    day("2024-11-04")
    html = step(client, "fee_lapse", application, on="2024-11-04")
    assert "缴费期限届满后才能不再处理。" in html
    day("2024-11-05")
    html = step(client, "fee_lapse", application, on="2024-11-05")
    fresh = _fresh(application)
    assert (fresh.stage, fresh.outcome) == (Stage.CLOSED, "fee_unpaid")


def test_online_application_is_confirmed_on_the_page(
    client: Client, handler: User, department: Unit, day: Any
) -> None:
    day("2024-09-28")
    client.post(reverse("portal:apply"), form_data(department))
    application = Application.objects.get()
    client.force_login(handler)
    html = client.get(reverse("applications:list")).content.decode()
    assert "待确认收到的网上申请（1件）" in html
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "与申请人确认收到后开始计算" in html
    day("2024-09-30")
    html = step(client, "confirm", application, on="2024-09-30")
    assert "已确认收到申请" in html
    fresh = _fresh(application)
    assert (fresh.stage, fresh.received_on, fresh.due_on) == (
        Stage.REGISTERED,
        D(2024, 9, 30),
        D(2024, 11, 1),
    )


def test_steps_the_stage_does_not_allow_are_refused_with_a_message(
    client: Client, handler: User, department: Unit, day: Any
) -> None:
    day("2024-09-27")
    application, _code = register(handler, department, D(2024, 9, 27))
    client.force_login(handler)
    step(client, "accept", application)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    # Only the steps a handling application allows are offered.
    for name in ("consult", "route", "reasons", "fee", "reply", "withdraw"):
        assert reverse(f"applications:{name}", args=[application.pk]) in html
    for name in (
        "deliver",
        "archive",
        "confirm",
        "accept",
        "supplemented",
        "lapse",
        "fee_paid",
        "fee_received",
        "defer",
        "extend",
    ):
        assert reverse(f"applications:{name}", args=[application.pk]) not in html
    events = application.events.count()
    refusals = [
        ("deliver", {"on": "2024-09-27", "way": "post"}, "申请当前处于“办理中”阶段"),
        ("archive", {"on": "2024-09-27"}, "申请当前处于“办理中”阶段"),
        ("supplemented", {"on": "2024-09-27"}, "申请当前处于“办理中”阶段"),
        ("fee_paid", {"on": "2024-09-27"}, "申请当前处于“办理中”阶段"),
        ("lapse", {"on": "2024-09-27"}, "只有补正期限届满仍未补正的申请才能视为放弃"),
        ("reply", {"on": "2024-09-27", "outcome": "secret"}, "须说明理由"),
        ("reply", {"on": "2024-09-28", "outcome": "grant"}, "答复日期不能晚于今天"),
        (
            "route",
            {"to_unit": str(department.pk), "on": "2024-09-27"},
            "转交至：选择一个有效的选项",
        ),
        (
            "defer",
            {"on": "2024-09-27", "until": "2024-12-31", "reason": "x"},
            "应先要求申请人说明理由",
        ),
        ("fee_received", {"on": "2024-09-27"}, "该申请没有待缴的收费通知"),
        ("withdraw", {"on": "2024-09-27", "reason": " "}, "撤回方式和理由：这个字段是必填项"),
        ("reply", {"outcome": "grant"}, "答复日期：这个字段是必填项"),
    ]
    for name, fields, message in refusals:
        html = step(client, name, application, **fields)
        assert message in html, (name, message)
    fresh = _fresh(application)
    assert fresh.stage == Stage.HANDLING
    assert fresh.events.count() == events
