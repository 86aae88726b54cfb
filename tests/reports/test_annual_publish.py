"""A final annual report closes its year and is filed in the 政府信息公开年报 column (条例第五十条):
no handling step may be dated into a closed year (ADR 0007), the county's report closes the year
for every unit, reopening opens it again, a year not yet over cannot be made final, and publishing
files the report once, with its Word file, replacing an earlier version after a correction."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from gongkai.applications import services
from gongkai.applications.models import Channel, ClosedYear
from gongkai.core import clock
from gongkai.core.errors import AccessDenied, InvalidTransition
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Role, Unit, User
from gongkai.publications.models import Publication, PublicationStatus
from gongkai.reports.annual_services import (
    annual_finalize,
    annual_publish,
    annual_reopen,
    is_published,
)
from gongkai.reports.models import AnnualReport
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
APPLICANT = {
    "applicant_type": "natural",
    "applicant_name": "王小明",
    "id_kind": "居民身份证",
    "id_number": "360735198506151233",
    "phone": "13807971234",
    "description": "某路段改造方案",
}


@pytest.fixture
def handler(department: Unit, other_department: Unit) -> User:
    user: User = UserFactory(username="annual_handler")
    MembershipFactory(user=user, unit=department, role=Role.HANDLER)
    MembershipFactory(user=user, unit=other_department, role=Role.HANDLER)
    return user


def register(handler: User, unit: Unit, received: dt.date) -> object:
    application, _code = services.application_register(
        actor=handler, unit=unit, channel=Channel.IN_PERSON, values=APPLICANT, submitted_on=received
    )
    return application


def test_a_year_not_over_cannot_be_final(department: Unit, office: User) -> None:
    this_year = clock.today().year
    with pytest.raises(InvalidTransition) as refused:
        annual_finalize(actor=office, year=this_year, unit=department)
    assert "尚未结束" in refused.value.message
    assert not ClosedYear.objects.exists()


def test_a_final_unit_report_refuses_steps_dated_into_its_year(
    department: Unit, other_department: Unit, office: User, reviewer: User, handler: User
) -> None:
    application = register(handler, department, D(2024, 12, 20))
    annual_finalize(actor=reviewer, year=2024, unit=department)
    assert ClosedYear.objects.filter(year=2024, unit=department).exists()
    with pytest.raises(InvalidTransition) as refused:
        services.application_reply(
            actor=handler, application=application, on=D(2024, 12, 30), outcome="grant"
        )
    assert "2024年政府信息公开工作年度报告已经定稿" in refused.value.message
    with pytest.raises(InvalidTransition):
        register(handler, department, D(2024, 6, 1))
    with pytest.raises(InvalidTransition):  # routing would move it out of the final report
        services.application_route(
            actor=handler, application=application, to_unit=other_department, on=D(2024, 12, 28)
        )
    # Another unit's year is still open, and the next year is open for everyone.
    register(handler, other_department, D(2024, 6, 1))
    services.application_reply(
        actor=handler, application=application, on=D(2025, 1, 6), outcome="grant"
    )
    # Reopening (office, with a reason) opens the year again.
    annual_reopen(actor=office, year=2024, unit=department, reason="补录一件申请")
    assert not ClosedYear.objects.exists()
    register(handler, department, D(2024, 6, 1))


def test_the_county_report_closes_the_year_for_every_unit(
    department: Unit, other_department: Unit, office: User, handler: User
) -> None:
    annual_finalize(actor=office, year=2024, unit=None)
    for unit in (department, other_department):
        with pytest.raises(InvalidTransition) as refused:
            register(handler, unit, D(2024, 3, 1))
        assert "全县2024年" in refused.value.message


def test_publish_files_the_final_report_once_with_its_word_file(
    county: Unit, department: Unit, office: User, reviewer: User, editor: User
) -> None:
    with pytest.raises(InvalidTransition):  # a draft is not published
        annual_publish(actor=reviewer, year=2024, unit=department)
    annual_finalize(actor=reviewer, year=2024, unit=department)
    with pytest.raises(AccessDenied):
        annual_publish(actor=editor, year=2024, unit=department)
    record = annual_publish(actor=reviewer, year=2024, unit=department)
    item = record.publication
    assert item is not None and is_published(record)
    assert item.status == PublicationStatus.PUBLISHED and item.unit == department
    assert item.column.name == "政府信息公开年报"
    assert item.title == f"{department.name}2024年政府信息公开工作年度报告"
    assert item.index_no and item.published_at is not None
    assert "三、收到和处理政府信息公开申请情况" in item.body_text
    assert "本年新收政府信息公开申请数量" in item.body_text
    attachment = item.attachments.get()
    assert attachment.kind == "docx"
    with attachment.file.open("rb") as handle:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(handle.read())).paragraphs)
    assert "一、总体情况" in text
    with pytest.raises(InvalidTransition) as twice:
        annual_publish(actor=reviewer, year=2024, unit=department)
    assert "已经发布" in twice.value.message
    assert AuditEntry.objects.filter(action="annual_report.publish").count() == 1

    # Corrected: reopened, final again, published again; the earlier version is withdrawn.
    annual_reopen(actor=office, year=2024, unit=department, reason="复议数字有误")
    assert not is_published(AnnualReport.objects.get(year=2024, unit=department))
    annual_finalize(actor=office, year=2024, unit=department)
    again = annual_publish(actor=office, year=2024, unit=department).publication
    assert again is not None and again.pk != item.pk
    item.refresh_from_db()
    assert item.status == PublicationStatus.WITHDRAWN
    assert again.index_no in item.withdrawal_reason
    assert Publication.objects.filter(status=PublicationStatus.PUBLISHED).count() == 1


def test_the_county_report_is_published_under_the_county_government(
    county: Unit, office: User
) -> None:
    annual_finalize(actor=office, year=2024, unit=None)
    item = annual_publish(actor=office, year=2024, unit=None).publication
    assert item is not None and item.unit == county
    assert item.title == f"{county.name}2024年政府信息公开工作年度报告"
