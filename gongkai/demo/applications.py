"""The demo county's applications for government information (依申请公开).

Last year's register is imported from an Excel register like those offices kept before gongkai
(seed 000 reports 18 applications in a year, mostly on major decisions and land compensation);
this year's applications are taken through the real services, so every stage, the clock across
holidays, overdue lists and letters can be seen: one waiting for the applicant's confirmation, one
waiting for a supplement, one in consultation (its request received by the third party), one
extended with the consent of the unit's reviewer, one overdue, replies of several outcomes with
their letters, one routed by the county's unified intake to the unit responsible, a lapse, a fee
notice the applicant has received, a withdrawal, an oral application written down by the handler,
and one given a longer period under 条例第三十五条. Names and numbers are invented.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook

from gongkai import clock as statutory
from gongkai.applications import fees, letters, services
from gongkai.applications.models import Application, Channel, ConsultationKind, DeliveryWay
from gongkai.applications.register import register_import
from gongkai.core import clock
from gongkai.orgs.models import Unit, User
from gongkai.workdays.selectors import calendar

LAST_YEAR_REGISTER = [
    # (received month-day, type, applicant, content, unit, outcome label, reply month-day)
    ("01-09", "自然人", "刘某", "本村2022年土地征收补偿安置方案", "县自然资源局", "予以公开", "01-30"),
    ("02-20", "自然人", "陈某", "城南片区棚户区改造项目批准文件", "县住建局", "予以公开", "03-14"),
    ("03-06", "法律服务机构", "江西某律师事务所", "某宗地征收补偿协议", "县自然资源局", "保护第三方合法权益", "04-02"),
    ("03-21", "自然人", "黄某", "2022年度最低生活保障资金分配文件", "县民政局", "予以公开", "04-10"),
    ("04-12", "商业企业", "石城县某建材有限公司", "砂石资源出让方案", "县自然资源局", "部分公开", "05-09"),
    ("05-08", "自然人", "赖某", "本组危房改造补助名单", "琴江镇", "予以公开", "05-29"),
    ("05-23", "自然人", "温某", "某信访事项办理结果", "县民政局", "信访举报投诉类申请", "06-06"),
    ("06-14", "自然人", "许某", "县政府常务会议纪要", "石城县人民政府", "属于四类过程性信息", "07-10"),
    ("07-03", "科研机构", "某大学公共管理学院", "近三年政务公开工作年度报告", "石城县人民政府", "予以公开", "07-17"),
    ("07-25", "自然人", "刘某", "本村2022年土地征收补偿安置方案", "县自然资源局", "重复申请", "08-08"),
    ("08-15", "自然人", "邱某", "某道路工程立项批复", "县发改委", "本机关不掌握相关政府信息", "09-05"),
    ("09-04", "社会公益组织", "某环保公益组织", "污水处理厂排污许可及监测数据", "县生态环境局", "予以公开", "09-27"),
    ("09-26", "自然人", "廖某", "全县历年耕地面积统计（需汇总）", "县统计局", "没有现成信息需要另行制作", "10-24"),
    ("10-17", "自然人", "杨某", "本人社保缴费记录", "县社保局", "要求行政机关确认或重新出具已获取信息", "11-07"),
    ("11-06", "商业企业", "赣州某工程公司", "某项目招标文件", "县行管委", "予以公开", "11-28"),
    ("11-20", "其他", "某村民小组", "集体土地征收批复", "县自然资源局", "予以公开", "12-11"),
    ("12-10", "自然人", "钟某", "城区学校划片范围", "县教科体局", "予以公开", ""),
    ("12-24", "自然人", "欧阳某", "2023年医疗救助资金使用情况", "县医疗保障局", "部分公开", ""),
]  # fmt: skip

APPLICANTS = [
    {"applicant_type": "natural", "applicant_name": "王小明", "id_kind": "居民身份证",
     "id_number": "360735198506151233", "phone": "13807971234", "address": "石城县琴江镇古樟村1号"},
    {"applicant_type": "natural", "applicant_name": "李红梅", "id_kind": "居民身份证",
     "id_number": "36073519900312004X", "phone": "13907975678", "email": "lhm@example.cn"},
    {"applicant_type": "business", "applicant_name": "石城县某农业发展有限公司", "id_kind": "统一社会信用代码",
     "id_number": "91360735MA35G1XC6Q", "contact_name": "张经理", "phone": "0797-5701234"},
    {"applicant_type": "legal", "applicant_name": "江西某律师事务所", "id_kind": "执业许可证",
     "id_number": "23607201910012345", "contact_name": "赖律师", "email": "lawyer@example.cn"},
]  # fmt: skip


def _back(today: dt.date, workdays: int) -> dt.date:
    """The date ``workdays`` working days before today, to date the demo's invented steps.

    Where the calendar does not know a year yet, Monday to Friday stand in: this only picks
    plausible dates for demo data; the services still refuse to compute statutory dates in such a
    year (their due dates show as 期限待定).
    """
    cal = calendar()
    day, count = today, 0
    while count < workdays:
        day -= dt.timedelta(days=1)
        try:
            working = cal.is_workday(day)
        except statutory.UnknownYear:
            working = day.weekday() < 5
        if working:
            count += 1
    return day


def _weekday(day: dt.date) -> dt.date:
    """The first Monday-to-Friday day from ``day``: a plausible date for an invented period."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _register_workbook(year: int) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{year}年依申请公开登记台账"
    sheet.append([f"石城县{year}年政府信息公开申请登记台账"])
    sheet.append(
        [
            "申请编号",
            "收到日期",
            "申请人类型",
            "申请人",
            "申请内容",
            "承办单位",
            "办理结果",
            "答复日期",
        ]
    )
    for number, (received, kind, who, what, unit, outcome, replied) in enumerate(
        LAST_YEAR_REGISTER, start=1
    ):
        reply_year = year + 1 if replied and replied < received else year
        if not replied:  # received late in the year, answered in January
            replied, reply_year = "01-06", year + 1
        sheet.append(
            [
                f"SC{year}{number:03d}",
                f"{year}-{received}",
                kind,
                who,
                what,
                unit,
                outcome,
                f"{reply_year}-{replied}",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _values(number: int, description: str) -> dict[str, Any]:
    values = {k: v for k, v in APPLICANTS[number % len(APPLICANTS)].items()}
    values["description"] = description
    values["delivery_way"] = "email" if values.get("email") else "post"
    if not values.get("address") and values["delivery_way"] == "post":
        values["address"] = "石城县琴江镇东华路8号"
    return values


def load_applications(*, units: dict[str, Unit], users: dict[str, User]) -> int:
    """Load the demo applications once (skipped when any application exists); returns how many."""
    if Application.objects.exists():
        return 0
    today = clock.today()
    register_import(actor=None, data=_register_workbook(today.year - 1), filename="demo.xlsx")
    handler, office = users["mzj_handler"], users["office"]
    # The head of 县民政局's own 政府信息公开工作机构 approves its extensions (条例第三十三条第二款).
    reviewer = users["mzj_reviewer"]
    mzj, zjj = units["MZJ"], units["ZJJ"]

    def register(number: int, what: str, workdays_ago: int, **kw: Any) -> Application:
        on = _back(today, workdays_ago)
        application, _code = services.application_register(
            actor=handler,
            unit=mzj,
            channel=kw.pop("channel", Channel.IN_PERSON),
            values=_values(number, what),
            submitted_on=kw.pop("submitted_on", on),
            **kw,
        )
        return application

    services.application_submit_online(
        unit=mzj, values=_values(0, "本镇2026年临时救助对象名单及金额")
    )
    confirmed, _ = services.application_submit_online(
        unit=mzj, values=_values(1, "县养老机构床位补贴发放情况")
    )
    services.application_confirm_receipt(actor=handler, application=confirmed, on=today)

    waiting = register(2, "某项目用地的征收补偿标准", 4)
    waiting = services.application_request_supplement(
        actor=handler,
        application=waiting,
        on=_back(today, 2),
        deadline=today + dt.timedelta(days=10),
        items="请写明项目名称或所在村组，以便检索",
    )
    letters.letter_generate(actor=handler, application=waiting, kind="supplement")

    consulting = register(3, "某企业申报养老服务补贴的材料", 18, channel=Channel.REGISTERED_POST,
                          submitted_on=_back(today, 20), signed_for_on=_back(today, 18))  # fmt: skip
    consulting = services.application_accept(
        actor=handler, application=consulting, on=_back(today, 17)
    )
    services.application_consult(
        actor=handler,
        application=consulting,
        kind=ConsultationKind.THIRD_PARTY,
        party="石城县某养老服务中心",
        sent_on=_back(today, 6),
        delivered_on=_back(today, 5),
    )
    consulting.refresh_from_db()
    letters.letter_generate(actor=handler, application=consulting, kind="consultation")

    extended = register(0, "近三年全县低保资金审计整改情况", 19)
    services.application_accept(actor=handler, application=extended, on=_back(today, 19))
    extended = services.application_extend(
        actor=reviewer,
        application=extended,
        on=_back(today, 1),
        reason="涉及多个年度档案，需调阅整理",
    )
    letters.letter_generate(actor=handler, application=extended, kind="extension")

    overdue = register(1, "本村低保评议会议记录", 26)
    services.application_accept(actor=handler, application=overdue, on=_back(today, 25))

    for number, (what, outcome, note) in enumerate(
        [
            ("2026年城乡低保标准调整文件", "grant", ""),
            ("某社会组织年检结果及整改材料", "partial", "涉及第三方商业信息的部分不予公开"),
            (
                "某人申请低保的家庭经济状况核对报告",
                "third_party",
                "属于个人隐私，公开会损害第三方合法权益",
            ),
            ("县殡葬改革的内部讨论记录", "process", "属于讨论记录等过程性信息"),
            ("县政府2010年机构改革方案", "not_held", ""),
        ]
    ):
        done = register(number, what, 30 - number * 3)
        services.application_accept(
            actor=handler, application=done, on=_back(today, 29 - number * 3)
        )
        done = services.application_reply(
            actor=handler,
            application=done,
            on=_back(today, 12 - number),
            outcome=outcome,
            note=note,
        )
        reply = done.outcome_info
        assert reply is not None
        letters.letter_generate(actor=handler, application=done, kind=reply.letter)
        if number < 3:
            services.application_deliver(
                actor=handler, application=done, on=_back(today, 11 - number), way=DeliveryWay.POST
            )
        if number == 0:
            services.application_archive(actor=handler, application=done, on=_back(today, 5))

    # The county's unified intake (统一受理) passes it to the unit responsible before anyone
    # answers: the same number, query code and day of receipt, counted once, at 县住建局.
    routed = register(2, "城区棚户区改造项目的补偿方案", 8)
    services.application_route(
        actor=office,
        application=routed,
        to_unit=zjj,
        on=_back(today, 7),
        note="该信息由县住建局制作保存",
    )

    withdrawn = register(1, "本人低保申请的入户调查材料", 10)
    services.application_accept(actor=handler, application=withdrawn, on=_back(today, 10))
    services.application_withdraw(
        actor=handler,
        application=withdrawn,
        on=_back(today, 3),
        reason="申请人来电撤回：已在社区查阅到相关材料，由承办人记录",
    )

    # 条例第二十九条第一款: the applicant could not write, so the handler wrote it down.
    register(0, "本组2026年临时救助发放名单", 2, channel=Channel.ORAL)

    frequent = register(3, "2016年以来全县每一宗低保审批的全部材料", 15)
    services.application_accept(actor=handler, application=frequent, on=_back(today, 15))
    frequent = services.application_request_reasons(
        actor=handler,
        application=frequent,
        on=_back(today, 13),
        note="该申请人本月已就同类事项提交申请36件，数量、频次明显超过合理范围",
    )
    letters.letter_generate(actor=handler, application=frequent, kind="reasons")
    frequent = services.application_defer(
        actor=handler,
        application=frequent,
        on=_back(today, 8),
        until=_weekday(today + dt.timedelta(days=45)),
        reason="申请人说明了用于课题研究的理由，所需材料涉及多个年度的档案，需逐件检索整理",
    )
    letters.letter_generate(actor=handler, application=frequent, kind="deferral")

    lapsed = register(3, "某事项的有关材料", 40)
    services.application_request_supplement(
        actor=handler,
        application=lapsed,
        on=_back(today, 38),
        deadline=_back(today, 25),
        items="申请内容不明确，请写明所需信息的名称或文号",
    )
    services.application_lapse(actor=handler, application=lapsed, on=_back(today, 24))

    fee = register(0, "2015年以来全部低保审批档案的复印件（约300页）", 12)
    services.application_accept(actor=handler, application=fee, on=_back(today, 12))
    services.application_fee_notice(
        actor=handler,
        application=fee,
        on=_back(today, 6),
        amount=fees.per_page_fee(300),
        basis="按量计收：约300页，31—100页10元/页，101—200页20元/页，200页以上40元/页",
    )
    # Posted; the applicant's signed receipt came back: 20 working days to pay from the next day.
    services.application_fee_received(actor=handler, application=fee, on=_back(today, 4))
    letters.letter_generate(actor=handler, application=fee, kind="fee")
    return Application.objects.count()
