"""The demo county's assessment (考核) and rectification items (整改), so the score table, the
dashboard and the rectification pages have something realistic to show (issue 9).

``load_assessment`` (called by ``gongkai demo``) opens the current year's indicator set, modelled
on what seeds 000 and 004 assess — volume and freshness of publication (the monthly report's
counts and ● marks), publication within 20 working days (条例第二十六条), replies on time, no
wrong or sensitive words or unmasked personal data, and two office-scored items: policy
interpretation (同步起草、同步审签、同步发布) and the standardisation work itself (专区、台账, seed 003
complains no township had a complete ledger) — with some scores entered, and six rectification
items in every state, the first four being the problems seed 003 names (县文广新旅局's stale
columns, 县商务局's idle 抖音 account, 县民政局's unmasked ID and social-security numbers named by
the city's 网信办, 县交通运输局's wrong words). Everything goes through
gongkai.assessment.services as the office and the units' staff. Deterministic for a given day;
idempotent: skipped once the year's set exists.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from gongkai.assessment import services
from gongkai.assessment.models import IndicatorSet, Measure
from gongkai.core import clock
from gongkai.orgs.models import Unit, User

INDICATORS: list[dict[str, Any]] = [
    {"name": "信息发布数量", "weight": Decimal(20), "measure": Measure.VOLUME,
     "targets": {"department": 40, "stationed": 20, "township": 90, "community": 60},
     "criteria": "按政务公开月报统计的主动公开政府信息条数，对照年度目标按已过天数折算，达到目标得满分。"},
    {"name": "信息更新及时", "weight": Decimal(15), "measure": Measure.FRESHNESS,
     "criteria": "每月至少上传1条政府信息；月报中备注“●”（当月未上传）的月份按比例扣分。"},
    {"name": "主动公开时限", "weight": Decimal(15), "measure": Measure.TIMELY_PUBLICATION,
     "criteria": "自政府信息形成或者变更之日起20个工作日内公开（条例第二十六条），超期公开的按比例扣分。"},
    {"name": "依申请公开按时答复", "weight": Decimal(15), "measure": Measure.TIMELY_REPLY,
     "criteria": "在法定期限内答复（条例第三十三条）；未收到申请的不扣分。"},
    {"name": "错敏字和个人信息保护", "weight": Decimal(15), "measure": Measure.FINDINGS,
     "zero_at": 3,
     "criteria": "发布的信息存在敏感词或未对身份证号、社保卡号等个人信息脱敏处理的，每条扣5分。"},
    {"name": "政策解读", "weight": Decimal(10), "measure": Measure.MANUAL,
     "criteria": "规范性文件和重要政策文件同步起草、同步审签、同步发布解读材料，采用图文、简明问答等形象化解读的加分。"},
    {"name": "标准化规范化建设", "weight": Decimal(10), "measure": Measure.MANUAL,
     "criteria": "印发实施方案、建立台账、建设政务公开专区、向村（居）延伸，对照建设指引逐项评分。"},
]  # fmt: skip

# (indicator, unit code, points, note): what the office has scored so far.
SCORES = [
    ("政策解读", "JKTJ", "9", "同步发布图文解读3篇、简明问答1篇。"),
    ("政策解读", "YLBZJ", "8.5", "解读材料齐全，形式以文字为主。"),
    ("政策解读", "MZJ", "6", "2件规范性文件未同步发布解读材料。"),
    ("政策解读", "ZJJ", "7", "解读形式单一，未采用图解。"),
    ("标准化规范化建设", "GTZ", "9.5", "“六子”工作法，专区、目录、台账齐全。"),
    ("标准化规范化建设", "QJZ", "9", "建成“数字化”专区，乡村电视台延伸到村。"),
    ("标准化规范化建设", "GJYZ", "8", "专区已建成，台账资料不全。"),
    ("标准化规范化建设", "DYX", "8", "专区已建成，村（居）延伸不够。"),
    ("标准化规范化建设", "PSZ", "5", "未印发实施方案，未建立台账。"),
]


def load_assessment(*, units: dict[str, Unit], users: dict[str, User]) -> bool:
    """Load the demo assessment once; returns whether anything was loaded."""
    today = clock.today()
    if IndicatorSet.objects.filter(year=today.year).exists():
        return False
    office = users["office"]
    indicator_set = services.indicator_set_create(
        actor=office,
        year=today.year,
        name=f"{today.year}年度政务公开工作考核",
        description="纳入全县年度目标管理（绩效）考评体系；政务公开月报通报情况纳入年度综合考评。",
    )
    made = {}
    for values in INDICATORS:
        indicator = services.indicator_add(actor=office, indicator_set=indicator_set, values=values)
        made[indicator.name] = indicator
    for name, code, points, note in SCORES:
        services.manual_score_enter(
            actor=office, indicator=made[name], unit=units[code], points=points, note=note
        )
    _load_rectifications(units, users, today)
    return True


def _load_rectifications(units: dict[str, Unit], users: dict[str, User], today: dt.date) -> None:
    office = users["office"]

    def days(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    def open_item(code: str, title: str, source: str, found: int, deadline: int, text: str) -> Any:
        """An item found ``found`` days ago, due ``deadline`` days ago (negative: to come)."""
        return services.rectification_create(
            actor=office,
            unit=units[code],
            title=title,
            source=source,
            found_on=days(found),
            deadline=days(deadline),
            description=text,
        )

    # 1. Still open and overdue.
    open_item(
        "WGXLJ", "网站栏目未及时更新", "monitoring", 20, 5,
        "日常监测发现县文广新旅局网站栏目长期未更新（政务公开月报第2期）。",
    )  # fmt: skip
    # 2. Reported by the unit, waiting for the office.
    idle = open_item(
        "SWJ", "抖音号未及时更新", "monitoring", 20, -10,
        "县商务局抖音号超过2周未更新，政务新媒体每周更新不少于2次。",
    )  # fmt: skip
    services.rectification_report(
        actor=users["swj_editor"],
        rectification=idle,
        text="已安排专人运维，恢复每周更新2次以上，并补发近期工作动态。",
        on=days(3),
    )
    # 3. Named by the city; reported and closed.
    unmasked = open_item(
        "MZJ", "上传信息未对身份证号、社保卡号进行脱敏处理", "superior", 40, 30,
        "县民政局在上传信息时未对身份证号、社保卡号进行脱敏处理，被市委网信办监测通报。",
    )  # fmt: skip
    services.rectification_report(
        actor=users["mzj_reviewer"],
        rectification=unmasked,
        text="已撤回相关信息，脱敏处理后重新发布；建立发布前个人信息检查和三审制度。",
        on=days(32),
    )
    services.rectification_close(
        actor=office, rectification=unmasked, note="经复查，原信息已撤回，重新发布的信息已脱敏。"
    )
    # 4. Reported, returned by the office: open again with the reason.
    words = open_item(
        "JTYSJ", "上传的信息存在较多错敏字", "monitoring", 25, -5,
        "县交通运输局上传的信息存在较多错敏字（政务公开月报第2期）。",
    )  # fmt: skip
    services.rectification_report(
        actor=users["jtysj_editor"], rectification=words, text="已逐条修改。", on=days(10)
    )
    services.rectification_return(
        actor=office,
        rectification=words,
        reason="抽查仍有2条信息存在错别字，请全面自查并说明审核把关措施。",
    )
    # 5. From the assessment: a township without a ledger.
    open_item(
        "PSZ", "未对照建设指引建立台账", "assessment", 10, -20,
        "未结合工作实际印发实施方案，未对照基层政务公开标准化规范化建设指引建立台账。",
    )  # fmt: skip
    # 6. From the third-party evaluation: the interpretation rate.
    open_item(
        "SCX", "政策解读比例偏低", "third_party", 8, -30,
        "今年以来以县政府（办）名义印发的政策文件共65项，完成政策解读仅10件，解读比例15%，且形式单一。",
    )  # fmt: skip
