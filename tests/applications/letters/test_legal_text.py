"""What every letter says in law: the articles it cites and the remedies it names, for a letter
dated before 2024-01-01 and one after, each generated for an application taken through the
services and read back from its Word file.

The rules quoted: 《中华人民共和国政府信息公开条例》(国务院令第711号) for the citations;
《中华人民共和国行政复议法》(2023年修订, in force 2024-01-01) 第二十三条第一款第（四）项 for the
remedies of a refusal to disclose: 申请政府信息公开，行政机关不予公开的，申请人应当先向行政复议机关
申请行政复议，对行政复议决定不服的，可以再依法向人民法院提起行政诉讼.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from gongkai.applications import letters, outcomes, services
from gongkai.applications.models import Application, ConsultationKind, LetterKind
from gongkai.core.errors import InvalidTransition
from gongkai.orgs.models import Unit, User
from tests.applications.letters.building import (
    RECEIVED,
    RECEIVED_2023,
    fresh,
    handling,
    later,
    letter_text,
    refused,
    register,
)

LAW = "《中华人民共和国政府信息公开条例》"
FEE_RULES = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
NOTE = "该信息涉及的具体情况见说明"

# Remedies, verbatim. Before 2024, and since then for every outcome that does not refuse:
EITHER = (
    "如对本答复不服，可以自收到本答复之日起60日内向石城县人民政府申请行政复议，"
    "或者在6个月内向石城县人民法院提起行政诉讼。"
)
EITHER_NOTICE = (
    "如对本告知不服，可以自收到本告知之日起60日内向石城县人民政府申请行政复议，"
    "或者在6个月内向石城县人民法院提起行政诉讼。"
)
# Since 2024-01-01, a refusal to disclose (行政复议法第二十三条第一款第（四）项):
REVIEW_FIRST = (
    "如对本答复不服，可以自收到本答复之日起60日内向石城县人民政府申请行政复议；"
    "对行政复议决定不服的，可以依法向人民法院提起行政诉讼。"
)
# … and a partial disclosure: its refused part goes to review first, the rest keeps both.
PARTIAL = (
    "如对本答复中不予公开的部分不服，可以自收到本答复之日起60日内向石城县人民政府申请行政复议；"
    "对行政复议决定不服的，可以依法向人民法院提起行政诉讼。对本答复的其他内容不服的，"
    "可以自收到本答复之日起60日内向石城县人民政府申请行政复议，或者在6个月内向石城县人民法院"
    "提起行政诉讼。"
)


@dataclass(frozen=True)
class Basis:
    code: str
    kind: str
    articles: str  # what follows the law's name in the citation; "" where no article governs
    rule: str  # the rule quoted


# Each outcome's citation, verbatim, with the rule it rests on.
BASES = [
    Basis("grant", "reply_grant", "第三十六条第（二）项",
          "所申请公开信息可以公开的，向申请人提供该政府信息，或者告知申请人获取该政府信息的方式、途径和时间"),
    Basis("published", "reply_grant", "第三十六条第（一）项",
          "所申请公开信息已经主动公开的，告知申请人获取该政府信息的方式、途径"),
    Basis("partial", "reply_partial", "第三十七条、第三十六条第（二）项和第（三）项",
          "第三十七条：申请公开的信息中含有不应当公开或者不属于政府信息的内容，但是能够作区分处理的，"
          "行政机关应当向申请人提供可以公开的政府信息内容，并对不予公开的内容说明理由"),
    Basis("secret", "reply_refuse", "第十四条、第三十六条第（三）项",
          "第十四条：依法确定为国家秘密的政府信息……不予公开"),
    Basis("law_forbids", "reply_refuse", "第十四条、第三十六条第（三）项",
          "第十四条：……法律、行政法规禁止公开的政府信息……不予公开"),
    Basis("three_safety", "reply_refuse", "第十四条、第三十六条第（三）项",
          "第十四条：……公开后可能危及国家安全、公共安全、经济安全、社会稳定的政府信息，不予公开"),
    Basis("third_party", "reply_refuse", "第十五条、第三十二条、第三十六条第（三）项",
          "第十五条：涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害的政府信息，行政机关不得"
          "公开；第三十二条：第三方不同意公开且有合理理由的，行政机关不予公开"),
    Basis("internal", "reply_refuse", "第十六条第一款、第三十六条第（三）项",
          "行政机关的内部事务信息，包括人事管理、后勤管理、内部工作流程等方面的信息，可以不予公开"),
    Basis("process", "reply_refuse", "第十六条第二款、第三十六条第（三）项",
          "……讨论记录、过程稿、磋商信函、请示报告等过程性信息……可以不予公开"),
    Basis("enforcement", "reply_refuse", "第十六条第二款、第三十六条第（三）项",
          "……以及行政执法案卷信息，可以不予公开"),
    Basis("query_matter", "reply_refuse", "第三十六条第（七）项",
          "所申请公开信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定"
          "的，告知申请人依照有关法律、行政法规的规定办理"),
    Basis("not_held", "reply_unavailable", "第三十六条第（四）项",
          "经检索没有所申请公开信息的，告知申请人该政府信息不存在"),
    Basis("not_responsible", "reply_unavailable", "第三十六条第（五）项",
          "所申请公开信息不属于本行政机关负责公开的，告知申请人并说明理由；能够确定负责公开该政府"
          "信息的行政机关的，告知申请人该行政机关的名称、联系方式"),
    Basis("needs_making", "reply_unavailable", "第三十八条",
          "需要行政机关对现有政府信息进行加工、分析的，行政机关可以不予提供"),
    Basis("still_unclear", "reply_unavailable", "第三十条",
          "政府信息公开申请内容不明确的，行政机关应当……一次性告知申请人作出补正"),
    Basis("petition", "reply_not_processed", "第三十九条第一款",
          "申请人以政府信息公开申请的形式进行信访、投诉、举报等活动，行政机关应当告知申请人不作为"
          "政府信息公开申请处理并可以告知通过相应渠道提出"),
    Basis("repeated", "reply_not_processed", "第三十六条第（六）项",
          "行政机关已就申请人提出的政府信息公开申请作出答复、申请人重复申请公开相同政府信息的，告知"
          "申请人不予重复处理"),
    Basis("publication", "reply_not_processed", "第三十九条第二款",
          "申请人提出的申请内容为要求行政机关提供政府公报、报刊、书籍等公开出版物的，行政机关可以"
          "告知获取的途径"),
    Basis("excessive", "reply_not_processed", "第三十五条",
          "申请人申请公开政府信息的数量、频次明显超过合理范围……行政机关认为申请理由不合理的，告知"
          "申请人不予处理"),
    Basis("confirm", "reply_not_processed", "",
          "no article: a request to confirm or re-issue information already obtained is not a "
          "request to obtain government information (never 第三十六条第（六）项, 重复申请)"),
    Basis("other", "reply_other", "", "no article of the 条例 names the case"),
    Basis("lapsed", "notice_lapsed", "第三十条",
          "申请人无正当理由逾期不补正的，视为放弃申请，行政机关不再处理该政府信息公开申请"),
    Basis("fee_unpaid", "notice_fee_lapsed", f"第四十二条第一款和{FEE_RULES}",
          "申请人申请公开政府信息的数量、频次明显超过合理范围的，行政机关可以收取信息处理费；"
          "逾期未缴纳的视为放弃申请"),
]  # fmt: skip


def test_every_outcome_with_a_letter_is_in_the_table() -> None:
    assert {b.code for b in BASES} == {o.code for o in outcomes.OUTCOMES if o.letter}
    assert outcomes.BY_CODE["withdrawn"].letter == ""


@pytest.mark.parametrize("basis", BASES, ids=lambda b: b.code)
def test_legal_basis_of_each_outcome(basis: Basis) -> None:
    assert outcomes.BY_CODE[basis.code].letter == basis.kind
    expected = LAW + basis.articles if basis.articles else ""
    assert letters.legal_basis(basis.kind, outcome=basis.code) == expected, basis.rule


STEP_BASES = [
    ("supplement", "", f"{LAW}第三十条"),
    ("extension", "", f"{LAW}第三十三条第二款"),
    ("consultation", ConsultationKind.THIRD_PARTY, f"{LAW}第三十二条"),
    ("consultation", ConsultationKind.AGENCY, f"{LAW}第三十四条"),
    ("consultation", ConsultationKind.OTHER_AGENCY, f"{LAW}第三十三条第三款"),
    ("fee", "", f"{LAW}第四十二条第一款和{FEE_RULES}"),
    ("reasons", "", f"{LAW}第三十五条"),
    ("deferral", "", f"{LAW}第三十五条"),
]


@pytest.mark.parametrize(("kind", "consultation", "expected"), STEP_BASES)
def test_legal_basis_of_each_step(kind: str, consultation: str, expected: str) -> None:
    assert letters.legal_basis(kind, consultation_kind=consultation) == expected


# ------------------------------------------------------------------------------- remedies


@pytest.mark.parametrize(
    ("kind", "outcome", "on", "expected"),
    [
        # The day the revised law came into force decides, by the letter's date.
        ("reply_refuse", "secret", dt.date(2023, 12, 31), EITHER),
        ("reply_refuse", "secret", dt.date(2024, 1, 1), REVIEW_FIRST),
        ("reply_refuse", "query_matter", dt.date(2024, 1, 1), REVIEW_FIRST),
        ("reply_partial", "partial", dt.date(2023, 12, 31), EITHER),
        ("reply_partial", "partial", dt.date(2024, 1, 1), PARTIAL),
        # Other outcomes keep both remedies.
        ("reply_grant", "grant", dt.date(2024, 1, 1), EITHER),
        ("reply_unavailable", "not_held", dt.date(2024, 6, 1), EITHER),
        ("reply_not_processed", "repeated", dt.date(2024, 6, 1), EITHER),
        ("notice_lapsed", "lapsed", dt.date(2024, 6, 1), EITHER_NOTICE),
        # A letter that does not answer the refusal is not a refusal.
        ("notice_fee_lapsed", "secret", dt.date(2024, 6, 1), EITHER_NOTICE),
        # A consulted party is told of no remedies.
        ("consultation", "", dt.date(2024, 6, 1), ""),
    ],
)
def test_remedies_rule(kind: str, outcome: str, on: dt.date, expected: str) -> None:
    review, court, text = letters.remedies(kind, outcome=outcome, on=on, county_government=False)
    assert (review, court) == ("石城县人民政府", "石城县人民法院")
    assert text == expected


def test_remedies_of_the_county_governments_own_refusal() -> None:
    _review, _court, text = letters.remedies(
        "reply_refuse", outcome="process", on=dt.date(2024, 3, 1), county_government=True
    )
    assert text == (
        "如对本答复不服，可以自收到本答复之日起60日内向上一级人民政府申请行政复议；"
        "对行政复议决定不服的，可以依法向人民法院提起行政诉讼。"
    )
    _review, _court, text = letters.remedies(
        "reply_refuse", outcome="process", on=dt.date(2023, 3, 1), county_government=True
    )
    assert text == (
        "如对本答复不服，可以自收到本答复之日起60日内向上一级人民政府申请行政复议，"
        "或者在6个月内向有管辖权的人民法院提起行政诉讼。"
    )


# ------------------------------------------------------------------------------- every letter


Build = Callable[[User, User, Unit, dt.date], Application]


def _reply(code: str) -> Build:
    """Take an application received on ``received`` to a reply with ``code``, through the steps
    the outcome needs, and return it."""

    def build(handler: User, reviewer: User, unit: Unit, received: dt.date) -> Application:
        extra: dict[str, Any] = {}
        if code == "still_unclear":
            application = register(handler, unit, received)
            services.application_request_supplement(
                actor=handler,
                application=application,
                on=later(received, 1),
                deadline=later(received, 15),
                items="请写明文件名称",
            )
            services.application_supplemented(
                actor=handler, application=application, on=later(received, 8)
            )
        else:
            application = handling(handler, unit, received)
        if code == "excessive":
            services.application_request_reasons(
                actor=handler, application=application, on=later(received, 1), note="本月第35件"
            )
        if code == "not_responsible":
            extra = {"responsible_agency": "县住建局", "responsible_contact": "0797-5705678"}
        services.application_reply(
            actor=handler,
            application=application,
            on=later(received, 16),
            outcome=code,
            note=NOTE,
            **extra,
        )
        return fresh(application)

    return build


def _lapsed(handler: User, reviewer: User, unit: Unit, received: dt.date) -> Application:
    application = register(handler, unit, received)
    services.application_request_supplement(
        actor=handler,
        application=application,
        on=later(received, 1),
        deadline=later(received, 8),
        items="请写明文件名称",
    )
    services.application_lapse(actor=handler, application=application, on=later(received, 9))
    return fresh(application)


def _fee_unpaid(handler: User, reviewer: User, unit: Unit, received: dt.date) -> Application:
    application = _fee(handler, reviewer, unit, received)
    assert application.fee_due_on is not None
    services.application_fee_lapse(
        actor=handler, application=application, on=later(application.fee_due_on, 1)
    )
    return fresh(application)


def _supplement(handler: User, reviewer: User, unit: Unit, received: dt.date) -> Application:
    application = register(handler, unit, received)
    services.application_request_supplement(
        actor=handler,
        application=application,
        on=later(received, 2),
        deadline=later(received, 16),
        items="请写明所需文件的年度和文号",
    )
    return fresh(application)


def _extension(handler: User, reviewer: User, unit: Unit, received: dt.date) -> Application:
    application = handling(handler, unit, received)
    services.application_extend(
        actor=reviewer,
        application=application,
        on=later(received, 14),
        reason="所需信息涉及多个年度的档案，需要调取核对",
    )
    return fresh(application)


def _consultation(kind: str) -> Build:
    def build(handler: User, reviewer: User, unit: Unit, received: dt.date) -> Application:
        application = handling(handler, unit, received)
        services.application_consult(
            actor=handler,
            application=application,
            kind=kind,
            party="县财政局" if kind != ConsultationKind.THIRD_PARTY else "石城县某某商贸有限公司",
            sent_on=later(received, 4),
            delivered_on=later(received, 7),
        )
        return fresh(application)

    return build


def _fee(handler: User, reviewer: User, unit: Unit, received: dt.date) -> Application:
    application = handling(handler, unit, received)
    services.application_fee_notice(
        actor=handler,
        application=application,
        on=later(received, 4),
        amount=Decimal("300"),
        basis="本月第13件申请，按件计收",
        received_on=later(received, 7),
    )
    return fresh(application)


def _reasons(handler: User, reviewer: User, unit: Unit, received: dt.date) -> Application:
    application = handling(handler, unit, received)
    services.application_request_reasons(
        actor=handler,
        application=application,
        on=later(received, 2),
        note="本月已提出政府信息公开申请35件",
    )
    return fresh(application)


def _deferral(handler: User, reviewer: User, unit: Unit, received: dt.date) -> Application:
    application = _reasons(handler, reviewer, unit, received)
    services.application_defer(
        actor=handler,
        application=application,
        on=later(received, 9),
        until=later(received, 70),
        reason="所需信息数量较多，需要逐件检索",
    )
    return fresh(application)


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    build: Build
    citation: str  # the citation as printed ("" where the letter cites no article)
    remedies: str  # "none", "either", "either_notice", "refuse" or "partial"


CASES = [
    Case("supplement", "supplement", _supplement, f"{LAW}第三十条", "none"),
    Case("extension", "extension", _extension, f"{LAW}第三十三条第二款", "none"),
    Case("consultation-third_party", "consultation", _consultation("third_party"),
         f"{LAW}第三十二条", "none"),
    Case("consultation-agency", "consultation", _consultation("agency"),
         f"{LAW}第三十四条", "none"),
    Case("consultation-other_agency", "consultation", _consultation("other_agency"),
         f"{LAW}第三十三条第三款", "none"),
    Case("fee", "fee", _fee, f"{LAW}第四十二条第一款和{FEE_RULES}", "none"),
    Case("reasons", "reasons", _reasons, f"{LAW}第三十五条", "none"),
    Case("deferral", "deferral", _deferral, f"{LAW}第三十五条", "none"),
    Case("lapsed", "notice_lapsed", _lapsed, f"{LAW}第三十条", "either_notice"),
    Case("fee_unpaid", "notice_fee_lapsed", _fee_unpaid,
         f"{LAW}第四十二条第一款和{FEE_RULES}", "either_notice"),
] + [
    Case(
        b.code,
        b.kind,
        _reply(b.code),
        LAW + b.articles if b.articles else "",
        "partial" if b.code == "partial" else "refuse" if outcomes.BY_CODE[b.code].refuses
        else "either",
    )
    for b in BASES
    if b.kind.startswith("reply_")
]  # fmt: skip
EXPECTED_REMEDIES = {
    # (mode, letter dated after 2024-01-01) -> paragraph; None: no remedies at all
    ("none", False): None,
    ("none", True): None,
    ("either", False): EITHER,
    ("either", True): EITHER,
    ("either_notice", False): EITHER_NOTICE,
    ("either_notice", True): EITHER_NOTICE,
    ("refuse", False): EITHER,
    ("refuse", True): REVIEW_FIRST,
    ("partial", False): EITHER,
    ("partial", True): PARTIAL,
}


def test_every_letter_kind_is_in_the_cases() -> None:
    assert {case.kind for case in CASES} == set(LetterKind.values)


@pytest.mark.parametrize("received", [RECEIVED_2023, RECEIVED], ids=["2023", "2024"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_letter_cites_its_articles_and_names_its_remedies(
    department: Unit, handler: User, reviewer: User, case: Case, received: dt.date
) -> None:
    application = case.build(handler, reviewer, department, received)
    letter = letters.letter_generate(actor=handler, application=application, kind=case.kind)
    assert letter.issued_on.year == received.year
    text = letter_text(letter)
    lines = text.split("\n")
    if case.citation:
        assert f"根据{case.citation}的规定" in text
    else:
        # No article number at all: not 第三十六条第（六）项, not a bare 第三十六条.
        assert "根据《" not in text and "第三十六条" not in text
    expected = EXPECTED_REMEDIES[case.remedies, received >= dt.date(2024, 1, 1)]
    if expected is None:
        assert "行政复议" not in text and "行政诉讼" not in text
    else:
        assert expected in lines
        assert sum("行政复议" in line for line in lines) == 1


def test_a_letter_dated_after_the_revision_takes_the_new_remedies(
    department: Unit, handler: User, reviewer: User
) -> None:
    """The decision is by the letter's date: an old refusal printed again, years later, is dated
    on its reply day and reads as it did; printed with a 2024 date (which a handler may choose),
    it names review first."""
    application = _reply("secret")(handler, reviewer, department, RECEIVED_2023)
    old = letter_text(
        letters.letter_generate(actor=handler, application=application, kind="reply_refuse")
    )
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        reprinted = letters.letter_generate(
            actor=handler, application=application, kind="reply_refuse"
        )
    assert reprinted.issued_on == later(RECEIVED_2023, 16)
    assert letter_text(reprinted) == old
    new = letter_text(
        letters.letter_generate(
            actor=handler, application=application, kind="reply_refuse", on=dt.date(2024, 1, 2)
        )
    )
    assert EITHER in old.split("\n") and REVIEW_FIRST not in old
    assert REVIEW_FIRST in new.split("\n") and EITHER not in new


def test_a_withdrawn_application_has_no_letter(department: Unit, handler: User) -> None:
    application = handling(handler, department)
    services.application_withdraw(
        actor=handler, application=application, on=later(RECEIVED, 3), reason="申请人来电撤回"
    )
    for kind in sorted(letters.OUTCOME_KINDS):
        with refused(InvalidTransition, "“申请人撤回申请”，无需出具答复或告知文书"):
            letters.letter_generate(actor=handler, application=application, kind=kind)
