"""Letters whose periods run from a receipt or were fixed by a step, read back from the Word
file: the printed date is the one the services computed (Consultation.reply_due,
Application.fee_due_on, due_on after an extension, deferred_until), and before the receipt is
known the letter states the rule instead (条例第三十二、三十四条: 自收到征求意见书之日起15个工作日;
国办函〔2020〕109号: 自收到收费通知次日起20个工作日)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gongkai.applications import letters, services
from gongkai.applications.models import Application, ConsultationKind, LetterKind
from gongkai.core.errors import InvalidTransition
from gongkai.orgs.models import Unit, User
from tests.applications.letters.building import (
    D,
    assert_addressed,
    fresh,
    generate,
    handling,
    refused,
)


def test_extension_notice_names_both_due_dates(
    department: Unit, handler: User, reviewer: User
) -> None:
    application = handling(handler, department)
    services.application_extend(
        actor=reviewer,
        application=application,
        on=D(2024, 11, 25),
        approved_by="张主任",
        reason="因所需信息涉及多个年度的档案，需要调取核对。",
    )
    application = fresh(application)
    assert application.due_on == D(2024, 12, 30)
    text = generate(handler, application, LetterKind.EXTENSION)
    assert_addressed(text, application)
    assert "政府信息公开申请延期答复告知书" in text
    # The reason's own "因" and full stop are not doubled.
    assert "因所需信息涉及多个年度的档案，需要调取核对，本机关不能在规定期限内作出答复" in text
    assert "经本机关政府信息公开工作机构负责人同意" in text
    assert "由2024年12月2日延长至2024年12月30日" in text
    assert "\n2024年11月25日\n" in text


def test_extension_notice_keeps_the_article_33_date_after_a_longer_article_35_period(
    department: Unit, handler: User, reviewer: User
) -> None:
    """The 第三十五条 period replaces the reply date, but the extension letter speaks of the
    第三十三条第二款 extension: re-printed later, it still names the extended statutory date."""
    application = handling(handler, department)
    services.application_extend(
        actor=reviewer, application=application, on=D(2024, 11, 25), reason="档案量大"
    )
    services.application_request_reasons(
        actor=handler, application=application, on=D(2024, 11, 26), note="本月第40件"
    )
    services.application_defer(
        actor=handler,
        application=application,
        on=D(2024, 11, 27),
        until=D(2025, 2, 28),
        reason="需逐件检索",
    )
    assert fresh(application).due_on == D(2025, 2, 28)
    text = generate(handler, fresh(application), LetterKind.EXTENSION)
    assert "由2024年12月2日延长至2024年12月30日" in text


# ------------------------------------------------------------------------------- consultations


def consulted(handler: User, department: Unit, kind: str, **kw: Any) -> Application:
    application = handling(handler, department)
    services.application_consult(
        actor=handler,
        application=application,
        kind=kind,
        party="石城县某某商贸有限公司" if kind == ConsultationKind.THIRD_PARTY else "县财政局",
        sent_on=D(2024, 11, 8),
        **kw,
    )
    return fresh(application)


def test_third_party_consultation_goes_to_the_party_without_the_applicant(
    department: Unit, handler: User
) -> None:
    application = consulted(handler, department, ConsultationKind.THIRD_PARTY)
    text = generate(handler, application, LetterKind.CONSULTATION)
    assert "政府信息公开征求第三方意见书" in text
    assert "石城县某某商贸有限公司：" in text
    assert f"申请编号：{application.tracking_no}" in text
    assert "《中华人民共和国政府信息公开条例》第三十二条" in text
    # Not delivered yet: the rule without a date (条例第三十二条: 自收到征求意见书之日起).
    assert "请自收到本征求意见书之日起15个工作日内提出书面意见" in text
    assert "2024年11月4日" in text and "\n2024年11月8日\n" in text
    # The third party learns what is asked, not who asks: applicants' identity is personal data.
    assert "王小明" not in text


def test_consultation_letter_prints_the_computed_reply_date_once_delivered(
    department: Unit, handler: User
) -> None:
    application = consulted(handler, department, ConsultationKind.THIRD_PARTY)
    consultation = application.consultations.get()
    assert consultation.reply_due is None
    services.application_consultation_delivered(
        actor=handler, consultation=consultation, on=D(2024, 11, 11)
    )
    consultation.refresh_from_db()
    # 15 working days after Monday 11 November, that day not counted.
    assert consultation.reply_due == D(2024, 12, 2)
    text = generate(handler, fresh(application), LetterKind.CONSULTATION)
    assert "请自收到本征求意见书之日起15个工作日内（即2024年12月2日前）提出书面意见" in text
    assert letters.letter_context(
        fresh(application), kind=LetterKind.CONSULTATION, on=D(2024, 11, 8)
    )["consultation_reply_due"] == letters.chinese_date(consultation.reply_due)


def test_agency_consultation_cites_article_34(department: Unit, handler: User) -> None:
    application = consulted(
        handler, department, ConsultationKind.AGENCY, delivered_on=D(2024, 11, 8)
    )
    consultation = application.consultations.get()
    text = generate(handler, application, LetterKind.CONSULTATION)
    assert "政府信息公开征求意见书" in text
    assert "县财政局：" in text
    assert "由本机关与你单位共同制作" in text
    assert "《中华人民共和国政府信息公开条例》第三十四条" in text
    assert (
        "请自收到本征求意见书之日起15个工作日内"
        f"（即{letters.chinese_date(consultation.reply_due)}前）提出书面意见；"
        "逾期未提出意见的，视为同意公开。"
    ) in text
    assert consultation.reply_due == D(2024, 11, 29)


def test_other_agency_is_asked_without_the_15_days_or_deemed_consent(
    department: Unit, handler: User
) -> None:
    application = consulted(
        handler, department, ConsultationKind.OTHER_AGENCY, delivered_on=D(2024, 11, 8)
    )
    assert application.consultations.get().reply_due is None
    text = generate(handler, application, LetterKind.CONSULTATION)
    assert "政府信息公开征求意见书" in text and "第三方" not in text
    assert (
        "《中华人民共和国政府信息公开条例》第三十三条第三款的规定，征求意见所需时间不计算" in text
    )
    assert "15个工作日" not in text
    assert "视为同意" not in text
    assert "共同制作" not in text


# ------------------------------------------------------------------------------- fees


def test_fee_notice_before_the_applicant_received_it(department: Unit, handler: User) -> None:
    application = handling(handler, department)
    services.application_fee_notice(
        actor=handler,
        application=application,
        on=D(2024, 11, 8),
        amount=Decimal("300"),
        basis="本月第13件申请，按件计收。",
    )
    application = fresh(application)
    assert application.fee_due_on is None
    text = generate(handler, application, LetterKind.FEE)
    assert_addressed(text, application)
    assert "收取信息处理费300元" in text
    assert "计收情况：本月第13件申请，按件计收。" in text
    assert "第四十二条第一款和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）" in text
    # 国办函〔2020〕109号: 20 working days from the day after receiving the notice.
    assert "请自收到本通知次日起20个工作日内缴纳上述费用" in text
    assert "自发出本通知之日至你缴费之日的期间，不计算在答复期限内" in text
    assert "\n2024年11月8日\n" in text


def test_fee_notice_prints_the_computed_due_date_once_received(
    department: Unit, handler: User
) -> None:
    application = handling(handler, department)
    services.application_fee_notice(
        actor=handler,
        application=application,
        on=D(2024, 11, 8),
        amount=Decimal("300"),
        basis="按件",
    )
    services.application_fee_received(actor=handler, application=application, on=D(2024, 11, 11))
    application = fresh(application)
    # Received Monday 11 November: counted from Tuesday 12, the 20th working day is 9 December.
    assert application.fee_due_on == D(2024, 12, 9)
    text = generate(handler, application, LetterKind.FEE)
    assert "请自收到本通知次日起20个工作日内（即2024年12月9日前）缴纳上述费用" in text
    context = letters.letter_context(application, kind=LetterKind.FEE, on=D(2024, 11, 8))
    assert context["fee_due_on"] == letters.chinese_date(application.fee_due_on)
    assert context["fee_received_on"] == "2024年11月11日"


def test_fee_lapsed_notice(department: Unit, handler: User) -> None:
    application = handling(handler, department)
    services.application_fee_notice(
        actor=handler,
        application=application,
        on=D(2024, 11, 8),
        amount=Decimal("150.5"),
        basis="按页",
        received_on=D(2024, 11, 8),
    )
    application = fresh(application)
    assert application.fee_due_on == D(2024, 12, 6)
    services.application_fee_lapse(actor=handler, application=application, on=D(2024, 12, 9))
    text = generate(handler, fresh(application), LetterKind.NOTICE_FEE_LAPSED)
    assert_addressed(text, application)
    assert (
        "本机关于2024年11月8日向你发出收费通知，收取信息处理费150.50元，你于2024年11月8日收到"
        "该通知，缴费期限为2024年12月6日。"
    ) in text
    assert "第四十二条第一款和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）" in text
    assert "如对本告知不服" in text
    assert "\n2024年12月9日\n" in text


# ------------------------------------------------------------------------------- 第三十五条


def test_reasons_and_deferral_letters(department: Unit, handler: User) -> None:
    application = handling(handler, department)
    services.application_request_reasons(
        actor=handler,
        application=application,
        on=D(2024, 11, 6),
        note="你本月已提出政府信息公开申请35件。",
    )
    text = generate(handler, fresh(application), LetterKind.REASONS)
    assert_addressed(text, application)
    assert "政府信息公开申请说明理由告知书" in text
    assert (
        "经审查，你申请公开政府信息的数量、频次明显超过合理范围（你本月已提出政府信息公开申请35件）。"
        "根据《中华人民共和国政府信息公开条例》第三十五条的规定，请你向本机关说明申请理由。"
    ) in text
    assert "\n2024年11月6日\n" in text
    with refused(InvalidTransition, "没有确定延迟答复的期限"):
        letters.letter_generate(actor=handler, application=application, kind=LetterKind.DEFERRAL)
    services.application_defer(
        actor=handler,
        application=application,
        on=D(2024, 11, 13),
        until=D(2025, 1, 17),
        reason="由于所需信息数量较多，需要逐件检索",
    )
    application = fresh(application)
    assert application.due_on == application.deferred_until == D(2025, 1, 17)
    text = generate(handler, application, LetterKind.DEFERRAL)
    assert "政府信息公开申请延迟答复告知书" in text
    assert (
        "本机关于2024年11月6日要求你说明申请理由。经审查，你的申请理由合理，但因所需信息数量较多，"
        "需要逐件检索，本机关无法在《中华人民共和国政府信息公开条例》第三十三条规定的期限内答复。"
        "根据《中华人民共和国政府信息公开条例》第三十五条的规定，本机关确定延迟答复的合理期限至"
        f"{letters.chinese_date(application.deferred_until)}，并将在该期限内作出答复。"
    ) in text
    # Dated the day the period was fixed, not the day it ends.
    assert "\n2024年11月13日\n" in text
