"""Issue 7's rules of the 条例 and 国办函〔2020〕109号, one test each, quoting the rule.

Dates are in November–December 2024, weeks without holidays, so each expected date can be checked
on a wall calendar: working days Monday to Friday, the start day never counted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from gongkai.applications import outcomes, selectors, services
from gongkai.applications.models import Application, Channel, ConsultationKind, EventKind, Stage
from gongkai.core.errors import GongkaiError, InvalidTransition, ValidationFailed
from gongkai.orgs.models import Role, Unit, User
from tests.applications.test_services import APPLICANT
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
RECEIVED = D(2024, 11, 4)  # a Monday; 20 working days later is Monday 2024-12-02


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel("2025-06-30 10:00 +0800", tick=False):
        yield


@pytest.fixture
def handler(department: Unit) -> User:
    user: User = UserFactory(username="mzj_handler", full_name="李明")
    MembershipFactory(user=user, unit=department, role=Role.HANDLER)
    return user


def handling(handler: User, unit: Unit, received: dt.date = RECEIVED, **kw: Any) -> Application:
    application, _code = services.application_register(
        actor=handler,
        unit=unit,
        channel=kw.pop("channel", Channel.IN_PERSON),
        values=APPLICANT,
        submitted_on=received,
        **kw,
    )
    services.application_accept(actor=handler, application=application, on=received)
    application.refresh_from_db()
    assert application.due_on == D(2024, 12, 2) or received != RECEIVED
    return application


@contextlib.contextmanager
def refused(kind: type[GongkaiError], words: str) -> Iterator[None]:
    """The step is refused with a Chinese message containing ``words``."""
    with pytest.raises(kind) as caught:
        yield
    assert words in caught.value.message, caught.value.message


def fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


# ------------------------------------------------------------------------------ outcomes (item 2)

BASES = {
    # REFERENCE.md, "Bases of the 不予处理 rows. Others: …"
    "grant": "第三十六条第（二）项",
    "published": "第三十六条第（一）项",
    "secret": "第十四条、第三十六条第（三）项",
    "third_party": "第十五条、第三十二条、第三十六条第（三）项",
    "internal": "第十六条第一款、第三十六条第（三）项",
    "process": "第十六条第二款、第三十六条第（三）项",
    "enforcement": "第十六条第二款、第三十六条第（三）项",
    "query_matter": "第三十六条第（七）项",
    "not_held": "第三十六条第（四）项",
    "not_responsible": "第三十六条第（五）项",
    "needs_making": "第三十八条",
    "still_unclear": "第三十条",
    "petition": "第三十九条第一款",
    "repeated": "第三十六条第（六）项",
    "publication": "第三十九条第二款",
    "excessive": "第三十五条",
    "confirm": "",  # not a request to obtain government information: no article
    "lapsed": "第三十条",
    "fee_unpaid": "第四十二条第一款",
}


@pytest.mark.parametrize(("code", "basis"), BASES.items())
def test_each_outcome_rests_on_its_article(code: str, basis: str) -> None:
    assert outcomes.BY_CODE[code].basis == basis
    assert "第三十六条第（六）项" not in outcomes.BY_CODE["confirm"].basis


def test_outcomes_sharing_a_row_are_counted_in_it() -> None:
    assert outcomes.BY_CODE["published"].row == "予以公开"
    assert outcomes.BY_CODE["not_responsible"].row == "本机关不掌握相关政府信息"
    assert outcomes.BY_CODE["withdrawn"].row == "其他"
    assert len(outcomes.ROWS) == 2 + 8 + 3 + 5 + 3


def test_published_and_publication_replies_say_where(department: Unit, handler: User) -> None:
    """第三十六条第（一）项 告知申请人获取该政府信息的方式、途径; 第三十九条第二款 可以告知获取的途径."""
    application = handling(handler, department)
    for code in ("published", "publication"):
        with refused(ValidationFailed, "获取该信息的方式和途径"):
            services.application_reply(
                actor=handler, application=application, on=D(2024, 11, 20), outcome=code
            )


def test_not_responsible_names_the_agency_and_its_contact(department: Unit, handler: User) -> None:
    """第三十六条第（五）项: 能够确定负责公开该政府信息的行政机关的，告知申请人该行政机关的名称、
    联系方式."""
    application = handling(handler, department)
    with refused(ValidationFailed, "联系方式"):
        services.application_reply(
            actor=handler,
            application=application,
            on=D(2024, 11, 20),
            outcome="not_responsible",
            responsible_agency="县自然资源局",
        )
    services.application_reply(
        actor=handler,
        application=application,
        on=D(2024, 11, 20),
        outcome="not_responsible",
        responsible_agency="县自然资源局",
        responsible_contact="0797-5701111",
    )
    application = fresh(application)
    assert (application.responsible_agency, application.responsible_contact) == (
        "县自然资源局",
        "0797-5701111",
    )


# ------------------------------------------------------------------------------ receipt (item 3)


def test_third_party_period_runs_from_its_receipt(department: Unit, handler: User) -> None:
    """第三十二条: 第三方应当自收到征求意见书之日起15个工作日内提出意见."""
    application = handling(handler, department)
    consultation = services.application_consult(
        actor=handler,
        application=application,
        kind=ConsultationKind.THIRD_PARTY,
        party="某商贸有限公司",
        sent_on=D(2024, 11, 6),
    )
    assert consultation.reply_due is None
    assert fresh(application).due_on is None  # paused, end unknown: never guessed
    services.application_consultation_delivered(
        actor=handler, consultation=consultation, on=D(2024, 11, 8)
    )
    consultation.refresh_from_db()
    assert consultation.reply_due == D(2024, 11, 29)  # 15 working days after Friday 11-08
    services.application_consultation_answered(
        actor=handler, consultation=consultation, on=D(2024, 11, 20), answer="不同意公开"
    )
    # 11-06..11-20 holds 11 working days, all inside the running period: 12-02 → 12-17.
    assert fresh(application).due_on == D(2024, 12, 17)


def test_joint_agency_silence_is_consent_and_the_pause_ends_at_its_deadline(
    department: Unit, handler: User
) -> None:
    """第三十四条: 被征求意见机关应当自收到征求意见书之日起15个工作日内提出意见，逾期未提出意见的
    视为同意公开."""
    application = handling(handler, department)
    consultation = services.application_consult(
        actor=handler,
        application=application,
        kind=ConsultationKind.AGENCY,
        party="县财政局",
        sent_on=D(2024, 11, 6),
        delivered_on=D(2024, 11, 6),
    )
    assert consultation.reply_due == D(2024, 11, 27)
    services.application_consultation_answered(
        actor=handler, consultation=consultation, on=D(2024, 12, 2)
    )
    consultation.refresh_from_db()
    assert consultation.answer == "逾期未提出意见，视为同意公开（条例第三十四条）"
    # The pause is 11-06..11-27 (16 working days), not up to the late answer: 12-02 → 12-24.
    assert fresh(application).due_on == D(2024, 12, 24)


def test_other_agencies_pause_the_clock_without_the_15_day_rule(
    department: Unit, handler: User
) -> None:
    """第三十三条第三款: 征求第三方和其他机关意见所需时间不计算在前款规定的期限内 — only jointly
    made information has 第三十四条's 15 days and deemed consent."""
    application = handling(handler, department)
    consultation = services.application_consult(
        actor=handler,
        application=application,
        kind=ConsultationKind.OTHER_AGENCY,
        party="县公安局",
        sent_on=D(2024, 11, 6),
        delivered_on=D(2024, 11, 6),
    )
    assert consultation.reply_due is None
    assert fresh(application).due_on is None
    services.application_consultation_answered(
        actor=handler, consultation=consultation, on=D(2024, 11, 20), answer="同意"
    )
    assert fresh(application).due_on == D(2024, 12, 17)


def test_fee_is_payable_20_working_days_from_the_day_after_receipt(
    department: Unit, handler: User
) -> None:
    """国办函〔2020〕109号: 申请人应当自收到收费通知次日起20个工作日内缴纳费用; 自发出收费通知之日
    起至申请人缴纳费用之日止的期间，不计算在答复期限内."""
    application = handling(handler, department)
    services.application_fee_notice(
        actor=handler,
        application=application,
        on=D(2024, 11, 6),
        amount=Decimal("100"),
        basis="本月第11件申请",
    )
    application = fresh(application)
    assert (application.fee_due_on, application.due_on) == (None, None)
    services.application_fee_received(actor=handler, application=application, on=D(2024, 11, 11))
    application = fresh(application)
    assert application.fee_due_on == D(2024, 12, 9)
    with refused(InvalidTransition, "缴费期限已于2024-12-09届满"):
        services.application_fee_paid(actor=handler, application=application, on=D(2024, 12, 10))
    services.application_fee_paid(actor=handler, application=application, on=D(2024, 12, 9))
    # One working day (11-05) ran before the pause 11-06..12-09; the other 19 run from 12-10,
    # past New Year's Day 2025-01-01: 2025-01-06.
    assert fresh(application).due_on == D(2025, 1, 6)


def test_fee_notice_is_sent_within_the_reply_period(department: Unit, handler: User) -> None:
    application = handling(handler, department)
    with refused(InvalidTransition, "收费通知应在答复期限内发出"):
        services.application_fee_notice(
            actor=handler,
            application=application,
            on=D(2024, 12, 3),
            amount=Decimal("100"),
            basis="本月第11件申请",
        )
    assert fresh(application).stage == Stage.HANDLING


# ------------------------------------------------------------------------------ steps (item 6)


def test_withdrawal_is_counted_under_other(department: Unit, handler: User) -> None:
    application = handling(handler, department)
    with pytest.raises(ValidationFailed):
        services.application_withdraw(
            actor=handler, application=application, on=D(2024, 11, 8), reason=" "
        )
    services.application_withdraw(
        actor=handler,
        application=application,
        on=D(2024, 11, 8),
        reason="申请人来电撤回，已自行获取",
    )
    application = fresh(application)
    assert (application.stage, application.outcome) == (Stage.CLOSED, "withdrawn")
    assert application.outcome_note == "申请人来电撤回，已自行获取"
    numbers = selectors.report_numbers(selectors.annual_report_table(2024))
    assert numbers["其他"]["自然人"] == 1
    assert numbers["总计"]["总计"] == 1
    with pytest.raises(InvalidTransition):
        services.application_withdraw(
            actor=handler, application=application, on=D(2024, 11, 9), reason="再撤"
        )


def test_article_35_longer_period_is_not_overdue(department: Unit, handler: User) -> None:
    """第三十五条: 申请人申请公开政府信息的数量、频次明显超过合理范围，行政机关可以要求申请人说明
    理由 … 申请理由合理，但是无法在本条例第三十三条规定的期限内答复申请人的，可以确定延迟答复的
    合理期限并告知申请人."""
    application = handling(handler, department)
    with refused(InvalidTransition, "应先要求申请人说明理由"):
        services.application_defer(
            actor=handler, application=application, on=D(2024, 11, 6), until=D(2025, 1, 15),
            reason="涉及十年档案",
        )  # fmt: skip
    services.application_request_reasons(
        actor=handler, application=application, on=D(2024, 11, 5), note="本月已提出60件申请"
    )
    with refused(ValidationFailed, "应晚于现有答复期限"):
        services.application_defer(
            actor=handler, application=application, on=D(2024, 11, 6), until=D(2024, 12, 2),
            reason="涉及十年档案",
        )  # fmt: skip
    services.application_defer(
        actor=handler,
        application=application,
        on=D(2024, 11, 6),
        until=D(2025, 1, 15),
        reason="涉及十年档案",
    )
    application = fresh(application)
    assert application.due_on == D(2025, 1, 15)
    scope = selectors.county_applications()
    assert not selectors.overdue(scope, on=D(2024, 12, 20)).exists()
    with refused(InvalidTransition, "无需再延期"):
        services.application_extend(
            actor=None, application=application, on=D(2024, 11, 7), reason="量大", approved_by="张"
        )
    assert list(selectors.overdue(scope, on=D(2025, 1, 16))) == [application]


def test_oral_applications_are_written_down_by_the_office(department: Unit, handler: User) -> None:
    """第二十九条第一款: 采用书面形式确有困难的，申请人可以口头提出，由受理该申请的政府信息公开
    工作机构代为填写政府信息公开申请."""
    application = handling(handler, department, channel=Channel.ORAL)
    assert application.received_on == RECEIVED
    assert application.transcribed_by == "李明"
    event = application.events.get(kind=EventKind.REGISTERED)
    assert "由李明代为填写" in event.note
    with refused(ValidationFailed, "代为填写"):
        services.application_register(
            actor=None, unit=department, channel=Channel.ORAL, values=APPLICANT,
            submitted_on=RECEIVED,
        )  # fmt: skip


def test_online_applications_awaiting_receipt_are_reminded(department: Unit) -> None:
    with time_machine.travel("2024-11-04 10:00 +0800", tick=False):
        application, _code = services.application_submit_online(unit=department, values=APPLICANT)
    found = selectors.reminders(selectors.county_applications(), on=D(2024, 11, 8), days=5)
    waiting = [r for r in found if r.application == application]
    assert [(r.what, r.due, r.days_left) for r in waiting] == [
        ("确认收到网上申请（提交于该日）", D(2024, 11, 4), -4)
    ]
