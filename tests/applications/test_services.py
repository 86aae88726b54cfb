"""Every path of an application, with due dates pinned across National Day 2024 and Spring
Festival 2025 (their make-up working days included), and the refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from gongkai.applications import fees, services
from gongkai.applications.models import (
    Application,
    ApplicationEvent,
    Channel,
    ConsultationKind,
    DeliveryWay,
    EventKind,
    Stage,
)
from gongkai.core.errors import AccessDenied, InvalidTransition, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Role, Unit, User
from tests.factories import MembershipFactory, UserFactory

D = dt.date
APPLICANT: dict[str, Any] = {
    "applicant_type": "natural",
    "applicant_name": "王小明",
    "id_kind": "居民身份证",
    "id_number": "360735198506151233",
    "phone": "13807971234",
    "address": "石城县琴江镇古樟村1号",
    "description": "2024年本县城乡最低生活保障资金的分配文件",
}


@pytest.fixture(autouse=True)
def _late_2025() -> Any:
    """Every test runs 'today' after the dates it records."""
    with time_machine.travel("2025-06-30 10:00 +0800", tick=False):
        yield


@pytest.fixture
def handler(department: Unit) -> User:
    user: User = UserFactory(username="mzj_handler")
    MembershipFactory(user=user, unit=department, role=Role.HANDLER)
    return user


def register(handler: User, unit: Unit, on: dt.date, **kw: Any) -> Application:
    application, _code = services.application_register(
        actor=handler,
        unit=unit,
        channel=kw.pop("channel", Channel.IN_PERSON),
        values={**APPLICANT, **kw.pop("values", {})},
        submitted_on=kw.pop("submitted_on", on),
        **kw,
    )
    return application


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # 9-29 (Sun) and 10-12 (Sat) are make-up working days; 10-1..10-7 National Day.
        (D(2024, 9, 27), D(2024, 10, 30)),
        # 1-26 (Sun) and 2-8 (Sat) make-up days; 1-28..2-4 Spring Festival.
        (D(2025, 1, 24), D(2025, 2, 27)),
        # An ordinary week: the day of receipt itself is not counted.
        (D(2024, 11, 4), D(2024, 12, 2)),
    ],
)
def test_reply_due_in_20_working_days(
    department: Unit, handler: User, received: dt.date, due: dt.date
) -> None:
    application = register(handler, department, received)
    assert application.received_on == received
    assert application.due_on == due


def test_receipt_dates_follow_article_31(department: Unit, handler: User) -> None:
    posted = register(
        handler,
        department,
        D(2024, 9, 27),
        channel=Channel.REGISTERED_POST,
        submitted_on=D(2024, 9, 25),
        signed_for_on=D(2024, 9, 27),
    )
    assert posted.received_on == D(2024, 9, 27)
    letter = register(
        handler,
        department,
        D(2024, 9, 30),
        channel=Channel.ORDINARY_POST,
        submitted_on=D(2024, 9, 26),
        confirmed_on=D(2024, 9, 30),
    )
    assert letter.received_on == D(2024, 9, 30)
    with pytest.raises(ValidationFailed):
        register(handler, department, D(2024, 9, 30), channel=Channel.FAX)
    with pytest.raises(ValidationFailed):
        register(handler, department, D(2024, 9, 30), channel=Channel.REGISTERED_POST)


def test_online_application_waits_for_confirmation(department: Unit, handler: User) -> None:
    application, code = services.application_submit_online(unit=department, values=APPLICANT)
    assert application.stage == Stage.AWAITING_RECEIPT
    assert application.received_on is None and application.due_on is None
    assert services.query_code_matches(application, code)
    assert services.query_code_matches(application, code.lower())
    assert not services.query_code_matches(application, "WRONG123")
    services.application_confirm_receipt(actor=handler, application=application, on=D(2025, 6, 30))
    application.refresh_from_db()
    assert application.received_on == D(2025, 6, 30)
    assert application.due_on is not None


def test_supplement_restarts_the_period(department: Unit, handler: User) -> None:
    application = register(handler, department, D(2024, 9, 27))
    # 7 working days of receipt ends on Saturday 10-12, a make-up working day.
    assert application.supplement_notice_due == D(2024, 10, 12)
    services.application_request_supplement(
        actor=handler,
        application=application,
        on=D(2024, 9, 30),
        deadline=D(2024, 10, 15),
        items="请写明所需文件的年份和文号",
    )
    application.refresh_from_db()
    assert application.due_on is None  # the period restarts on the supplement (条例第三十条)
    with pytest.raises(InvalidTransition):
        services.application_request_supplement(
            actor=handler,
            application=application,
            on=D(2024, 10, 8),
            deadline=D(2024, 10, 20),
            items="再补",
        )
    services.application_supplemented(actor=handler, application=application, on=D(2024, 10, 14))
    application.refresh_from_db()
    assert application.stage == Stage.HANDLING
    assert application.due_on == D(2024, 11, 11)


def test_no_supplement_in_time_lapses_as_other_handling(department: Unit, handler: User) -> None:
    application = register(handler, department, D(2024, 9, 27))
    services.application_request_supplement(
        actor=handler,
        application=application,
        on=D(2024, 9, 30),
        deadline=D(2024, 10, 15),
        items="补正",
    )
    with pytest.raises(InvalidTransition):
        services.application_lapse(actor=handler, application=application, on=D(2024, 10, 15))
    services.application_lapse(actor=handler, application=application, on=D(2024, 10, 16))
    application.refresh_from_db()
    assert application.stage == Stage.CLOSED
    assert application.outcome == "lapsed"
    services.application_archive(actor=handler, application=application, on=D(2024, 10, 17))


def test_consultation_time_is_not_counted(department: Unit, handler: User) -> None:
    application = register(handler, department, D(2024, 9, 27))
    services.application_accept(actor=handler, application=application)
    consultation = services.application_consult(
        actor=handler,
        application=application,
        kind=ConsultationKind.THIRD_PARTY,
        party="某企业",
        sent_on=D(2024, 10, 9),
        delivered_on=D(2024, 10, 9),
    )
    # 15 working days for the third party, counting Saturday 10-12 (a make-up day): 10-29.
    assert consultation.reply_due == D(2024, 10, 29)
    services.application_consultation_answered(
        actor=handler, consultation=consultation, on=D(2024, 10, 15), answer="不同意公开"
    )
    application.refresh_from_db()
    # 10-9..10-15 holds 6 working days (10-12 is a make-up Saturday): 10-30 moves to 11-07.
    assert application.due_on == D(2024, 11, 7)


def test_one_extension_of_20_days_approved_by_the_units_own_reviewer(
    department: Unit, handler: User, reviewer: User, office: User
) -> None:
    """条例第三十三条第二款: 经政府信息公开工作机构负责人同意 — the handling agency's own (第四条),
    which is its reviewer here; neither the handler nor the county office (第三条's 主管部门)."""
    application = register(handler, department, D(2024, 9, 27))
    services.application_accept(actor=handler, application=application)
    for outsider in (handler, office):
        with pytest.raises(AccessDenied):
            services.application_extend(
                actor=outsider, application=application, on=D(2024, 10, 25), reason="量大"
            )
    services.application_extend(
        actor=reviewer, application=application, on=D(2024, 10, 25), reason="量大"
    )
    application.refresh_from_db()
    assert application.due_on == D(2024, 11, 27)
    assert application.extension_approved_by == str(reviewer)
    with pytest.raises(InvalidTransition):
        services.application_extend(
            actor=reviewer, application=application, on=D(2024, 10, 28), reason="再延"
        )


def test_the_office_approves_extensions_of_the_county_governments_own(
    county: Unit, office: User
) -> None:
    application = register(office, county, D(2024, 9, 27))
    services.application_accept(actor=office, application=application)
    services.application_extend(
        actor=office, application=application, on=D(2024, 10, 25), reason="量大"
    )
    application.refresh_from_db()
    assert application.extended


def test_no_extension_after_the_due_date(department: Unit, handler: User, reviewer: User) -> None:
    application = register(handler, department, D(2024, 9, 27))
    services.application_accept(actor=handler, application=application)
    with pytest.raises(InvalidTransition):
        services.application_extend(
            actor=reviewer, application=application, on=D(2024, 10, 31), reason="晚了"
        )


def test_routing_keeps_one_application_and_its_first_receipt(
    department: Unit, other_department: Unit, handler: User, office: User
) -> None:
    """Unified intake (统一受理) passes the application on: one application, its number, query
    code and receipt date unchanged, so the reply period runs on from the first receipt."""
    application = register(handler, department, D(2024, 9, 27))
    routed = services.application_route(
        actor=office, application=application, to_unit=other_department, on=D(2024, 9, 30)
    )
    routed.refresh_from_db()
    assert routed.pk == application.pk and routed.tracking_no == application.tracking_no
    assert routed.unit == other_department and routed.account_unit == other_department
    assert routed.received_on == D(2024, 9, 27)
    assert routed.due_on == D(2024, 10, 30)
    assert routed.routings.get().from_unit == department
    with pytest.raises(AccessDenied):
        services.application_accept(actor=handler, application=routed)
    with pytest.raises(ValidationFailed):
        services.application_route(
            actor=office, application=routed, to_unit=other_department, on=D(2024, 9, 30)
        )


@pytest.mark.parametrize("outcome", ["grant", "partial", "secret", "not_held", "repeated", "other"])
def test_reply_deliver_archive(department: Unit, handler: User, outcome: str) -> None:
    application = register(handler, department, D(2024, 9, 27))
    services.application_accept(actor=handler, application=application)
    services.application_reply(
        actor=handler, application=application, on=D(2024, 10, 29), outcome=outcome, note="理由"
    )
    services.application_deliver(
        actor=handler, application=application, on=D(2024, 10, 30), way=DeliveryWay.POST
    )
    services.application_archive(actor=handler, application=application, on=D(2024, 11, 1))
    application.refresh_from_db()
    assert (application.stage, application.outcome) == (Stage.ARCHIVED, outcome)
    kinds = list(application.events.values_list("kind", flat=True))
    assert kinds == [
        EventKind.REGISTERED,
        EventKind.ACCEPTED,
        EventKind.REPLIED,
        EventKind.DELIVERED,
        EventKind.ARCHIVED,
    ]
    assert AuditEntry.objects.filter(target_id=str(application.pk)).count() == 5


def test_refusals_need_reasons_and_rules(department: Unit, handler: User) -> None:
    application = register(handler, department, D(2024, 9, 27))
    services.application_accept(actor=handler, application=application)
    with pytest.raises(ValidationFailed):
        services.application_reply(
            actor=handler, application=application, on=D(2024, 10, 8), outcome="secret"
        )
    with pytest.raises(ValidationFailed):
        services.application_reply(
            actor=handler,
            application=application,
            on=D(2024, 10, 8),
            outcome="still_unclear",
            note="x",
        )
    with pytest.raises(ValidationFailed):
        services.application_reply(
            actor=handler, application=application, on=D(2024, 10, 8), outcome="lapsed"
        )
    with pytest.raises(InvalidTransition):
        services.application_deliver(
            actor=handler, application=application, on=D(2024, 10, 8), way="post"
        )
    with pytest.raises(ValidationFailed):
        services.application_reply(
            actor=handler, application=application, on=D(2024, 9, 26), outcome="grant"
        )
    with pytest.raises(ValidationFailed):
        services.application_reply(
            actor=handler, application=application, on=D(2099, 1, 1), outcome="grant"
        )
    application.refresh_from_db()
    assert application.stage == Stage.HANDLING


def test_late_reply_is_recorded_not_refused(department: Unit, handler: User) -> None:
    application = register(handler, department, D(2024, 9, 27))
    services.application_accept(actor=handler, application=application)
    services.application_reply(
        actor=handler, application=application, on=D(2024, 11, 5), outcome="grant"
    )
    event = application.events.get(kind=EventKind.REPLIED)
    assert event.data["late"] is True


def test_fee_notice_pauses_and_unpaid_fee_closes(department: Unit, handler: User) -> None:
    application = register(handler, department, D(2024, 9, 27))
    services.application_accept(actor=handler, application=application)
    services.application_fee_notice(
        actor=handler,
        application=application,
        on=D(2024, 10, 8),
        amount=Decimal("200"),
        basis="当月第12件",
        received_on=D(2024, 10, 8),
    )
    application.refresh_from_db()
    assert application.fee_due_on == D(2024, 11, 4)
    with pytest.raises(InvalidTransition):
        services.application_fee_lapse(actor=handler, application=application, on=D(2024, 11, 4))
    services.application_fee_lapse(actor=handler, application=application, on=D(2024, 11, 5))
    application.refresh_from_db()
    assert (application.stage, application.outcome) == (Stage.CLOSED, "fee_unpaid")


def test_other_units_and_villages(
    department: Unit, other_editor: User, village: Unit, handler: User
) -> None:
    with pytest.raises(AccessDenied):
        register(other_editor, department, D(2024, 9, 27))
    with pytest.raises(ValidationFailed):
        services.application_submit_online(unit=village, values=APPLICANT)
    with pytest.raises(ValidationFailed):
        services.application_submit_online(
            unit=department, values={**APPLICANT, "phone": "", "address": ""}
        )


def test_applicant_details_are_for_the_unit_and_the_office_and_audited(
    department: Unit, handler: User, other_editor: User, office: User, leader: User
) -> None:
    application = register(handler, department, D(2024, 9, 27))
    assert (
        services.applicant_details(actor=handler, application=application)["id_number"]
        == APPLICANT["id_number"]
    )
    services.applicant_details(actor=office, application=application)
    for outsider in (other_editor, leader):
        with pytest.raises(AccessDenied):
            services.applicant_details(actor=outsider, application=application)
    views = ApplicationEvent.objects.filter(
        application=application, kind=EventKind.PERSONAL_DATA_VIEWED
    )
    assert views.count() == 2
    assert not views.filter(public=True).exists()


def test_unknown_calendar_year_leaves_the_due_date_open(department: Unit, handler: User) -> None:
    with time_machine.travel("2027-03-01 10:00 +0800", tick=False):
        application = register(handler, department, D(2027, 3, 1))
    assert application.due_on is None
    assert application.pk is not None


@pytest.mark.parametrize(
    ("requests", "fee"), [(10, 0), (11, 100), (30, 2000), (31, 2200), (40, 4000), (41, 4300)]
)
def test_per_request_fee(requests: int, fee: int) -> None:
    assert fees.per_request_fee(requests) == Decimal(fee)


@pytest.mark.parametrize(
    ("pages", "fee"), [(30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740)]
)
def test_per_page_fee(pages: int, fee: int) -> None:
    assert fees.per_page_fee(pages) == Decimal(fee)
