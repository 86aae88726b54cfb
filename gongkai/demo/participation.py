"""The demo county's public participation (issue 13): this year's catalog of major administrative
decisions, a consultation that ran from draft to published feedback (closed, comments published,
refused with a reason, adopted and not adopted with reasons), one open for comments, a short one
with the reason for its shorter period, participation matters and executive meetings.

Staff steps go through gongkai.participation.services, so they carry audit entries. Two things a
real county would do over weeks are written directly: the finished consultation's publication and
its comments, dated in the past (the services take comments only while a consultation is open
today). Idempotent: nothing is added when this year's catalog already has rows.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gongkai.core import clock
from gongkai.orgs.models import Unit, User
from gongkai.participation import services
from gongkai.participation.models import (
    Adoption,
    Comment,
    Consultation,
    ConsultationStatus,
    Decision,
    DecisionStatus,
)

OFFICE_USERNAME = "office"

# (matter, unit code, planned time, hearing, status, note)
DECISIONS = [
    (
        "石城县城市公共交通发展规划（2026—2030年）",
        "JTYSJ",
        "第二季度",
        True,
        DecisionStatus.DECIDED,
        "",
    ),
    ("石城县城区停车收费管理办法", "FGW", "第三季度", True, DecisionStatus.CONSULTING, ""),
    ("石城县老旧小区改造实施方案", "ZJJ", "第三季度", False, DecisionStatus.CONSULTING, ""),
    ("石城县最低生活保障标准调整方案", "MZJ", "第四季度", False, DecisionStatus.DRAFTING, ""),
    (
        "石城县城区集中供水价格调整",
        "FGW",
        "第四季度",
        True,
        DecisionStatus.ADJUSTED,
        "根据成本监审进度，决策时间由第二季度调整为第四季度。",
    ),
    (
        "石城县生活垃圾分类管理办法",
        "CGJ",
        "第二季度",
        False,
        DecisionStatus.WITHDRAWN,
        "上级出台统一办法，本县不再单独制定，撤出目录。",
    ),
]

BUS_DRAFT = (
    "第一章 总则\n第一条 为优化城市公共交通线网，方便群众出行，制定本规划。\n"
    "第二章 线网布局\n第五条 规划新增城区公交线路3条，延伸城乡公交线路5条，覆盖全部乡镇。\n"
    "第三章 保障措施\n第九条 对老年人、残疾人、现役军人乘坐城区公交实行免费。"
)
PARKING_DRAFT = (
    "第一条 为规范城区机动车停放服务收费，根据有关规定，制定本办法。\n"
    "第二条 城区路内停车泊位实行分时段收费，首30分钟免费。\n"
    "第三条 医院、学校周边设置临时停车区，接送学生15分钟内免费。"
)
HOUSING_DRAFT = (
    "一、改造范围：2000年底前建成的城区老旧小区共26个。\n"
    "二、改造内容：水电气管网、屋面防水、加装电梯、无障碍设施和停车设施。\n"
    "三、资金筹措：中央和省级补助、县级配套、居民合理出资相结合。"
)


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _editor(code: str) -> User:
    return User.objects.get(username=f"{code.lower()}_editor")


@transaction.atomic
def load_participation(*, dry_run: bool = False) -> str:
    """Load the demo's participation column; returns one line for the command's output."""
    today = clock.today()
    office = User.objects.filter(username=OFFICE_USERNAME).first()
    if office is None:
        return "公众参与：未找到县政务公开办账号，跳过。"
    if Decision.objects.filter(year=today.year).exists():
        return "公众参与：已有本年度数据，未重复载入。"
    decisions = [
        services.decision_create(
            actor=office,
            year=today.year,
            number=number,
            matter=matter,
            unit=_unit(code),
            planned_time=f"{today.year}年{when}",
            hearing=hearing,
            status=DecisionStatus.DRAFTING,
            note="",
        )
        for number, (matter, code, when, hearing, _status, _note) in enumerate(DECISIONS, 1)
    ]
    for decision, (*_rest, status, note) in zip(decisions, DECISIONS, strict=True):
        if status != DecisionStatus.DRAFTING:
            # The undertaking unit updates its own row as the matter moves.
            services.decision_update(
                actor=_editor(decision.unit.code), decision=decision, status=status, note=note
            )
    _finished(decisions[0], today)
    open_one = services.consultation_create(
        actor=_editor("FGW"),
        unit=_unit("FGW"),
        title="《石城县城区停车收费管理办法（征求意见稿）》公开征求意见",
        decision=decisions[1],
        summary="为缓解城区停车难，县发改委会同县城管局起草了本办法，现向社会公开征求意见。",
        draft_text=PARKING_DRAFT,
        attachment_url="",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=25),
        short_reason="",
    )
    services.consultation_publish(actor=_editor("FGW"), consultation=open_one)
    services.comment_submit(
        consultation=open_one,
        name="陈晓梅",
        contact="13907971234",
        text="建议学校周边接送时段延长到20分钟，上下学高峰时15分钟不够。",
    )
    short = services.consultation_create(
        actor=_editor("ZJJ"),
        unit=_unit("ZJJ"),
        title="《石城县老旧小区改造实施方案（征求意见稿）》公开征求意见",
        decision=decisions[2],
        summary="",
        draft_text=HOUSING_DRAFT,
        attachment_url="",
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=11),
        short_reason="省级补助资金申报截止时间临近，方案须在申报前报县政府审定，征求意见期缩短为15日。",
    )
    services.consultation_publish(actor=_editor("ZJJ"), consultation=short)
    _matters_and_meetings(office, today)
    counts = (Decision.objects.count(), Consultation.objects.count(), Comment.objects.count())
    if dry_run:
        transaction.set_rollback(True)
    return f"公众参与：决策事项{counts[0]}项，征求意见{counts[1]}件，公众意见{counts[2]}条。"


def _finished(decision: Decision, today: dt.date) -> None:
    """The bus plan's consultation: ran for 30 days two months ago, feedback published."""
    editor = _editor("JTYSJ")
    opens = today - dt.timedelta(days=75)
    consultation = services.consultation_create(
        actor=editor,
        unit=decision.unit,
        title="《石城县城市公共交通发展规划（2026—2030年）（征求意见稿）》公开征求意见",
        decision=decision,
        summary="县交通运输局起草了规划征求意见稿，现公开征求社会各界意见。",
        draft_text=BUS_DRAFT,
        attachment_url="",
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=29),
        short_reason="",
    )
    # Published before it opened (written directly: see the module's docstring).
    consultation.status = ConsultationStatus.PUBLISHED
    consultation.published_at = timezone.make_aware(dt.datetime.combine(opens, dt.time(9, 0)))
    consultation.save()
    comments = [
        ("刘建国", "", "建议增开火车站至县人民医院的直达线路，方便看病的群众。"),
        ("", "lh@example.com", "城乡公交末班车太早，建议延长到晚上8点。"),
        (
            "王秀英",
            "13807975678",
            "我家在琴江镇古樟村，身份证360735198506151233，希望公交通到村口。",
        ),
        ("", "", "建议所有线路全部免费。"),
        ("", "", "加微信买低价车票，www.example.com"),
    ]
    saved = []
    for number, (name, contact, text) in enumerate(comments):
        comment = Comment.objects.create(
            consultation=consultation, name=name, contact=contact, text=text
        )
        at = timezone.make_aware(
            dt.datetime.combine(opens + dt.timedelta(days=3 + number * 4), dt.time(10))
        )
        Comment.objects.filter(pk=comment.pk).update(created_at=at)
        saved.append(comment)
    for comment in saved[:4]:
        services.comment_publish(actor=editor, comment=comment)
    services.comment_refuse(actor=editor, comment=saved[4], reason="广告信息，与征求意见内容无关")
    services.comment_adopt(
        actor=editor, comment=saved[0], adoption=Adoption.ADOPTED, reason="已在规划中增设7路。"
    )
    services.comment_adopt(
        actor=editor,
        comment=saved[1],
        adoption=Adoption.PARTLY,
        reason="夏季（5—10月）末班车延长至20:00，冬季维持19:00。",
    )
    services.comment_adopt(
        actor=editor,
        comment=saved[2],
        adoption=Adoption.ADOPTED,
        reason="古樟村纳入城乡公交延伸线路。",
    )
    services.comment_adopt(
        actor=editor,
        comment=saved[3],
        adoption=Adoption.NOT_ADOPTED,
        reason="全部免费超出县级财政承受能力，规划对老年人、残疾人、现役军人实行免费。",
    )
    services.feedback_publish(
        actor=editor,
        consultation=consultation,
        text="感谢社会各界的关注和参与。未采纳的意见主要涉及票价，已在规划中说明优惠政策。",
    )
    # Published ten days after the close, as the county would have (written directly).
    feedback_at = timezone.make_aware(
        dt.datetime.combine(consultation.closes_on + dt.timedelta(days=10), dt.time(9, 0))
    )
    Consultation.objects.filter(pk=consultation.pk).update(feedback_at=feedback_at)


def _matters_and_meetings(office: User, today: dt.date) -> None:
    services.matter_save(
        actor=office,
        title="重大行政决策草案公开征求意见",
        unit=_unit("GKB"),
        ways="网上征求意见（本栏目）、信函、座谈会",
        description="列入重大行政决策事项目录的事项，草案一般公开征求意见不少于30日。",
        link="",
        is_active=True,
    )
    services.matter_save(
        actor=office,
        title="价格听证",
        unit=_unit("FGW"),
        ways="报名参加听证会、旁听",
        description="涉及群众切身利益的价格调整，提前公告听证会参加人报名方式。",
        link="",
        is_active=True,
    )
    services.matter_save(
        actor=office,
        title="县政府常务会议列席旁听",
        unit=_unit("SCX"),
        ways="利益相关方、群众代表、专家、媒体报名列席",
        description="涉及群众切身利益的议题，邀请有关方面代表列席县政府常务会议。",
        link="",
        is_active=True,
    )
    for number, days_ago, topics, video in (
        (
            1,
            40,
            "审议《石城县城市公共交通发展规划（2026—2030年）》\n研究城区停车收费管理有关事项",
            "https://video.example.gov.cn/scx/cwhy-1",
        ),
        (2, 12, "研究老旧小区改造实施方案\n听取防汛工作情况汇报", ""),
    ):
        services.meeting_save(
            actor=office,
            title=f"石城县人民政府{today.year}年第{number}次常务会议",
            held_on=today - dt.timedelta(days=days_ago),
            topics=topics,
            materials="会议纪要（文字稿）\nhttps://www.example.gov.cn/scx/cwhy/jiyao.pdf",
            video_url=video,
        )
