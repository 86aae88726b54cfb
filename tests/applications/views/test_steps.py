"""The steps the law adds, taken through the application's page: routing inside the county's
unified intake (one application, same number, code and receipt date), the applicant's withdrawal,
the 第三十五条 request for reasons and longer period, the day a consulted party received the
request, the fee notice's receipt, a reply naming the responsible agency (第三十六条第（五）项),
and who approves an extension (第三十三条第二款).

Dates on the 2024 calendar: Sunday 09-29 and Saturday 10-12 are make-up working days, 10-01..10-07
the National Day holiday; received Friday 09-27, a reply is due 10-30.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai import clock as statutory
from gongkai.applications import selectors, services
from gongkai.applications.models import Application, EventKind, LetterKind, Routing, Stage
from gongkai.orgs.models import Unit, User
from gongkai.workdays.selectors import calendar
from tests.applications.views.inputs import fresh as _fresh
from tests.applications.views.inputs import register, step

pytestmark = pytest.mark.django_db
D = dt.date
DEFERRED = "答复期限（条例第三十五条，延迟答复）"


def _page(client: Client, application: Application) -> str:
    return client.get(reverse("applications:detail", args=[application.pk])).content.decode()


def _due_row(html: str, label: str) -> tuple[str, str, str]:
    """The date, days-left and note cells of a row of the 期限 table."""
    match = re.search(
        rf"<th scope=\"row\">{re.escape(label)}</th>\s*<td>([^<]*)</td>\s*"
        r"<td class=\"num\">(.*?)</td>\s*<td>(.*?)</td>",
        html,
        re.S,
    )
    assert match, label
    return (
        match.group(1),
        re.sub(r"<[^>]+>", "", match.group(2)).strip(),
        match.group(3).strip(),
    )


def _track(client: Client, number: str, code: str) -> str:
    response = client.post(reverse("portal:apply_track"), {"tracking_no": number, "code": code})
    assert response.status_code == 200
    return response.content.decode()


# ------------------------------------------------------------------------------- routing


def test_routing_keeps_the_number_code_and_receipt_date(
    client: Client,
    handler: User,
    other_handler: User,
    department: Unit,
    other_department: Unit,
    day: Any,
) -> None:
    day("2024-09-27")
    application, code = register(handler, department, D(2024, 9, 27))
    client.force_login(handler)
    html = _page(client, application)
    assert "转交承办单位（统一受理" in html
    assert "转交后申请编号、查询码和收到申请之日不变" in html
    assert f'<option value="{department.pk}">' not in html.split("route-to_unit")[1][:2000]

    day("2024-09-30")
    response = client.post(
        reverse("applications:route", args=[application.pk]),
        {
            "route-to_unit": str(other_department.pk),
            "route-on": "2024-09-30",
            "route-note": "住房信息由县住建局掌握",
        },
    )
    # The application has left the handler's unit: back to the list, with the message.
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:list")
    html = client.get(response["Location"]).content.decode()
    assert "已转交县住建局办理；申请编号、查询码和收到申请之日不变。" in html
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 404

    fresh = _fresh(application)
    assert (fresh.tracking_no, fresh.received_on, fresh.due_on) == (
        application.tracking_no,
        D(2024, 9, 27),
        D(2024, 10, 30),
    )
    assert (fresh.unit, fresh.account_unit, fresh.stage, fresh.handler) == (
        other_department,
        other_department,
        Stage.REGISTERED,
        None,
    )
    assert Application.objects.count() == 1
    assert services.query_code_matches(fresh, code)

    client.force_login(other_handler)
    html = _page(client, fresh)
    assert "转交记录（统一受理）" in html
    assert "住房信息由县住建局掌握" in html and "县民政局" in html
    # Received and routed in the same year: counted once, at the unit that answers it.
    assert "计入年度报告的单位" not in html
    step(client, "accept", fresh)
    day("2024-10-29")
    step(client, "reply", fresh, on="2024-10-29", outcome="grant")
    assert _fresh(fresh).stage == Stage.REPLIED

    # The applicant follows the same number with the same code.
    html = _track(client, application.tracking_no, code)
    assert "您的申请已转交县住建局办理。申请编号、查询码和收到申请之日不变" in html
    assert "转交承办单位" in html
    assert "新的申请编号" not in html and "转办" not in html


def test_routing_after_the_year_of_receipt_keeps_the_account_unit(
    client: Client,
    handler: User,
    office: User,
    department: Unit,
    other_department: Unit,
    day: Any,
) -> None:
    day("2024-12-27")
    application, _code = register(handler, department, D(2024, 12, 27))
    day("2025-01-06")
    client.force_login(office)
    html = step(
        client,
        "route",
        application,
        to_unit=str(other_department.pk),
        on="2025-01-06",
        note="统一受理窗口分办",
    )
    assert "已转交县住建局办理" in html
    # 2024's report already carried it forward at 县民政局: it stays in that unit's books.
    assert re.search(r"计入年度报告的单位</th><td>县民政局", html)
    fresh = _fresh(application)
    assert (fresh.unit, fresh.account_unit) == (other_department, department)
    assert Routing.objects.get().actor == office


def test_routing_is_refused_after_a_reply_and_to_those_who_may_not(
    client: Client,
    handler: User,
    reviewer: User,
    department: Unit,
    other_department: Unit,
    day: Any,
) -> None:
    day("2024-09-27")
    application, _code = register(handler, department, D(2024, 9, 27))
    client.force_login(reviewer)
    assert reverse("applications:route", args=[application.pk]) not in _page(client, application)
    response = client.post(
        reverse("applications:route", args=[application.pk]),
        {"route-to_unit": str(other_department.pk), "route-on": "2024-09-27"},
    )
    assert response.status_code == 403
    assert "只有县政务公开办（统一受理）或承办单位的承办人可以转交该申请。" in (
        response.content.decode()
    )
    client.force_login(handler)
    step(client, "reply", application, on="2024-09-27", outcome="grant")
    html = step(client, "route", application, to_unit=str(other_department.pk), on="2024-09-27")
    assert "申请当前处于“已答复”阶段，不能转交" in html
    assert not Routing.objects.exists()


# ------------------------------------------------------------------------------- withdrawal


def test_the_applicant_withdraws(client: Client, handler: User, department: Unit, day: Any) -> None:
    day("2024-09-27")
    application, code = register(handler, department, D(2024, 9, 27))
    client.force_login(handler)
    step(client, "accept", application)
    day("2024-10-08")
    html = step(client, "withdraw", application, on="2024-10-08", reason="")
    assert "撤回方式和理由：这个字段是必填项" in html
    html = step(
        client, "withdraw", application, on="2024-10-08", reason="申请人来电撤回：已从其他途径获得"
    )
    assert "已记录申请人撤回申请" in html
    fresh = _fresh(application)
    assert (fresh.stage, fresh.outcome, fresh.outcome_note, fresh.replied_on) == (
        Stage.CLOSED,
        "withdrawn",
        "申请人来电撤回：已从其他途径获得",
        D(2024, 10, 8),
    )
    assert "其他处理：申请人撤回申请" in html
    assert "已于2024-10-08终止办理：申请人撤回申请" in html
    # No reply letter is due, and only archiving is left.
    assert "生成政府信息公开申请答复告知书" not in html
    for name in ("withdraw", "reply", "route", "consult"):
        assert reverse(f"applications:{name}", args=[application.pk]) not in html
    assert reverse("applications:archive", args=[application.pk]) in html
    # Counted under 其他处理 3.其他.
    table = selectors.report_numbers(selectors.annual_report_table(2024))
    assert table["其他"]["总计"] == 1
    assert "其他处理：申请人撤回申请" in _track(client, application.tracking_no, code)


def test_steps_post_with_the_csrf_token_only(handler: User, department: Unit, day: Any) -> None:
    day("2024-09-27")
    application, _code = register(handler, department, D(2024, 9, 27))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(handler)
    url = reverse("applications:withdraw", args=[application.pk])
    data = {"withdraw-on": "2024-09-27", "withdraw-reason": "申请人书面撤回"}
    assert strict.post(url, data).status_code == 403
    html = _page(strict, application)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token
    response = strict.post(url, {**data, "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert _fresh(application).outcome == "withdrawn"


# ------------------------------------------------------------------------------- 第三十五条


def test_reasons_then_a_longer_period_is_not_overdue(
    client: Client, handler: User, department: Unit, day: Any
) -> None:
    day("2024-09-27")
    application, code = register(handler, department, D(2024, 9, 27))
    client.force_login(handler)
    step(client, "accept", application)
    html = _page(client, application)
    assert reverse("applications:defer", args=[application.pk]) not in html

    day("2024-10-08")
    html = step(client, "reasons", application, on="2024-10-08", note="")
    assert "申请数量、频次明显超过合理范围的情况：这个字段是必填项" in html
    html = step(
        client, "reasons", application, on="2024-10-08", note="本月已就同类事项提交申请40件"
    )
    assert "已记录要求申请人说明理由（条例第三十五条）" in html
    assert "已于2024-10-08要求申请人说明理由（条例第三十五条）" in html
    assert f"生成{LetterKind.REASONS.label}" in html
    assert reverse("applications:reasons", args=[application.pk]) not in html
    assert reverse("applications:defer", args=[application.pk]) in html

    day("2024-10-15")
    html = step(
        client, "defer", application, on="2024-10-15", until="2024-10-29", reason="需逐件检索"
    )
    assert "延迟答复的期限应晚于现有答复期限（2024-10-30）。" in html
    html = step(
        client, "defer", application, on="2024-10-15", until="2024-12-20", reason="需逐件检索"
    )
    assert "已确定延迟答复的期限（条例第三十五条）" in html
    fresh = _fresh(application)
    assert (fresh.deferred_until, fresh.due_on) == (D(2024, 12, 20), D(2024, 12, 20))
    assert fresh.events.filter(kind=EventKind.DEFERRED).get().data["until"] == "2024-12-20"
    date, left, note = _due_row(html, DEFERRED)
    left_days = statutory.workdays_between(D(2024, 10, 15), D(2024, 12, 20), calendar=calendar())
    assert (date, left) == ("2024-12-20", f"还剩{left_days}个工作日")
    assert "确定延迟至该日答复（原答复期限2024-10-30）" in note
    assert f"生成{LetterKind.DEFERRAL.label}" in html

    # Past the statutory date the application is not overdue: the longer period replaced it.
    day("2024-11-05")
    assert fresh not in selectors.overdue(selectors.county_applications(), on=D(2024, 11, 5))
    html = client.get(reverse("applications:overdue")).content.decode()
    assert application.tracking_no not in html
    assert "（条例第三十五条，延迟答复）" in _track(client, application.tracking_no, code)


# ------------------------------------------------------------------------------- consultations


def test_consultation_periods_run_from_receipt(
    client: Client, handler: User, department: Unit, day: Any
) -> None:
    day("2024-09-27")
    application, _code = register(handler, department, D(2024, 9, 27))
    client.force_login(handler)
    step(client, "accept", application)
    html = _page(client, application)
    for kind in ("third_party", "agency", "other_agency"):
        assert f'<option value="{kind}">' in html

    day("2024-10-08")
    html = step(
        client, "consult", application, kind="third_party", party="某物业公司", sent_on="2024-10-08"
    )
    consultation = application.consultations.get()
    assert consultation.reply_due is None
    # Until the party receives the request, neither its 15 days nor the reply date are known.
    assert _due_row(html, "答复期限（条例第三十三条）")[2].startswith("征求意见中，期限暂停计算")
    assert "待对方收到征求意见书后计算" in html
    delivered_url = reverse("applications:consultation_delivered", args=[consultation.pk])
    assert delivered_url in html
    assert _fresh(application).due_on is None

    def delivered(on: str) -> str:
        response = client.post(delivered_url, {"delivered-on": on})
        assert response.status_code == 302
        return client.get(response["Location"]).content.decode()

    assert "对方收到日期不能早于发出日期。" in delivered("2024-09-30")
    day("2024-10-10")
    html = delivered("2024-10-10")
    assert "已记录某物业公司收到征求意见书的日期" in html
    consultation.refresh_from_db()
    # 15 working days from Thursday 10-10, the day of receipt not counted (Saturday 10-12
    # worked): 10-30.
    assert consultation.reply_due == D(2024, 10, 30)
    assert statutory.third_party_reply_due(D(2024, 10, 10), calendar=calendar()) == D(2024, 10, 30)
    assert "2024-10-10" in html and "2024-10-30" in html
    date, _left, note = _due_row(html, "征求意见期限（某物业公司）")
    assert date == "2024-10-30" and "自对方2024-10-10收到征求意见书起15个工作日" in note
    assert delivered_url not in html
    assert _fresh(application).due_on is not None
    assert "征求意见中：按意见期限届满计算" in html

    # Another agency's opinion has no 15 days: it pauses the clock until it comes.
    html = step(
        client, "consult", application, kind="other_agency", party="县财政局", sent_on="2024-10-10"
    )
    other = application.consultations.get(party="县财政局")
    assert reverse("applications:consultation_delivered", args=[other.pk]) not in html
    assert "无15个工作日的期限；收到意见前期限暂停计算" in html
    assert "征求其他机关意见中，期限暂停计算" in html
    assert _fresh(application).due_on is None


# ------------------------------------------------------------------------------- fees


def test_the_fee_notice_and_its_receipt(
    client: Client, handler: User, department: Unit, day: Any
) -> None:
    day("2024-09-27")
    application, _code = register(handler, department, D(2024, 9, 27))
    client.force_login(handler)
    step(client, "accept", application)
    day("2024-10-08")
    html = step(client, "fee", application, on="2024-10-08", amount="100", basis="按件计收")
    assert "申请人收到收费通知日期" in html
    assert _due_row(html, "缴费期限")[2].startswith(
        "信息处理费100.00元；待申请人收到收费通知后计算缴费期限"
    )
    assert "已发出收费通知，期限暂停计算" in _due_row(html, "答复期限（条例第三十三条）")[2]
    day("2024-10-10")
    html = step(client, "fee_received", application, on="2024-10-07")
    assert "申请人收到日期不能早于通知日期。" in html
    html = step(client, "fee_received", application, on="2024-10-09")
    # 20 working days counted from the day after 10-09 (Saturday 10-12 worked): 11-05.
    assert _fresh(application).fee_due_on == D(2024, 11, 5)
    date, _left, note = _due_row(html, "缴费期限")
    assert date == "2024-11-05" and "申请人于2024-10-09收到收费通知" in note


# ------------------------------------------------------------------------------- reply


def test_a_reply_not_responsible_names_the_responsible_agency(
    client: Client, handler: User, department: Unit, day: Any
) -> None:
    day("2024-09-27")
    application, _code = register(handler, department, D(2024, 9, 27))
    client.force_login(handler)
    html = _page(client, application)
    assert "负责公开该信息的行政机关" in html and "该机关的联系方式" in html
    day("2024-10-08")
    fields = {"on": "2024-10-08", "outcome": "not_responsible", "responsible_agency": "县住建局"}
    html = step(client, "reply", application, **fields)
    assert "请填写负责公开该信息的行政机关的联系方式（条例第三十六条第（五）项）。" in html
    html = step(client, "reply", application, **fields, responsible_contact="0797-5712345")
    assert "已记录答复" in html
    assert "县住建局（联系方式：0797-5712345）" in html
    fresh = _fresh(application)
    assert (fresh.outcome, fresh.responsible_agency, fresh.responsible_contact) == (
        "not_responsible",
        "县住建局",
        "0797-5712345",
    )


# ------------------------------------------------------------------------------- extension


def test_the_office_extends_only_the_county_governments_own(
    client: Client,
    office: User,
    handler: User,
    unit_reviewer: User,
    county: Unit,
    department: Unit,
    day: Any,
) -> None:
    day("2024-09-27")
    own, _code = register(office, county, D(2024, 9, 27))
    departments, _code = register(handler, department, D(2024, 9, 27))
    client.force_login(office)
    assert reverse("applications:extend", args=[own.pk]) in _page(client, own)
    assert reverse("applications:extend", args=[departments.pk]) not in _page(client, departments)
    day("2024-10-08")
    html = step(client, "extend", own, on="2024-10-08", reason="需调阅档案")
    assert "已延期答复" in html
    assert _fresh(own).extension_approved_by == str(office)
    client.force_login(unit_reviewer)
    # The reviewer of 县民政局 approves for its own unit, under another name if recorded for them.
    html = step(
        client, "extend", departments, on="2024-10-08", reason="需调阅档案", approved_by="王局长"
    )
    assert "已延期（经王局长同意）" in html
    client.force_login(office)
    response = client.get(reverse("applications:list"), {"extended": "on"})
    assert {row.application for row in response.context["rows"]} == {own, departments}
