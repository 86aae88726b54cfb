"""Letters generated for applications taken through the services to the step each letter
notifies, then opened as a Word file: addressee, number, the findings, and the refusals. Letters
with periods that run from a receipt are in test_periods.py; the citations and remedies of every
kind, before and after 2024, in test_legal_text.py."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from gongkai.applications import letters, services
from gongkai.applications.models import (
    Application,
    Channel,
    Letter,
    LetterKind,
)
from gongkai.core.errors import AccessDenied, InvalidTransition, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from tests.applications.letters.building import (
    APPLICANT,
    D,
    assert_addressed,
    fresh,
    generate,
    handling,
    refused,
    register,
)

REMEDIES = (
    "如对本答复不服，可以自收到本答复之日起60日内向石城县人民政府申请行政复议，"
    "或者在6个月内向石城县人民法院提起行政诉讼。"
)


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


# ------------------------------------------------------------------------------- replies


def replied(handler: User, department: Unit, outcome: str, **kw: Any) -> Application:
    application = handling(handler, department)
    services.application_reply(
        actor=handler, application=application, on=D(2024, 11, 20), outcome=outcome, **kw
    )
    return fresh(application)


def test_grant_of_published_information_says_where_to_find_it(
    department: Unit, handler: User
) -> None:
    application = replied(
        handler, department, "published", note="请登录石城县人民政府网站“政府信息公开”专栏查阅。"
    )
    text = generate(handler, application, LetterKind.REPLY_GRANT)
    assert (
        "经审查，你申请公开的政府信息本机关已经主动公开。根据《中华人民共和国政府信息公开条例》"
        "第三十六条第（一）项的规定，现告知你获取该政府信息的方式和途径：请登录石城县人民政府网站"
        "“政府信息公开”专栏查阅。"
    ) in text
    assert "提供该政府信息" not in text


def test_publication_tells_where_to_obtain_it_and_is_not_refused_as_a_petition(
    department: Unit, handler: User
) -> None:
    application = replied(handler, department, "publication", note="可在县图书馆查阅2023年第5期")
    text = generate(handler, application, LetterKind.REPLY_NOT_PROCESSED)
    assert (
        "根据《中华人民共和国政府信息公开条例》第三十九条第二款的规定，现告知你获取的途径："
        "可在县图书馆查阅2023年第5期。"
    ) in text
    assert "不作为政府信息公开申请处理" not in text


def test_confirm_cites_no_article(department: Unit, handler: User) -> None:
    application = replied(handler, department, "confirm", note="申请对已取得的文件加盖印章")
    text = generate(handler, application, LetterKind.REPLY_NOT_PROCESSED)
    assert (
        "经审查，你的申请是要求本机关确认或者重新出具你已经获取的信息（申请对已取得的文件加盖印章），"
        "不属于《中华人民共和国政府信息公开条例》规定的获取政府信息的申请，本机关不予处理。"
    ) in text
    assert "第三十六条" not in text and "第（六）项" not in text


def test_not_held_says_the_information_does_not_exist(department: Unit, handler: User) -> None:
    application = replied(handler, department, "not_held", note="经检索本机关档案")
    text = generate(handler, application, LetterKind.REPLY_UNAVAILABLE)
    assert (
        "根据《中华人民共和国政府信息公开条例》第三十六条第（四）项的规定，现告知你：该政府信息不存在。"
    ) in text
    assert "第（五）项" not in text


def test_not_responsible_names_the_responsible_agency(department: Unit, handler: User) -> None:
    application = replied(
        handler,
        department,
        "not_responsible",
        note="该文件由县住建局制作并保存",
        responsible_agency="县住建局",
        responsible_contact="0797-5705678",
    )
    text = generate(handler, application, LetterKind.REPLY_UNAVAILABLE)
    assert (
        "经审查，你申请公开的政府信息不属于本机关负责公开，理由如下：该文件由县住建局制作并保存。"
        "根据《中华人民共和国政府信息公开条例》第三十六条第（五）项的规定，现告知你：负责公开该政府"
        "信息的行政机关为县住建局，联系方式为0797-5705678，你可以向该机关申请获取。"
    ) in text
    context = letters.letter_context(
        application, kind=LetterKind.REPLY_UNAVAILABLE, on=D(2024, 11, 20)
    )
    assert context["responsible_agency"] == "县住建局"
    assert context["article36_item"] == "第三十六条第（五）项"


def test_not_responsible_when_no_agency_can_be_determined(department: Unit, handler: User) -> None:
    application = replied(
        handler, department, "not_responsible", note="该信息不属于行政机关在履职中制作或获取的信息"
    )
    text = generate(handler, application, LetterKind.REPLY_UNAVAILABLE)
    assert "理由如下：该信息不属于行政机关在履职中制作或获取的信息。" in text
    assert "现告知你：本机关无法确定负责公开该政府信息的行政机关。" in text


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
    assert "《中华人民共和国政府信息公开条例》第三十条" in text
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


def test_an_oral_application_records_who_wrote_it_down(department: Unit, handler: User) -> None:
    application, _code = services.application_register(
        actor=handler,
        unit=department,
        channel=Channel.ORAL,
        values=APPLICANT,
        submitted_on=D(2024, 11, 4),
        transcribed_by="张敏",
    )
    services.application_reply(
        actor=handler, application=application, on=D(2024, 11, 6), outcome="grant"
    )
    context = letters.letter_context(
        fresh(application), kind=LetterKind.REPLY_GRANT, on=D(2024, 11, 6)
    )
    assert context["transcribed_by"] == "张敏"
    assert context["channel"] == "口头提出（代为填写）"
    text = generate(handler, fresh(application), LetterKind.REPLY_GRANT)
    assert "本机关于2024年11月4日收到你提出的政府信息公开申请" in text


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
        (LetterKind.FEE, "没有发出收费通知"),
        (LetterKind.REASONS, "没有要求申请人说明理由"),
        (LetterKind.DEFERRAL, "没有确定延迟答复的期限"),
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
