"""The demo county's messages (政民互动, issue 13): one in each box, and one of each state the
office must see — answered on time and published with the writer's ID and phone number masked,
overdue, private, and unanswered for over 3 months (flagged for the monitoring page's 互动回应差
rule, so the demo site shows that single veto failing, as an inspector would find it).

Made through the services, then back-dated (received_on and its due date, recounted on the
office calendar) so the clock has something to show on any day the demo is loaded. Idempotent:
skipped when the demo's first message exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gongkai.core import clock
from gongkai.interaction import services
from gongkai.interaction.models import Box, Message
from gongkai.orgs.models import Unit, User

FIRST_TITLE = "关于城区低保申请条件的咨询"


def _back_date(message: Message, days: int) -> Message:
    """Move the message's receipt ``days`` calendar days back, its due date recounted."""
    received = clock.today() - dt.timedelta(days=days)
    due = services.due_on(received, message.box, simple=message.simple)
    Message.objects.filter(pk=message.pk).update(received_on=received, due_on=due)
    message.refresh_from_db()
    return message


def _submit(box: str, days: int, **values: Any) -> Message:
    message, _code = services.message_submit(box=box, values=values)
    return _back_date(message, days)


def load_interaction(*, units: dict[str, Unit], users: dict[str, User]) -> int:
    """Load the demo messages once; returns how many were made."""
    if Message.objects.filter(title=FIRST_TITLE).exists():
        return 0
    office = users["office"]
    mzj, zjj = units["MZJ"], units["ZJJ"]
    mzj_staff = users["mzj_handler"]
    zjj_staff = users.get("zjj_handler") or users.get("zjj_editor") or office

    # 咨询: answered on time and published; the writer typed their ID and phone number into the
    # text, which the published copy masks.
    answered = _submit(
        Box.CONSULT,
        2,
        category="policy",
        title=FIRST_TITLE,
        body="我叫刘春生，身份证号360735198506151233，电话13907971234。"
        "想咨询城区居民申请最低生活保障需要哪些条件和材料？",
        name="刘春生",
        phone="13907971234",
        allow_publish=True,
    )
    services.message_assign(actor=office, message=answered, unit=mzj)
    services.message_reply(
        actor=mzj_staff,
        message=answered,
        reply="刘春生您好：申请城乡低保须家庭人均收入低于当地低保标准且家庭财产符合规定。"
        "请携带户口簿、身份证和收入证明到户籍所在地乡镇（街道）社会救助窗口申请。"
        "咨询电话：0797-5712345。",
    )
    # 领导信箱: overdue at 县住建局 (received three weeks ago, still unanswered).
    overdue = _submit(
        Box.LEADER,
        21,
        category="help",
        title="琴江镇西华山路路灯长期不亮",
        body="西华山路北段路灯已经一个多月不亮，晚上出行不安全，请尽快维修。",
        name="陈女士",
        phone="13807975678",
    )
    services.message_assign(actor=office, message=overdue, unit=zjj)
    # Private: answered, but the writer asked not to publish it.
    private = _submit(
        Box.LEADER,
        5,
        category="complaint",
        title="反映邻里噪音问题",
        body="楼下商铺夜间施工噪音很大，希望有关部门处理。（请勿公开）",
        name="赵先生",
        email="zhao@example.com",
        allow_publish=False,
    )
    services.message_assign(actor=office, message=private, unit=zjj)
    services.message_reply(
        actor=zjj_staff, message=private, reply="已转告执法大队到现场核查并责令整改。"
    )
    # Unanswered for over 3 months: the monitoring page's 互动回应差 rule fails on it.
    stale = _submit(
        Box.CONSULT,
        120,
        category="service",
        title="新生儿医保参保怎么办理",
        body="孩子刚出生，想问在哪里办理医保参保，需要带什么材料？",
        name="黄先生",
    )
    services.message_assign(actor=office, message=stale, unit=mzj)
    # 找错: a reader's typo report, answered by the office.
    jiucuo = _submit(
        Box.JIUCUO,
        1,
        category="typo",
        page_url="/xxgk/",
        body="政府信息公开栏目首页“低保”写成了“底保”。",
    )
    services.message_reply(actor=office, message=jiucuo, reply="已改正，感谢您的指正。")
    return 5
