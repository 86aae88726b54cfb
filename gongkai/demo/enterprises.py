"""The demo county's public enterprises and institutions (公共企事业单位, seed 001 item 9): eight
units in the seven sectors the seed names, each under the county department that supervises it,
with an editor and a reviewer (``<code>_editor``, ``<code>_reviewer``, the demo password) and a
few items in the 公共企事业单位信息公开 column: 收费标准, 服务承诺, 停水停电通知, 招生信息 and
their own 信息公开指南.

Units and accounts go through the orgs services like the rest of the demo (idempotent); the
items through ``archive_import``, published on dates before today, with the checks before
publishing. The items are loaded once: skipped when the first one is already there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.html import escape

from gongkai.core import clock
from gongkai.orgs import services as org_services
from gongkai.orgs.models import Role, Sector, Unit, UnitKind, User
from gongkai.publications.archive import ArchiveItem, archive_import
from gongkai.publications.models import Column, DocKind, Publication, TopicCategory

COLUMN = "enterprises"  # publications migration 0014
SORT_START = 300  # after the departments (100+) and the stationed units (200+)


@dataclass(frozen=True)
class EnterpriseSpec:
    code: str
    name: str
    full_name: str
    sector: str
    supervisor: str  # a department's code in data/units.json
    topic: str  # 主题分类 code (publications migration 0002)
    address: str


@dataclass(frozen=True)
class ItemSpec:
    unit: str
    title: str
    days_ago: int
    five_class: str
    paragraphs: tuple[str, ...]


ENTERPRISES = (
    EnterpriseSpec(
        "DYZX", "县第一中学", "石城县第一中学", Sector.EDUCATION, "JKTJ", "1000", "琴江镇城南路8号"
    ),
    EnterpriseSpec(
        "SYXX", "县实验小学", "石城县实验小学", Sector.EDUCATION, "JKTJ", "1000", "琴江镇东华路21号"
    ),
    EnterpriseSpec(
        "RMYY", "县人民医院", "石城县人民医院", Sector.HEALTH, "WJW", "1200", "琴江镇西华路35号"
    ),
    EnterpriseSpec(
        "ZYY", "县中医院", "石城县中医院", Sector.HEALTH, "WJW", "1200", "琴江镇迎宾大道66号"
    ),
    EnterpriseSpec(
        "ZLSGS",
        "县自来水公司",
        "石城县自来水有限公司",
        Sector.WATER,
        "ZJJ",
        "0900",
        "琴江镇江滨路12号",
    ),
    EnterpriseSpec(
        "GDGS",
        "国网石城县供电公司",
        "国网江西省电力有限公司石城县供电分公司",
        Sector.POWER,
        "FGW",
        "0400",
        "琴江镇八宝山路18号",
    ),
    EnterpriseSpec(
        "RQGS",
        "县燃气公司",
        "石城县天然气有限公司",
        Sector.GAS,
        "ZJJ",
        "0400",
        "琴江镇工业园区纬二路",
    ),
    EnterpriseSpec(
        "GJGS",
        "县公交公司",
        "石城县公共交通有限公司",
        Sector.TRANSPORT,
        "JTYSJ",
        "0600",
        "琴江镇客运站旁",
    ),
    EnterpriseSpec(
        "WSCLC",
        "县污水处理厂",
        "石城县城市污水处理厂",
        Sector.ENVIRONMENT,
        "STHJJ",
        "0900",
        "琴江镇长江村河背组",
    ),
)

ITEMS = (
    ItemSpec(
        "DYZX",
        "石城县第一中学信息公开指南",
        300,
        "service",
        (
            "为方便学生、家长和社会公众获取学校信息，根据教育部《高等学校信息公开办法》的精神和"
            "县教科体局关于学校信息公开的要求，编制本指南。",
            "公开内容：学校基本情况、招生信息、收费项目和标准、学生资助、食品安全、校园安全等。",
            "公开方式：县政府门户网站公共企事业单位信息公开专栏、学校公示栏和家长会。",
            "咨询电话：0797-5720101（工作日上午8:00—12:00，下午14:30—17:30）。",
        ),
    ),
    ItemSpec(
        "DYZX",
        "石城县第一中学2026年高一新生招生简章",
        160,
        "service",
        (
            "根据县教科体局2026年普通高中招生工作安排，我校今年计划招收高一新生十二个班，"
            "按中考成绩从高分到低分录取，同分时依次比较语文、数学成绩。",
            "录取结果在学校公示栏和本栏目同时公布，公示期五个工作日。",
            "招生咨询电话：0797-5720102。",
        ),
    ),
    ItemSpec(
        "DYZX",
        "石城县第一中学2026年秋季学期收费项目和标准公示",
        80,
        "service",
        (
            "根据省发展改革委、省财政厅、省教育厅核定的普通高中收费标准，我校2026年秋季学期收费"
            "项目为学费和住宿费，不收取其他任何费用。",
            "学费每生每学期800元；住宿费按宿舍条件每生每学期300元至450元。",
            "家庭经济困难学生可按规定申请国家助学金和学费减免，详情咨询学校学生资助办公室。",
        ),
    ),
    ItemSpec(
        "SYXX",
        "石城县实验小学2026年一年级新生招生工作方案",
        150,
        "service",
        (
            "我校坚持免试就近入学，招生范围为县教科体局划定的城区学区，适龄儿童凭户口簿和"
            "房产证明（或居住证）报名。",
            "报名时间：7月10日至7月14日，每天上午8:30—11:30，下午15:00—17:30。",
            "报名地点：学校一楼多功能厅。咨询电话：0797-5720201。",
        ),
    ),
    ItemSpec(
        "SYXX",
        "石城县实验小学课后服务收费标准公示",
        60,
        "service",
        (
            "根据县发改委、县教科体局关于中小学课后服务收费的规定，我校课后服务按自愿原则参加，"
            "每生每学期收费不超过400元，家庭经济困难学生免收。",
            "课后服务时间为每个教学日下午放学后至17:30。",
        ),
    ),
    ItemSpec(
        "RMYY",
        "石城县人民医院信息公开指南",
        280,
        "service",
        (
            "依据《医疗卫生机构信息公开管理办法》，本院主动公开医疗服务、收费价格、"
            "就诊流程、投诉渠道等信息。",
            "公开方式：县政府门户网站公共企事业单位信息公开专栏、医院门诊大厅电子显示屏和公示栏。",
            "咨询和投诉电话：0797-5720301（医院办公室，工作日）。",
        ),
    ),
    ItemSpec(
        "RMYY",
        "石城县人民医院医疗服务价格公示",
        120,
        "service",
        (
            "本院执行省医疗保障局公布的公立医院医疗服务价格，常用项目价格在门诊大厅公示，"
            "住院患者可每日查询费用清单。",
            "普通门诊诊查费每次10元，副主任医师门诊诊查费每次15元。",
            "对收费有疑问的，请到门诊一楼收费处咨询。",
        ),
    ),
    ItemSpec(
        "RMYY",
        "石城县人民医院便民服务承诺",
        45,
        "service",
        (
            "门诊实行分时段预约就诊，急诊24小时接诊；检验结果一般项目当日出具。",
            "为65岁以上老人、残疾人和军人提供优先挂号、优先缴费、优先取药服务。",
        ),
    ),
    ItemSpec(
        "ZYY",
        "石城县中医院中药饮片和医疗服务价格公示",
        90,
        "service",
        (
            "本院中药饮片按进价顺加不超过25%销售，医疗服务价格执行省医疗保障局公布的标准。",
            "价格明细在门诊大厅电子屏和药房窗口公示。咨询电话：0797-5720401。",
        ),
    ),
    ItemSpec(
        "ZLSGS",
        "石城县自来水有限公司供水服务承诺",
        200,
        "service",
        (
            "我公司向城区用户承诺：出厂水水质符合国家生活饮用水卫生标准，每月公布水质检测结果。",
            "计划停水提前24小时通知；抢修一般在接报后2小时内到达现场。",
            "报修电话：0797-5720501（24小时）。",
        ),
    ),
    ItemSpec(
        "ZLSGS",
        "石城县城区居民生活用水价格公示",
        100,
        "service",
        (
            "根据县发改委核定的价格，城区居民生活用水实行阶梯水价：第一阶梯（每户每月15吨以内）"
            "每吨2.10元，第二阶梯每吨3.15元，第三阶梯每吨6.30元，含污水处理费。",
        ),
    ),
    ItemSpec(
        "ZLSGS",
        "关于城南片区计划停水的通知",
        12,
        "execution",
        (
            "因城南片区供水管网改造，定于下周三上午8:00至下午18:00暂停供水，停水范围为城南路、"
            "东华路沿线。请用户提前做好储水准备，给您带来不便，敬请谅解。",
            "咨询电话：0797-5720501。",
        ),
    ),
    ItemSpec(
        "GDGS",
        "国网石城县供电公司供电服务承诺",
        220,
        "service",
        (
            "城区用户年平均停电时间不超过5小时；计划停电提前7天公告。",
            "抢修人员到达现场时间：城区45分钟、农村90分钟、特殊边远地区2小时。",
            "供电服务热线：95598。",
        ),
    ),
    ItemSpec(
        "GDGS",
        "关于10千伏城东线检修计划停电的公告",
        8,
        "execution",
        (
            "为提高供电可靠性，我公司定于本周六上午7:00至下午17:00对10千伏城东线进行检修，"
            "届时城东片区部分用户将停电。如遇雨天顺延。",
            "供电服务热线：95598。",
        ),
    ),
    ItemSpec(
        "RQGS",
        "石城县管道天然气销售价格公示",
        110,
        "service",
        (
            "根据县发改委核定的价格，居民生活用管道天然气每立方米3.20元，非居民用气每立方米"
            "3.85元。",
            "燃气安全咨询和报修电话：0797-5720601（24小时）。",
        ),
    ),
    ItemSpec(
        "RQGS",
        "冬季安全用气提示",
        25,
        "service",
        (
            "冬季用气量增加，请用户使用燃气时保持通风，不在有燃气设施的房间内睡觉，"
            "定期检查胶管是否老化。",
            "发现燃气泄漏，请立即关闭阀门、打开门窗，到室外拨打报修电话。",
        ),
    ),
    ItemSpec(
        "GJGS",
        "石城县城区公交线路和票价公示",
        140,
        "service",
        (
            "城区公交开通1路、2路、3路共三条线路，首班车6:30，末班车19:00，票价一律1元。",
            "65周岁以上老人、残疾人、现役军人凭有效证件免费乘车。",
        ),
    ),
    ItemSpec(
        "GJGS",
        "关于2路公交临时调整线路的通告",
        5,
        "execution",
        (
            "因东华路道路施工，2路公交自即日起临时绕行西华路，原东华路沿线站点暂停停靠，"
            "恢复时间另行通知。",
            "服务电话：0797-5720701。",
        ),
    ),
    ItemSpec(
        "WSCLC",
        "石城县城市污水处理厂出水水质月度公示",
        30,
        "result",
        (
            "上月我厂日均处理污水2.1万吨，出水化学需氧量、氨氮、总磷等主要指标均达到"
            "《城镇污水处理厂污染物排放标准》一级A标准。",
            "在线监测数据同步传送县生态环境局，欢迎社会监督。监督电话：0797-5720801。",
        ),
    ),
)


def _published_at(today: dt.date, days_ago: int, n: int) -> dt.datetime:
    """A working morning ``days_ago`` before today (moved back off a weekend)."""
    day = today - dt.timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    moment = dt.time(9 + n % 7, 10 + (7 * n) % 45)
    return dt.datetime.combine(day, moment, tzinfo=timezone.get_current_timezone())


def _load_units(units: dict[str, Unit]) -> dict[str, Unit]:
    """The enterprises, with an editor and a reviewer each (both idempotent)."""
    county = next(u for u in units.values() if u.parent_id is None)
    found: dict[str, Unit] = {}
    password_hash: str | None = None
    for n, spec in enumerate(ENTERPRISES):
        unit, created = org_services.unit_ensure(
            actor=None,
            code=spec.code,
            name=spec.name,
            kind=UnitKind.ENTERPRISE,
            parent=county,
            sort_order=SORT_START + n,
            sector=spec.sector,
            supervisor=units[spec.supervisor],
        )
        if created:
            unit.full_name = spec.full_name
            unit.address = spec.address
            unit.phone = f"0797-5720{n + 1}01"
            unit.save(update_fields=["full_name", "address", "phone"])
        found[spec.code] = unit
        for role, label in ((Role.EDITOR, "信息员"), (Role.REVIEWER, "审核人")):
            username = f"{spec.code.lower()}_{role.value}"
            if not User.objects.filter(username=username).exists():
                password_hash = password_hash or make_password(_demo_password())
            user, _created = org_services.user_ensure(
                actor=None,
                username=username,
                full_name=f"{spec.name}{label}",
                password_hash=password_hash,
            )
            org_services.membership_grant(actor=None, user=user, unit=unit, role=role)
    return found


def _demo_password() -> str:
    from gongkai.demo.services import DEMO_PASSWORD  # the one demo password (no import cycle)

    return DEMO_PASSWORD


def _closing(spec: EnterpriseSpec, day: dt.date) -> list[str]:
    """What every item ends with: on whose behalf and under which rules it is published, where to
    ask, and the signature (the bodies then read like the notices units post)."""
    sector = Sector(spec.sector).label
    return [
        f"本信息由{spec.full_name}按照县{sector}领域公共企事业单位信息公开制度，"
        "在行业主管部门指导下主动公开，并在本单位服务场所公示栏同步张贴。",
        "对公开内容有疑问或发现信息不准确的，可在工作日向本单位办公室咨询，"
        "也可向行业主管部门反映，我们将在5个工作日内答复。",
        f"单位地址：石城县{spec.address}。",
        f"{spec.full_name}　{day.year}年{day.month}月{day.day}日",
    ]


def _items(found: dict[str, Unit], today: dt.date) -> list[ArchiveItem]:
    column = Column.objects.get(code=COLUMN)
    topics = {t.code: t for t in TopicCategory.objects.all()}
    specs = {spec.code: spec for spec in ENTERPRISES}
    items = []
    for n, item in enumerate(ITEMS):
        unit = found[item.unit]
        published = _published_at(today, item.days_ago, n)
        spec = specs[item.unit]
        texts = [*item.paragraphs, *_closing(spec, published.date())]
        body = "".join(f"<p>{escape(text)}</p>" for text in texts)
        values = {
            "title": item.title,
            "issuer": specs[item.unit].full_name,
            "doc_number": "",
            "written_on": published.date() - dt.timedelta(days=1),
            "topic": topics[specs[item.unit].topic],
            "five_class": item.five_class,
            "column": column,
            "doc_kind": DocKind.ORDINARY,
            "validity": "",
            "body": body,
        }
        items.append(ArchiveItem(unit=unit, values=values, published_at=published))
    return sorted(items, key=lambda i: i.published_at)


def load_enterprises(*, units: dict[str, Unit]) -> dict[str, Unit]:
    """Create the demo's public enterprises and their staff, and publish their items once."""
    found = _load_units(units)
    first = ITEMS[0]
    if not Publication.objects.filter(unit=found[first.unit], title=first.title).exists():
        archive_import(actor=None, items=_items(found, clock.today()))
    return found
