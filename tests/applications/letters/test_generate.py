"""Every kind of letter, generated for an application taken through the services to the step the
letter notifies, then opened as a Word file: addressee, number, dates, article, remedies."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from gongkai.applications import letters, outcomes, services
from gongkai.applications.models import (
    Application,
    ConsultationKind,
    Letter,
    LetterKind,
)
from gongkai.core.errors import AccessDenied, InvalidTransition, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from tests.applications.letters.building import APPLICANT, D, fresh, letter_text, refused, register

REMEDIES = (
    "如对本答复不服，可以自收到本答复之日起60日内向石城县人民政府申请行政复议，"
    "或者在6个月内向石城县人民法院提起行政诉讼。"
)


def generate(actor: User | None, application: Application, kind: str, **kw: Any) -> str:
    letter = letters.letter_generate(actor=actor, application=application, kind=kind, **kw)
    assert letter.kind == kind
    assert re.fullmatch(
        rf"letters/\d{{4}}/\d{{2}}/{application.tracking_no}-{kind}(_\w+)?\.docx",
        letter.file.name or "",
    )
    return letter_text(letter)


def assert_addressed(text: str, application: Application) -> None:
    assert "王小明：" in text
    assert f"申请编号：{application.tracking_no}" in text
    assert "本机关于2024年11月4日收到你提出的政府信息公开申请" in text
    assert "“2024年本县城乡最低生活保障资金的分配文件”" in text
    assert "县民政局" in text
    assert "联系人：李明" in text


def test_supplement_notice(department: Unit, handler: User) -> None:
    application = register(handler, department)
    services.application_request_supplement(
        actor=handler,
        application=application,
        on=D(2024, 11, 6),
        deadline=D(2024, 11, 20),
        items="请写明所需文件的年度和文号",
    )
    text = generate(handler, application, LetterKind.SUPPLEMENT)
    assert_addressed(text, application)
    assert "政府信息公开申请补正告知书" in text
    assert "《中华人民共和国政府信息公开条例》第三十条" in text
    assert "请写明所需文件的年度和文号" in text
    assert "请于2024年11月20日前将补正后的申请提交本机关" in text
    assert "视为放弃申请" in text
    # Dated the day of the notice, not the day the letter was printed.
    assert "\n2024年11月6日\n" in text
    assert "行政复议" not in text
    letter = Letter.objects.get()
    assert letter.issued_on == D(2024, 11, 6)
    assert letter.actor == handler


def test_extension_notice_names_both_due_dates(
    department: Unit, handler: User, office: User
) -> None:
    application = register(handler, department)
    services.application_accept(actor=handler, application=application)
    services.application_extend(
        actor=office,
        application=application,
        on=D(2024, 11, 25),
        approved_by="张主任",
        reason="所需信息涉及多个年度的档案，需要调取核对",
    )
    application = fresh(application)
    assert application.due_on is not None
    text = generate(handler, application, LetterKind.EXTENSION)
    assert_addressed(text, application)
    assert "政府信息公开申请延期答复告知书" in text
    assert "因所需信息涉及多个年度的档案，需要调取核对，本机关不能在规定期限内作出答复" in text
    assert "第三十三条" in text
    assert "经本机关政府信息公开工作机构负责人同意" in text
    assert f"由2024年12月2日延长至{letters.chinese_date(application.due_on)}" in text
    assert "\n2024年11月25日\n" in text


def test_third_party_consultation_goes_to_the_party_without_the_applicant(
    department: Unit, handler: User
) -> None:
    application = register(handler, department)
    services.application_accept(actor=handler, application=application)
    services.application_consult(
        actor=handler,
        application=application,
        kind=ConsultationKind.THIRD_PARTY,
        party="石城县某某商贸有限公司",
        sent_on=D(2024, 11, 8),
    )
    text = generate(handler, application, LetterKind.CONSULTATION)
    assert "政府信息公开征求第三方意见书" in text
    assert "石城县某某商贸有限公司：" in text
    assert f"申请编号：{application.tracking_no}" in text
    assert "第三十二条" in text
    assert "15个工作日内提出书面意见" in text
    assert "2024年11月4日" in text and "\n2024年11月8日\n" in text
    # The third party learns what is asked, not who asks: applicants' identity is personal data.
    assert "王小明" not in text


def test_agency_consultation_cites_article_34(department: Unit, handler: User) -> None:
    application = register(handler, department)
    services.application_accept(actor=handler, application=application)
    services.application_consult(
        actor=handler,
        application=application,
        kind=ConsultationKind.AGENCY,
        party="县财政局",
        sent_on=D(2024, 11, 8),
    )
    text = generate(handler, application, LetterKind.CONSULTATION)
    assert "政府信息公开征求意见函" in text
    assert "县财政局：" in text
    assert "第三十四条" in text
    assert "视为同意公开" in text


def test_transfer_notice_names_the_new_unit_and_number(
    department: Unit, other_department: Unit, handler: User
) -> None:
    application = register(handler, department)
    successor = services.application_transfer(
        actor=handler, application=application, to_unit=other_department, on=D(2024, 11, 5)
    )
    text = generate(handler, application, LetterKind.TRANSFER)
    assert_addressed(text, application)
    assert "政府信息公开申请转办告知书" in text
    assert "第三十六条第（五）项" in text
    assert f"转交县住建局办理，新的申请编号为{successor.tracking_no}" in text
    assert "本机关已于2024年11月5日" in text


def test_fee_notice(department: Unit, handler: User) -> None:
    application = register(handler, department)
    services.application_accept(actor=handler, application=application)
    services.application_fee_notice(
        actor=handler,
        application=application,
        on=D(2024, 11, 8),
        amount=Decimal("300"),
        basis="本月第13件申请，按件计收",
    )
    application = fresh(application)
    text = generate(handler, application, LetterKind.FEE)
    assert_addressed(text, application)
    assert "收取信息处理费300元" in text
    assert "计收情况：本月第13件申请，按件计收。" in text
    assert "第四十二条" in text and "国办函〔2020〕109号" in text
    assert f"请于{letters.chinese_date(application.fee_due_on)}前缴纳" in text
    assert "\n2024年11月8日\n" in text


# Each reply letter cites the ground of its outcome and the item of 第三十六条.
REPLIES = [
    ("grant", LetterKind.REPLY_GRANT, "第三十六条第（二）项", "通过电子邮件方式向你提供"),
    ("partial", LetterKind.REPLY_PARTIAL, "第三十七条", "能够作区分处理"),
    ("secret", LetterKind.REPLY_REFUSE, "第十四条、第三十六条第（三）项", "（属于国家秘密）"),
    ("third_party", LetterKind.REPLY_REFUSE, "第十五条", "（保护第三方合法权益）"),
    ("process", LetterKind.REPLY_REFUSE, "第十六条", "（属于四类过程性信息）"),
    ("query_matter", LetterKind.REPLY_REFUSE, "第三十六条第（七）项", "行政查询事项"),
    ("not_held", LetterKind.REPLY_UNAVAILABLE, "第三十六条第（四）项", "本机关不掌握"),
    ("needs_making", LetterKind.REPLY_UNAVAILABLE, "第三十八条", "另行制作"),
    ("petition", LetterKind.REPLY_NOT_PROCESSED, "第三十九条", "信访、投诉、举报"),
    ("repeated", LetterKind.REPLY_NOT_PROCESSED, "第三十六条第（六）项", "不予重复处理"),
    ("publication", LetterKind.REPLY_NOT_PROCESSED, "第三十九条", "公开出版物"),
    ("excessive", LetterKind.REPLY_NOT_PROCESSED, "第三十五条", "明显超过合理范围"),
    ("confirm", LetterKind.REPLY_NOT_PROCESSED, "第三十六条第（六）项", "重新出具"),
    ("other", LetterKind.REPLY_OTHER, "第三十六条", "经研究，"),
]


@pytest.mark.parametrize(("outcome", "kind", "article", "finding"), REPLIES)
def test_reply_letter_per_outcome(
    department: Unit, handler: User, outcome: str, kind: str, article: str, finding: str
) -> None:
    application = register(handler, department)
    services.application_accept(actor=handler, application=application)
    services.application_reply(
        actor=handler,
        application=application,
        on=D(2024, 11, 20),
        outcome=outcome,
        note="该信息涉及的具体情况见说明。",
    )
    application = fresh(application)
    assert outcomes.BY_CODE[outcome].letter == kind
    text = generate(handler, application, kind)
    assert_addressed(text, application)
    assert "政府信息公开申请答复告知书" in text
    assert "现答复如下：" in text
    assert f"《中华人民共和国政府信息公开条例》{article}" in text
    assert finding in text
    # The handler's reason is quoted once, its full stop not doubled.
    assert "该信息涉及的具体情况见说明" in text and "说明。。" not in text
    assert REMEDIES in text
    assert "60日" in text and "6个月" in text
    assert "\n2024年11月20日\n" in text


def test_every_reply_outcome_has_a_letter_with_remedies(department: Unit, handler: User) -> None:
    for code in outcomes.REPLY_CODES:
        if code == "still_unclear":
            continue  # needs a supplement first: test_still_unclear_after_supplement
        application = register(handler, department)
        services.application_reply(
            actor=handler, application=application, on=D(2024, 11, 20), outcome=code, note="理由"
        )
        text = generate(handler, fresh(application), outcomes.BY_CODE[code].letter)
        assert REMEDIES in text, code
        assert letters.legal_basis(outcomes.BY_CODE[code].letter, outcome=code) in text, code


def test_still_unclear_after_supplement(department: Unit, handler: User) -> None:
    application = register(handler, department)
    services.application_request_supplement(
        actor=handler,
        application=application,
        on=D(2024, 11, 5),
        deadline=D(2024, 11, 19),
        items="请写明文件名称",
    )
    services.application_supplemented(actor=handler, application=application, on=D(2024, 11, 12))
    services.application_reply(
        actor=handler,
        application=application,
        on=D(2024, 11, 26),
        outcome="still_unclear",
        note="补正后仍未写明所需文件",
    )
    text = generate(handler, fresh(application), LetterKind.REPLY_UNAVAILABLE)
    assert "本机关于2024年11月12日收到你补正后的申请" in text
    assert "本机关已于2024年11月5日告知你作出补正" in text
    assert "补正后的申请内容仍不明确" in text
    assert "第三十条" in text
    assert REMEDIES in text


def test_lapsed_notice(department: Unit, handler: User) -> None:
    application = register(handler, department)
    services.application_request_supplement(
        actor=handler,
        application=application,
        on=D(2024, 11, 5),
        deadline=D(2024, 11, 12),
        items="请写明文件名称",
    )
    services.application_lapse(actor=handler, application=application, on=D(2024, 11, 13))
    text = generate(handler, fresh(application), LetterKind.NOTICE_LAPSED)
    assert_addressed(text, application)
    assert "视为放弃政府信息公开申请告知书" in text
    assert "本机关于2024年11月5日告知你对申请作出补正，补正期限为2024年11月12日" in text
    assert "《中华人民共和国政府信息公开条例》第三十条" in text
    assert "视为你放弃申请，本机关不再处理该政府信息公开申请" in text
    assert "如对本告知不服，可以自收到本告知之日起60日内" in text
    assert "6个月内向石城县人民法院提起行政诉讼" in text
    assert "\n2024年11月13日\n" in text


def test_fee_lapsed_notice(department: Unit, handler: User) -> None:
    application = register(handler, department)
    services.application_accept(actor=handler, application=application)
    services.application_fee_notice(
        actor=handler,
        application=application,
        on=D(2024, 11, 8),
        amount=Decimal("150.5"),
        basis="按页",
    )
    application = fresh(application)
    assert application.fee_due_on is not None
    lapse_on = application.fee_due_on + (D(2024, 1, 2) - D(2024, 1, 1))
    services.application_fee_lapse(actor=handler, application=application, on=lapse_on)
    text = generate(handler, fresh(application), LetterKind.NOTICE_FEE_LAPSED)
    assert_addressed(text, application)
    assert "本机关于2024年11月8日向你发出收费通知，收取信息处理费150.50元" in text
    assert f"缴费期限为{letters.chinese_date(application.fee_due_on)}" in text
    assert "第四十二条" in text and "国办函〔2020〕109号" in text
    assert "如对本告知不服" in text


def test_an_organisation_is_addressed_as_its_unit(department: Unit, handler: User) -> None:
    application = register(
        handler, department, applicant_type="business", applicant_name="石城县某某有限公司"
    )
    services.application_reply(
        actor=handler, application=application, on=D(2024, 11, 6), outcome="grant"
    )
    text = generate(handler, fresh(application), LetterKind.REPLY_GRANT)
    assert "石城县某某有限公司：" in text
    assert "收到你单位提出的政府信息公开申请" in text


def test_the_county_governments_own_reply_names_the_government_above(
    county: Unit, office: User
) -> None:
    with time_machine.travel("2024-11-04 09:00 +0800", tick=False):
        application, _code = services.application_submit_online(unit=county, values=APPLICANT)
    services.application_confirm_receipt(actor=office, application=application, on=D(2024, 11, 4))
    services.application_reply(
        actor=office, application=application, on=D(2024, 11, 6), outcome="grant"
    )
    application = fresh(application)
    assert application.handler is None
    text = generate(office, application, LetterKind.REPLY_GRANT)
    assert "60日内向上一级人民政府申请行政复议" in text
    assert "6个月内向有管辖权的人民法院提起行政诉讼" in text
    # With no handler on the application, whoever generated the letter is the contact.
    assert f"联系人：{office}" in text


def test_remedy_bodies_come_from_settings(settings: Any, department: Unit, handler: User) -> None:
    settings.GONGKAI_REVIEW_AUTHORITY = "云岭县人民政府"
    settings.GONGKAI_COURT = "云岭县人民法院"
    application = register(handler, department)
    services.application_reply(
        actor=handler, application=application, on=D(2024, 11, 6), outcome="grant"
    )
    text = generate(handler, fresh(application), LetterKind.REPLY_GRANT)
    assert "向云岭县人民政府申请行政复议，或者在6个月内向云岭县人民法院提起行政诉讼" in text


def test_markup_and_line_breaks_in_the_applicants_text_stay_text(
    department: Unit, handler: User
) -> None:
    application = register(
        handler, department, description="<b>低保</b> & 特困\n供养名单", applicant_name="A&B<C>"
    )
    services.application_reply(
        actor=handler, application=application, on=D(2024, 11, 6), outcome="grant"
    )
    text = generate(handler, fresh(application), LetterKind.REPLY_GRANT)
    assert "A&B<C>：" in text
    assert "“<b>低保</b> & 特困\n供养名单”" in text


def test_letter_date_may_be_given_but_not_in_the_future(department: Unit, handler: User) -> None:
    application = register(handler, department)
    services.application_reply(
        actor=handler, application=application, on=D(2024, 11, 6), outcome="grant"
    )
    text = generate(handler, application, LetterKind.REPLY_GRANT, on=D(2024, 11, 7))
    assert "\n2024年11月7日\n" in text
    with refused(ValidationFailed, "不能晚于今天"):
        letters.letter_generate(
            actor=handler, application=application, kind=LetterKind.REPLY_GRANT, on=D(2025, 7, 1)
        )
    with refused(ValidationFailed, "不能早于收到申请之日"):
        letters.letter_generate(
            actor=handler, application=application, kind=LetterKind.REPLY_GRANT, on=D(2024, 11, 1)
        )


def test_generating_is_audited_and_the_command_line_may_generate(
    department: Unit, handler: User
) -> None:
    application = register(handler, department)
    services.application_reply(
        actor=handler, application=application, on=D(2024, 11, 6), outcome="grant"
    )
    letter = letters.letter_generate(
        actor=None, application=application, kind=LetterKind.REPLY_GRANT
    )
    entry = AuditEntry.objects.get(action="application.letter")
    assert entry.target_id == str(application.pk)
    assert entry.data == {"letter": letter.pk, "kind": "reply_grant", "template": "builtin"}
    assert entry.summary == f"{application.tracking_no} 生成{LetterKind.REPLY_GRANT.label}"
    # Kept as issued: a second letter is a second row with its own file.
    again = letters.letter_generate(
        actor=handler, application=application, kind=LetterKind.REPLY_GRANT
    )
    assert again.pk != letter.pk and again.file.name != letter.file.name


# ------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (LetterKind.SUPPLEMENT, "没有告知补正"),
        (LetterKind.EXTENSION, "没有延期答复"),
        (LetterKind.CONSULTATION, "没有征求意见"),
        (LetterKind.TRANSFER, "没有转办"),
        (LetterKind.FEE, "没有发出收费通知"),
        (LetterKind.REPLY_GRANT, "还没有办理结果"),
        (LetterKind.NOTICE_LAPSED, "还没有办理结果"),
    ],
)
def test_a_letter_about_a_step_not_taken_is_refused(
    department: Unit, handler: User, kind: str, message: str
) -> None:
    application = register(handler, department)
    services.application_accept(actor=handler, application=application)
    with refused(InvalidTransition, message):
        letters.letter_generate(actor=handler, application=application, kind=kind)
    assert not Letter.objects.exists()


def test_a_reply_letter_must_match_the_outcome(department: Unit, handler: User) -> None:
    application = register(handler, department)
    services.application_reply(
        actor=handler, application=application, on=D(2024, 11, 6), outcome="grant"
    )
    with refused(InvalidTransition, r"“予以公开”，应生成《.*（予以公开）》"):
        letters.letter_generate(
            actor=handler, application=application, kind=LetterKind.REPLY_REFUSE
        )
    assert not Letter.objects.exists()


def test_other_units_staff_may_not_generate(
    department: Unit, handler: User, other_editor: User, editor: User
) -> None:
    application = register(handler, department)
    services.application_reply(
        actor=handler, application=application, on=D(2024, 11, 6), outcome="grant"
    )
    for outsider in (other_editor, editor):  # another unit; the same unit but not a handler
        with pytest.raises(AccessDenied):
            letters.letter_generate(
                actor=outsider, application=application, kind=LetterKind.REPLY_GRANT
            )
    assert not Letter.objects.exists()


def test_unknown_kind_is_refused(department: Unit, handler: User) -> None:
    application = register(handler, department)
    with refused(ValidationFailed, "请选择文书类型"):
        letters.letter_generate(actor=handler, application=application, kind="memo")
