"""The demo county's service guides (办事指南): departments' and every township's, with materials,
questions and life events, linked to the matching items of the units' own catalogs.

Each guide is written by the unit's editor and published by its reviewer through the services,
as in real work (separation of duties). A few stay unfinished on purpose: the medical insurance
bureau (县医疗保障局) has no catalog yet, so its guides cannot be published and show the problem;
one guide waits for review and one was withdrawn. Re-running adds only what is missing.

The guides follow the layout of Jiangxi counties' published 办事指南; the bases cite the national
rules in force. Phone numbers are the demo's invented 0797 numbers and the 12345 hotline.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps

from gongkai.catalog.models import Catalog, CatalogItem
from gongkai.orgs.models import Unit, UnitKind, User
from gongkai.serviceguides import services
from gongkai.serviceguides.models import LifeEvent, ServiceItem, ServiceStatus

CENTRE = "石城县政务服务中心{floor}（石城县琴江镇城南大道88号）"
HOURS = "工作日上午8:00—12:00，下午14:30—17:30（法定节假日除外）"
ONLINE = "https://www.jxzwfww.gov.cn/"
SUPERVISE = "0797-5702345（县行管委效能投诉）、12345"

# Materials: (name, form, copies, source, required, note); short forms expanded by _material.
Mat = tuple[str, str, int, str, bool, str]


def _m(
    name: str,
    form: str = "original",
    copies: int = 1,
    source: str = "applicant",
    required: bool = True,
    note: str = "",
) -> Mat:
    return (name, form, copies, source, required, note)


ID_CARD = _m("居民身份证", "both", 1)
HOUSEHOLD = _m("户口簿", "both", 1)

DEPARTMENT_GUIDES: list[dict[str, Any]] = [
    {
        "unit": "MZJ",
        "catalog": ("社会救助", "最低生活保障", "办事指南"),
        "events": ["other"],
        "name": "最低生活保障审核确认",
        "code": "360735-MZ-XZGF-001",
        "kind": "benefit",
        "basis": "《社会救助暂行办法》（国务院令第649号）第九条至第十三条\n"
        "《最低生活保障审核确认办法》（民发〔2021〕57号）",
        "conditions": "具有本县户籍，共同生活的家庭成员人均月收入低于本县城乡最低生活保障标准，"
        "且家庭财产状况符合本县有关规定的家庭，可以申请最低生活保障。",
        "process": "1. 申请：向户籍所在地乡镇人民政府（便民服务中心）提出书面申请，也可由村（居）委会代为提出\n"
        "2. 受理：乡镇人民政府对材料齐全的当场受理\n"
        "3. 家庭经济状况调查：乡镇人民政府入户调查并开展信息核对\n"
        "4. 审核：乡镇人民政府提出初审意见，在村（居）务公开栏公示7天\n"
        "5. 确认：县民政局审核确认，公示无异议的自确认之月起发放低保金",
        "legal_days": 30,
        "promised_days": 20,
        "time_limit_note": "",
        "place": CENTRE.format(floor="2楼社会救助窗口"),
        "fee": "不收费",
        "materials": [
            _m("最低生活保障申请书", "original", 1, note="可由村（居）委会代写"),
            ID_CARD,
            HOUSEHOLD,
            _m("家庭经济状况核对授权书", "original", 1, note="共同生活的家庭成员均须签字"),
            _m(
                "残疾证或疾病诊断证明", "copy", 1, required=False, note="家庭成员有残疾或重病的提供"
            ),
        ],
        "questions": [
            (
                "外出务工人员能否由家人代为申请？",
                "可以。申请人本人有困难的，可以委托村（居）委会或者他人代为提出申请，并提交委托书。",
            ),
            (
                "低保金什么时候发放？",
                "审核确认后自确认之月起计发，每月10日前通过“一卡通”社会化发放到户。",
            ),
        ],
    },
    {
        "unit": "MZJ",
        "catalog": ("社会救助", "特困人员救助供养", "审核确认结果"),
        "events": ["elderly"],
        "name": "特困人员救助供养审核确认",
        "code": "360735-MZ-XZGF-002",
        "kind": "benefit",
        "basis": "《社会救助暂行办法》（国务院令第649号）第十四条至第十九条\n"
        "《特困人员认定办法》（民发〔2021〕43号）",
        "conditions": "本县户籍的老年人、残疾人以及未满16周岁的未成年人，同时具备无劳动能力、"
        "无生活来源、无法定赡养抚养扶养义务人或者其法定义务人无履行义务能力的，可以申请特困人员救助供养。",
        "process": "1. 申请：本人向户籍所在地乡镇人民政府提出书面申请，本人申请有困难的可委托村（居）委会代为提出\n"
        "2. 审核：乡镇人民政府调查核实，提出审核意见并在村（居）务公开栏公示7天\n"
        "3. 确认：县民政局全面审查，作出确认决定\n"
        "4. 供养：确认后自作出决定的次月起给予救助供养，本人可选择在家分散供养或到敬老院集中供养",
        "legal_days": 30,
        "promised_days": 20,
        "time_limit_note": "",
        "place": CENTRE.format(floor="2楼社会救助窗口"),
        "fee": "不收费",
        "materials": [
            _m("特困人员救助供养申请书", "original", 1),
            ID_CARD,
            HOUSEHOLD,
            _m("残疾证", "copy", 1, required=False, note="残疾人申请的提供"),
        ],
        "questions": [
            (
                "集中供养和分散供养有什么区别？",
                "集中供养由县内敬老院提供住宿、饮食和照料服务；分散供养在家居住，按月领取基本生活费和照料护理费。",
            ),
        ],
    },
    {
        "unit": "MZJ",
        "catalog": ("社会救助", "临时救助", "办事指南"),
        "events": ["other", "medical"],
        "name": "临时救助",
        "code": "360735-MZ-XZGF-003",
        "kind": "benefit",
        "basis": "《社会救助暂行办法》（国务院令第649号）第四十七条至第五十条\n"
        "《国务院关于全面建立临时救助制度的通知》（国发〔2014〕47号）",
        "conditions": "因火灾、交通事故等意外事件，或者家庭成员突发重大疾病等原因，导致基本生活暂时出现严重困难的家庭或个人。",
        "process": "1. 申请：向所在地乡镇人民政府（便民服务中心）提出申请\n"
        "2. 审核：乡镇人民政府调查核实，提出审核意见\n"
        "3. 审批：县民政局审批；情况紧急的，先行救助后补齐手续\n"
        "4. 发放：救助金发放到申请人账户",
        "legal_days": None,
        "promised_days": 10,
        "time_limit_note": "情况紧急的当场先行救助",
        "place": CENTRE.format(floor="2楼社会救助窗口"),
        "fee": "不收费",
        "materials": [
            _m("临时救助申请书", "original", 1),
            ID_CARD,
            _m("遭遇困难的相关证明", "copy", 1, note="如医疗费用票据、事故证明等"),
        ],
        "questions": [
            (
                "非本县户籍人员在本县遇到困难能否申请？",
                "可以。非本地户籍人员可向经常居住地乡镇人民政府申请，急难情况可直接向县民政局求助。",
            ),
        ],
    },
    {
        "unit": "RSJ",
        "catalog": ("就业", "就业政策", "就业创业扶持政策"),
        "events": ["employment", "business"],
        "name": "《就业创业证》申领",
        "code": "360735-RS-GGFW-001",
        "kind": "public_service",
        "basis": "《中华人民共和国就业促进法》第三十五条\n"
        "《就业服务与就业管理规定》（劳动和社会保障部令第28号）第六十二条、第六十三条",
        "conditions": "法定劳动年龄内、有劳动能力和就业要求的本县户籍或常住人员，可申领《就业创业证》。",
        "process": "1. 申请：携带材料到县政务服务中心人社窗口或通过江西人社网上服务大厅申请\n"
        "2. 受理审核：窗口当场核对材料\n"
        "3. 发证：符合条件的当场发放《就业创业证》或电子证",
        "legal_days": None,
        "promised_days": None,
        "time_limit_note": "即办",
        "place": CENTRE.format(floor="3楼人社服务窗口"),
        "fee": "不收费",
        "materials": [
            ID_CARD,
            _m("近期一寸免冠彩色照片", "original", 1, required=False, note="申领纸质证的提供"),
        ],
        "questions": [
            (
                "《就业创业证》有什么用？",
                "用于记录就业失业状态，享受就业创业扶持政策（如创业担保贷款、社会保险补贴）时作为证明。",
            ),
        ],
    },
    {
        "unit": "RSJ",
        "catalog": ("社会保险", "工伤保险", "工伤认定办事指南"),
        "events": ["employment"],
        "name": "工伤认定",
        "code": "360735-RS-XZQR-001",
        "kind": "confirmation",
        "basis": "《工伤保险条例》第十四条至第二十条\n《工伤认定办法》（人力资源和社会保障部令第8号）",
        "conditions": "职工发生事故伤害或者被诊断、鉴定为职业病，所在单位自事故伤害发生之日起30日内，"
        "或者职工本人及其近亲属、工会组织自事故伤害发生之日起1年内，可以提出工伤认定申请。",
        "process": "1. 申请：提交工伤认定申请表及材料\n"
        "2. 受理：材料完整的自收到之日起15日内决定受理\n"
        "3. 调查核实：必要时进行调查核实\n"
        "4. 认定：作出认定或不予认定的决定，并书面送达申请人和用人单位",
        "legal_days": None,
        "promised_days": 30,
        "time_limit_note": "法定为受理之日起60日内；事实清楚、权利义务明确的15日内",
        "place": CENTRE.format(floor="3楼人社服务窗口"),
        "fee": "不收费",
        "materials": [
            _m("工伤认定申请表", "original", 2),
            _m("与用人单位存在劳动关系的证明材料", "copy", 1, note="劳动合同或工资发放记录等"),
            _m("医疗诊断证明或职业病诊断证明书", "copy", 1),
            ID_CARD,
        ],
        "questions": [
            (
                "单位不申请工伤认定怎么办？",
                "用人单位未在30日内提出申请的，职工或其近亲属、工会组织可在事故伤害发生之日起1年内直接申请。",
            ),
        ],
    },
    {
        "unit": "JYJ",
        "catalog": ("就业", "就业服务", "招聘信息"),
        "events": ["employment"],
        "name": "失业登记",
        "code": "360735-JY-GGFW-001",
        "kind": "public_service",
        "basis": "《中华人民共和国就业促进法》第四十二条\n"
        "《就业服务与就业管理规定》（劳动和社会保障部令第28号）第六十三条",
        "conditions": "在法定劳动年龄内、有劳动能力、有就业要求、处于无业状态的城乡劳动者，可在常住地进行失业登记。",
        "process": "1. 申请：到县就业局服务窗口或乡镇便民服务中心申请，也可在网上办理\n"
        "2. 核对：窗口核对身份和就业状态\n"
        "3. 登记：当场办理失业登记，并提供就业服务",
        "legal_days": None,
        "promised_days": None,
        "time_limit_note": "即办",
        "place": CENTRE.format(floor="3楼就业服务窗口"),
        "fee": "不收费",
        "materials": [ID_CARD],
        "questions": [
            (
                "失业登记后能享受哪些服务？",
                "可免费获得职业介绍、职业指导和职业技能培训，符合条件的可申领失业保险金等待遇。",
            ),
        ],
    },
    {
        "unit": "JYJ",
        "catalog": ("就业", "就业政策", "就业创业扶持政策"),
        "events": ["business"],
        "name": "创业担保贷款申请",
        "code": "360735-JY-GGFW-002",
        "kind": "public_service",
        "basis": "《创业担保贷款中央财政贴息资金管理办法》（财金〔2020〕21号）",
        "conditions": "城镇登记失业人员、就业困难人员、返乡创业农民工、毕业5年内高校毕业生、退役军人等"
        "符合规定的创业人员，个人贷款最高不超过30万元。",
        "process": "1. 申请：提交创业担保贷款申请及材料\n"
        "2. 审核：县就业局审核创业人员资格\n"
        "3. 担保：县创业贷款担保中心审核担保\n"
        "4. 放款：经办银行审批放款",
        "legal_days": None,
        "promised_days": 15,
        "time_limit_note": "",
        "place": CENTRE.format(floor="3楼就业服务窗口"),
        "fee": "不收费",
        "materials": [
            _m("创业担保贷款申请表", "original", 1),
            ID_CARD,
            _m("营业执照", "copy", 1),
            _m("《就业创业证》或相应身份证明", "copy", 1),
        ],
        "questions": [],
        "status": "submitted",
    },
    {
        "unit": "SBJ",
        "catalog": ("社会保险", "参保登记", "城乡居民基本养老保险参保登记"),
        "events": ["elderly"],
        "name": "城乡居民基本养老保险参保登记",
        "code": "360735-SB-GGFW-001",
        "kind": "public_service",
        "basis": "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        "conditions": "年满16周岁（不含在校学生），非国家机关和事业单位工作人员及不属于职工基本养老保险覆盖范围的本县户籍居民。",
        "process": "1. 申请：到户籍所在地村（居）委会、乡镇便民服务中心或县社保局窗口申请，也可通过“赣服通”办理\n"
        "2. 登记：窗口当场录入参保信息\n3. 缴费：选择缴费档次后通过税务渠道缴费",
        "legal_days": None,
        "promised_days": None,
        "time_limit_note": "即办",
        "place": CENTRE.format(floor="3楼社保窗口"),
        "fee": "不收费",
        "materials": [ID_CARD, HOUSEHOLD],
        "questions": [
            (
                "缴费档次怎么选？",
                "可在当年公布的缴费档次中自主选择，多缴多得，政府补贴随档次提高而增加。",
            ),
        ],
    },
    {
        "unit": "SBJ",
        "catalog": ("社会保险", "待遇核定", "养老保险待遇领取"),
        "events": ["elderly"],
        "name": "城乡居民基本养老保险待遇申领",
        "code": "360735-SB-XZGF-001",
        "kind": "benefit",
        "basis": "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）\n"
        "《城乡居民基本养老保险经办规程》（人社部发〔2019〕84号）",
        "conditions": "参加城乡居民基本养老保险、年满60周岁、累计缴费满15年，且未领取国家规定的基本养老保障待遇的人员。",
        "process": "1. 申请：到村（居）委会或乡镇便民服务中心提出待遇领取申请\n"
        "2. 审核：县社保局审核缴费记录，核定待遇\n3. 发放：次月起按月发放养老金",
        "legal_days": None,
        "promised_days": 10,
        "time_limit_note": "",
        "place": CENTRE.format(floor="3楼社保窗口"),
        "fee": "不收费",
        "materials": [ID_CARD, HOUSEHOLD, _m("社会保障卡", "copy", 1)],
        "questions": [("养老金从什么时候开始领？", "审核通过后自符合领取条件的次月起按月发放。")],
    },
    {
        "unit": "WJW",
        "catalog": ("卫生健康", "计划生育", "计划生育家庭奖励扶助"),
        "events": ["birth"],
        "name": "生育登记",
        "code": "360735-WJ-GGFW-001",
        "kind": "public_service",
        "basis": "《中华人民共和国人口与计划生育法》第二十条\n《江西省人口与计划生育条例》",
        "conditions": "夫妻双方或一方户籍在本县，或在本县居住的育龄夫妻，生育子女的均可办理生育登记。",
        "process": "1. 申请：夫妻任一方到户籍地或现居住地乡镇便民服务中心，或通过“赣服通”生育登记服务申请\n"
        "2. 核对：窗口核对身份和婚育信息\n3. 登记：当场办结，出具生育登记服务单",
        "legal_days": None,
        "promised_days": None,
        "time_limit_note": "即办",
        "place": CENTRE.format(floor="2楼卫健窗口") + "或各乡镇便民服务中心",
        "fee": "不收费",
        "materials": [
            _m("夫妻双方居民身份证", "original", 1),
            _m("结婚证", "original", 1, required=False),
        ],
        "questions": [
            (
                "生育登记必须在孩子出生前办吗？",
                "孕前、孕期和子女出生后均可办理，建议孕期办理以便享受孕产期保健服务。",
            ),
        ],
    },
    {
        "unit": "WJW",
        "catalog": ("卫生健康", "基本公共卫生服务", "服务项目"),
        "events": ["medical", "elderly"],
        "name": "65岁及以上老年人免费健康体检",
        "code": "360735-WJ-GGFW-002",
        "kind": "public_service",
        "basis": "《国家基本公共卫生服务规范（第三版）》（国卫基层发〔2017〕13号）",
        "conditions": "辖区内常住的65岁及以上老年人，每年可免费接受一次健康管理服务。",
        "process": "1. 预约：到户籍所在地或居住地乡镇卫生院、村卫生室预约\n"
        "2. 体检：空腹到卫生院接受体检\n3. 反馈：家庭医生反馈体检结果并提供健康指导",
        "legal_days": None,
        "promised_days": None,
        "time_limit_note": "即办，体检结果7个工作日内反馈",
        "place": "各乡镇卫生院、社区卫生服务中心",
        "fee": "不收费",
        "materials": [ID_CARD],
        "questions": [],
    },
    {
        "unit": "JKTJ",
        "catalog": ("义务教育", "招生入学", "招生入学政策"),
        "events": ["school"],
        "name": "义务教育阶段新生入学登记",
        "code": "360735-JY-GGFW-010",
        "kind": "public_service",
        "basis": "《中华人民共和国义务教育法》第十二条\n《石城县义务教育招生入学工作方案》（当年度）",
        "conditions": "当年8月31日前年满6周岁的适龄儿童入小学；小学毕业生升入初中。"
        "按“划片招生、就近入学”原则，依户籍和房产（或居住证）确定就读学校。",
        "process": "1. 报名：按当年招生方案的时间到划片学校报名，或网上报名\n"
        "2. 审核：学校会同教科体局审核材料\n3. 公布：公布录取结果并发放入学通知",
        "legal_days": None,
        "promised_days": 10,
        "time_limit_note": "",
        "place": "划片学校报名点；咨询：" + CENTRE.format(floor="4楼教育窗口"),
        "fee": "不收费（免学杂费）",
        "materials": [
            _m("户口簿", "both", 1),
            _m("房屋产权证明或居住证", "copy", 1),
            _m("儿童预防接种证", "original", 1, note="小学新生提供"),
        ],
        "questions": [
            (
                "随迁子女怎么入学？",
                "持父母一方的居住证和就业或经营证明，可到居住地学校报名，由教科体局统筹安排学位。",
            ),
        ],
    },
    {
        "unit": "JKTJ",
        "catalog": ("义务教育", "学生资助", "家庭经济困难学生生活补助"),
        "events": ["school"],
        "name": "义务教育家庭经济困难学生生活补助",
        "code": "360735-JY-XZGF-001",
        "kind": "benefit",
        "basis": "《学生资助资金管理办法》（财教〔2021〕310号）",
        "conditions": "在本县义务教育学校就读的家庭经济困难寄宿生，以及低保、特困供养、残疾等家庭的非寄宿生。",
        "process": "1. 申请：学生或家长向学校提出申请\n2. 认定：学校评议并公示\n"
        "3. 审核：县学生资助中心审核\n4. 发放：补助资金按学期发放",
        "legal_days": None,
        "promised_days": 20,
        "time_limit_note": "",
        "place": "学生就读学校",
        "fee": "不收费",
        "materials": [
            _m("家庭经济困难学生认定申请表", "original", 1),
            _m("低保证、特困供养证或残疾证等证明", "copy", 1, required=False),
        ],
        "questions": [
            (
                "补助标准是多少？",
                "按国家和省规定标准执行，小学每生每年1000元、初中每生每年1250元（寄宿生）。",
            )
        ],
    },
    {
        "unit": "SCJGJ",
        "catalog": ("食品药品监管", "行政许可", "食品经营许可"),
        "events": ["business"],
        "name": "食品经营许可证核发",
        "code": "360735-SJ-XZXK-001",
        "kind": "licensing",
        "basis": "《中华人民共和国食品安全法》第三十五条\n"
        "《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）",
        "conditions": "有与经营的食品品种、数量相适应的经营场所、设施设备、食品安全管理人员和管理制度的食品经营者。",
        "process": "1. 申请：通过江西政务服务网或窗口提交申请\n2. 受理：材料齐全、符合法定形式的当场受理\n"
        "3. 审查：必要时进行现场核查\n4. 决定：作出准予或不予许可决定\n5. 发证：准予许可的发放食品经营许可证",
        "legal_days": 10,
        "promised_days": 5,
        "time_limit_note": "",
        "place": CENTRE.format(floor="1楼市场准入窗口"),
        "fee": "不收费",
        "materials": [
            _m("食品经营许可申请书", "original", 1),
            _m("营业执照", "copy", 1),
            _m("与食品经营相适应的主要设备设施布局、操作流程等文件", "original", 1),
            _m("食品安全自查、从业人员健康管理等规章制度", "original", 1),
        ],
        "questions": [
            ("只卖预包装食品要办许可证吗？", "仅销售预包装食品的，办理备案即可，无需取得许可。")
        ],
    },
    {
        "unit": "SCJGJ",
        "catalog": None,
        "events": ["business"],
        "name": "个体工商户设立登记",
        "code": "360735-SJ-XZXK-002",
        "kind": "licensing",
        "basis": "《促进个体工商户发展条例》（国务院令第755号）\n《中华人民共和国市场主体登记管理条例》（国务院令第746号）第十九条",
        "conditions": "有经营能力的自然人，有固定的经营场所。",
        "process": "1. 申请：通过江西政务服务网“一网通办”或窗口提交\n2. 受理审查\n3. 发放营业执照",
        "legal_days": 3,
        "promised_days": 1,
        "time_limit_note": "材料齐全的当场办结",
        "place": CENTRE.format(floor="1楼市场准入窗口"),
        "fee": "不收费",
        "materials": [
            _m("个体工商户登记申请书", "original", 1),
            ID_CARD,
            _m("经营场所使用证明", "copy", 1),
        ],
        "questions": [],
        "status": "draft",
    },
    {
        "unit": "SHUIWJ",
        "catalog": ("税收管理", "办税服务", "办税指南"),
        "events": ["tax"],
        "name": "个人所得税综合所得年度汇算",
        "code": "360735-SW-QT-001",
        "kind": "other_power",
        "basis": "《中华人民共和国个人所得税法》第十条、第十一条\n《中华人民共和国个人所得税法实施条例》第二十五条",
        "conditions": "取得综合所得且需要补税或申请退税的纳税人，在取得所得的次年3月1日至6月30日内办理。",
        "process": "1. 申报：通过“个人所得税”APP、自然人电子税务局网页端或办税服务厅申报\n"
        "2. 审核：税务机关审核申报信息\n3. 退（补）税：退税款退至本人银行账户，补税的在线缴纳",
        "legal_days": None,
        "promised_days": None,
        "time_limit_note": "即办（退税审核以税务机关审核为准）",
        "place": "国家税务总局石城县税务局办税服务厅（石城县政务服务中心1楼）",
        "fee": "不收费",
        "materials": [
            ID_CARD,
            _m("收入及扣除项目相关资料", "copy", 1, required=False, note="留存备查"),
        ],
        "questions": [
            (
                "年收入不超过12万元需要补税吗？",
                "综合所得年收入不超过12万元且需要补税的，或年度补税金额不超过400元的，免于办理汇算。",
            ),
        ],
    },
    {
        "unit": "SHUIWJ",
        "catalog": ("税收管理", "办税服务", "办税指南"),
        "events": ["tax", "business"],
        "name": "新办纳税人套餐式服务（信息确认、发票领用）",
        "code": "360735-SW-QT-002",
        "kind": "public_service",
        "basis": "《中华人民共和国税收征收管理法》第十五条\n《中华人民共和国发票管理办法》",
        "conditions": "在本县新设立登记的企业和个体工商户。",
        "process": "1. 信息确认：通过江西省电子税务局确认登记信息\n"
        "2. 办理套餐：同时办理税种认定、发票领用等事项\n3. 办结：当场办结",
        "legal_days": None,
        "promised_days": None,
        "time_limit_note": "即办",
        "place": "国家税务总局石城县税务局办税服务厅（石城县政务服务中心1楼）",
        "fee": "不收费",
        "materials": [_m("营业执照", "copy", 1), _m("经办人居民身份证", "original", 1)],
        "questions": [],
    },
    {
        "unit": "GAJ",
        "catalog": ("户籍管理", "出生登记", "办事指南"),
        "events": ["birth"],
        "name": "出生登记",
        "code": "360735-GA-XZQR-001",
        "kind": "confirmation",
        "basis": "《中华人民共和国户口登记条例》第七条",
        "conditions": "婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居向婴儿常住地户口登记机关申报出生登记。",
        "process": "1. 申请：到户籍所在地派出所户籍窗口或通过“赣服通”出生“一件事”申请\n"
        "2. 审核：窗口核对出生医学证明等材料\n3. 登记：当场办结，在户口簿上登记",
        "legal_days": None,
        "promised_days": None,
        "time_limit_note": "即办",
        "place": "户籍所在地公安派出所户籍窗口",
        "fee": "不收费",
        "materials": [
            _m("出生医学证明", "original", 1),
            _m("父母双方户口簿、居民身份证", "original", 1),
            _m("结婚证", "original", 1, required=False),
        ],
        "questions": [
            ("超过一个月还能办吗？", "可以，携带相关材料到派出所办理，逾期申报不影响登记。")
        ],
    },
    {
        "unit": "YLBZJ",
        "catalog": None,
        "events": ["medical"],
        "name": "城乡居民基本医疗保险参保登记",
        "code": "360735-YB-GGFW-001",
        "kind": "public_service",
        "basis": "《中华人民共和国社会保险法》第二十五条",
        "conditions": "本县户籍或持有本县居住证、未参加职工基本医疗保险的城乡居民。",
        "process": "1. 申请：到乡镇便民服务中心、县医保服务窗口或通过“赣服通”申请\n2. 登记：当场办结\n3. 缴费：通过税务渠道缴纳",
        "legal_days": None,
        "promised_days": None,
        "time_limit_note": "即办",
        "place": CENTRE.format(floor="3楼医保窗口"),
        "fee": "不收费（个人缴费按当年标准）",
        "materials": [ID_CARD],
        "questions": [],
        "status": "draft",
    },
    {
        "unit": "YLBZJ",
        "catalog": None,
        "events": ["medical"],
        "name": "异地就医备案",
        "code": "360735-YB-GGFW-002",
        "kind": "public_service",
        "basis": "《国家医保局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》（医保发〔2022〕22号）",
        "conditions": "异地长期居住、临时外出就医的本县参保人员。",
        "process": "1. 申请：通过国家医保服务平台APP、“赣服通”或医保窗口备案\n2. 办结：即时办结",
        "legal_days": None,
        "promised_days": None,
        "time_limit_note": "即办",
        "place": CENTRE.format(floor="3楼医保窗口"),
        "fee": "不收费",
        "materials": [
            _m("医保电子凭证或社会保障卡", "original", 1),
            _m("异地就医备案表", "original", 1),
        ],
        "questions": [],
        "status": "draft",
    },
]

# Every township (and the county town's community committee) publishes these three, each at its
# own 便民服务中心.
TOWNSHIP_GUIDES: list[dict[str, Any]] = [
    {
        "catalog": ("卫生健康", "计划生育", "计划生育家庭奖励扶助"),
        "events": ["birth"],
        "name": "生育登记",
        "kind": "public_service",
        "basis": "《中华人民共和国人口与计划生育法》第二十条\n《江西省人口与计划生育条例》",
        "conditions": "夫妻双方或一方户籍在本乡镇，或在本乡镇居住的育龄夫妻。",
        "process": "1. 申请：夫妻任一方到便民服务中心或通过“赣服通”申请\n2. 核对：窗口核对身份和婚育信息\n3. 登记：当场办结",
        "time_limit_note": "即办",
        "materials": [
            _m("夫妻双方居民身份证", "original", 1),
            _m("结婚证", "original", 1, required=False),
        ],
        "questions": [("可以网上办理吗？", "可以，通过“赣服通”生育登记服务在线办理，无需到窗口。")],
    },
    {
        "catalog": ("养老服务", "高龄津贴", "发放对象及标准"),
        "events": ["elderly"],
        "name": "高龄津贴申请",
        "kind": "benefit",
        "basis": "《中华人民共和国老年人权益保障法》第三十三条",
        "conditions": "具有本乡镇户籍、年满80周岁的老年人。",
        "process": "1. 申请：本人或家属到村（居）委会或便民服务中心申请\n2. 审核：乡镇人民政府审核并公示\n"
        "3. 审批：报县民政局审批\n4. 发放：次月起按月发放",
        "promised_days": 15,
        "legal_days": 20,
        "materials": [ID_CARD, HOUSEHOLD, _m("本人银行账户（一卡通）", "copy", 1)],
        "questions": [("津贴标准是多少？", "按县政府公布的标准执行，按年龄段分档发放。")],
    },
    {
        "catalog": ("社会救助", "最低生活保障", "办事指南"),
        "events": ["other"],
        "name": "最低生活保障申请受理和初审",
        "kind": "benefit",
        "basis": "《社会救助暂行办法》（国务院令第649号）第十一条\n《最低生活保障审核确认办法》（民发〔2021〕57号）",
        "conditions": "共同生活的家庭成员人均月收入低于本县城乡最低生活保障标准，且家庭财产状况符合规定的本乡镇户籍家庭。",
        "process": "1. 申请：向便民服务中心提出书面申请\n2. 调查：入户调查、信息核对\n"
        "3. 初审：提出审核意见，在村（居）务公开栏公示7天\n4. 报送：报县民政局审核确认",
        "legal_days": 30,
        "promised_days": 20,
        "materials": [
            _m("最低生活保障申请书", "original", 1),
            ID_CARD,
            HOUSEHOLD,
            _m("家庭经济状况核对授权书", "original", 1),
        ],
        "questions": [("公示在哪里看？", "在申请人所在村（居）务公开栏公示，公示期7天。")],
    },
]

WITHDRAWN = {
    "unit": "RSJ",
    "catalog": ("就业", "就业补贴", "补贴发放结果"),
    "events": ["employment"],
    "name": "高校毕业生就业见习补贴申领",
    "code": "360735-RS-XZGF-009",
    "kind": "benefit",
    "basis": "《人力资源社会保障部 财政部关于做好当前就业见习工作的通知》",
    "conditions": "吸纳离校2年内未就业高校毕业生参加就业见习的见习单位。",
    "process": "1. 申请\n2. 审核\n3. 拨付",
    "legal_days": None,
    "promised_days": 20,
    "time_limit_note": "",
    "place": CENTRE.format(floor="3楼人社服务窗口"),
    "fee": "不收费",
    "materials": [_m("就业见习补贴申请表", "original", 1)],
    "questions": [],
    "reason": "补贴政策按省里新文件调整，待县里实施细则出台后重新发布。",
}


def _catalog_item(unit: Unit, key: tuple[str, str, str] | None) -> CatalogItem | None:
    """The unit's newest catalog item named (domain, 一级事项, 二级事项), if it has one."""
    if key is None:
        return None
    catalog = Catalog.objects.filter(unit=unit).order_by("-version").first()
    if catalog is None:
        return None
    domain, level1, level2 = key
    return (
        catalog.items.filter(domain__name=domain, level1=level1, level2=level2)
        .select_related("catalog__unit")
        .first()
    )


def _values(plan: dict[str, Any], unit: Unit, catalog_item: CatalogItem | None) -> dict[str, Any]:
    return {
        "name": plan["name"],
        "code": plan.get("code", ""),
        "kind": plan["kind"],
        "basis": plan["basis"],
        "conditions": plan["conditions"],
        "process": plan["process"],
        "legal_days": plan.get("legal_days"),
        "promised_days": plan.get("promised_days"),
        "time_limit_note": plan.get("time_limit_note", ""),
        "place": plan.get("place", ""),
        "hours": plan.get("hours", HOURS),
        "fee": plan.get("fee", "不收费"),
        "consult_phone": plan.get("consult_phone") or unit.phone or "12345",
        "supervise_phone": plan.get("supervise_phone", SUPERVISE),
        "online_url": plan.get("online_url", ONLINE),
        "catalog_item": catalog_item,
    }


def _write(plan: dict[str, Any], unit: Unit, users: dict[str, User]) -> ServiceItem | None:
    """Write one guide through the services, by the unit's editor, and take it to its status."""
    if ServiceItem.objects.filter(unit=unit, name=plan["name"]).exists():
        return None
    prefix = unit.code.lower()
    editor, reviewer = users.get(f"{prefix}_editor"), users.get(f"{prefix}_reviewer")
    if editor is None or reviewer is None:
        return None
    events = list(LifeEvent.objects.filter(code__in=plan["events"]))
    item = services.service_item_create(
        actor=editor,
        unit=unit,
        values=_values(plan, unit, _catalog_item(unit, plan.get("catalog"))),
        life_events=events,
    )
    for name, form, copies, source, required, note in plan["materials"]:
        services.material_add(
            actor=editor,
            service=item,
            values={
                "name": name,
                "form": form,
                "copies": copies,
                "source": source,
                "required": required,
                "note": note,
            },
        )
    for question, answer in plan["questions"]:
        services.question_add(actor=editor, service=item, question=question, answer=answer)
    status = plan.get("status", ServiceStatus.PUBLISHED)
    if status == ServiceStatus.DRAFT:
        return item
    item = services.service_item_submit(actor=editor, item=item)
    if status == ServiceStatus.SUBMITTED:
        return item
    item = services.service_item_publish(actor=reviewer, item=item)
    if plan.get("reason"):
        item = services.service_item_withdraw(actor=reviewer, item=item, reason=plan["reason"])
    return item


def _ensure_life_events() -> None:
    """Put back the life events migration 0002 seeds, should a flush have removed them."""
    if LifeEvent.objects.exists():
        return
    seeding = importlib.import_module("gongkai.serviceguides.migrations.0002_life_events")
    seeding.seed(apps, None)


def load_service_guides(*, units: dict[str, Unit], users: dict[str, User]) -> int:
    """Write the demo's guides that are missing; returns how many were added."""
    _ensure_life_events()
    added = 0
    for plan in [*DEPARTMENT_GUIDES, WITHDRAWN]:
        unit = units.get(plan["unit"])
        if unit is not None and _write(plan, unit, users) is not None:
            added += 1
    townships = sorted(
        (u for u in units.values() if u.kind in (UnitKind.TOWNSHIP, UnitKind.COMMUNITY)),
        key=lambda u: u.sort_order,
    )
    for unit in townships:
        centre = f"{unit.name}便民服务中心（{unit.name}人民政府1楼）"
        if unit.kind == UnitKind.COMMUNITY:
            centre = f"{unit.name}便民服务大厅"
        for template in TOWNSHIP_GUIDES:
            plan = {**template, "place": centre}
            if _write(plan, unit, users) is not None:
                added += 1
    return added
