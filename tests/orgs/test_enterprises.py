"""Public enterprises and institutions (公共企事业单位, issue 14, docs/adr/0023): a unit kind with a
sector and a supervising county department, created by the office, publishing through the
normal workflow, read (not changed) by the supervising department's reviewer."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from gongkai.core.errors import AccessDenied, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs import enterprises, permissions, services
from gongkai.orgs.models import Role, Sector, Unit, UnitKind, User
from gongkai.publications import selectors as publication_selectors
from gongkai.publications import services as publication_services
from gongkai.publications.models import Column, PublicationStatus
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.publications.test_services import values

pytestmark = pytest.mark.django_db


@pytest.fixture
def health(county: Unit) -> Unit:
    return UnitFactory(code="WJW", name="县卫健委", kind=UnitKind.DEPARTMENT, parent=county)


@pytest.fixture
def hospital(county: Unit, health: Unit) -> Unit:
    return UnitFactory(
        code="RMYY",
        name="县人民医院",
        kind=UnitKind.ENTERPRISE,
        parent=county,
        sector=Sector.HEALTH,
        supervisor=health,
    )


def _staff(username: str, unit: Unit, role: str) -> User:
    user: User = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


# ---------------------------------------------------------------------------- the model


def test_an_enterprise_needs_sector_and_supervisor_in_the_database(
    county: Unit, health: Unit
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            code="X1", name="甲", kind=UnitKind.ENTERPRISE, parent=county, sector=Sector.HEALTH
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            code="X2", name="乙", kind=UnitKind.ENTERPRISE, parent=county, supervisor=health
        )


def test_other_kinds_have_neither_sector_nor_supervisor(county: Unit, health: Unit) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            code="X3", name="丙", kind=UnitKind.DEPARTMENT, parent=county, sector=Sector.WATER
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            code="X4", name="丁", kind=UnitKind.TOWNSHIP, parent=county, supervisor=health
        )


def test_clean_says_what_is_missing_and_wants_a_department(county: Unit, township: Unit) -> None:
    unit = Unit(code="X5", name="戊", kind=UnitKind.ENTERPRISE, parent=county)
    with pytest.raises(ValidationError) as missing:
        unit.clean()
    assert set(missing.value.message_dict) == {"sector", "supervisor"}
    unit.sector, unit.supervisor = Sector.GAS, township
    with pytest.raises(ValidationError) as wrong:
        unit.clean()
    assert wrong.value.message_dict["supervisor"] == ["行业主管部门应为县直部门。"]
    department = Unit(code="X6", name="己", kind=UnitKind.DEPARTMENT, sector=Sector.GAS)
    with pytest.raises(ValidationError) as extra:
        department.clean()
    assert set(extra.value.message_dict) == {"sector"}


# ---------------------------------------------------------------------------- the service


def test_office_creates_an_enterprise_under_the_county_with_audit(
    county: Unit, health: Unit, office: User
) -> None:
    unit = services.enterprise_create(
        actor=office, code="RMYY", name="县人民医院", sector=Sector.HEALTH, supervisor=health
    )
    assert (unit.kind, unit.parent, unit.supervisor, unit.sector) == (
        UnitKind.ENTERPRISE,
        county,
        health,
        Sector.HEALTH,
    )
    entry = AuditEntry.objects.get(action="unit.create", unit_code="RMYY")
    assert entry.data == {"parent": "SCX", "sector": "health", "supervisor": "WJW"}
    assert list(enterprises.supervised_by(health)) == [unit]


def test_only_the_office_creates_enterprises(county: Unit, health: Unit, editor: User) -> None:
    with pytest.raises(AccessDenied):
        services.enterprise_create(
            actor=editor, code="RMYY", name="县人民医院", sector=Sector.HEALTH, supervisor=health
        )
    assert not Unit.objects.filter(code="RMYY").exists()


def test_the_supervisor_must_be_a_department_and_the_sector_known(
    county: Unit, township: Unit, health: Unit
) -> None:
    with pytest.raises(ValidationFailed) as bad_supervisor:
        services.enterprise_create(
            actor=None, code="RQGS", name="县燃气公司", sector=Sector.GAS, supervisor=township
        )
    assert "行业主管部门" in bad_supervisor.value.message
    with pytest.raises(ValidationFailed) as bad_sector:
        services.enterprise_create(
            actor=None, code="RQGS", name="县燃气公司", sector="mining", supervisor=health
        )
    assert "行业领域" in bad_sector.value.message
    with pytest.raises(ValidationFailed) as not_enterprise:
        services.unit_create(
            actor=None,
            code="SLJ",
            name="县水利局",
            kind=UnitKind.DEPARTMENT,
            parent=county,
            sector=Sector.WATER,
        )
    assert "只有公共企事业单位" in not_enterprise.value.message
    assert not Unit.objects.filter(code__in=["RQGS", "SLJ"]).exists()


# ---------------------------------------------------------------------------- the workflow


@time_machine.travel("2026-05-12 10:00 +0800", tick=False)
def test_an_enterprise_publishes_through_the_normal_workflow(hospital: Unit) -> None:
    writer = _staff("rmyy_editor", hospital, Role.EDITOR)
    signer = _staff("rmyy_reviewer", hospital, Role.REVIEWER)
    column = Column.objects.get(code="enterprises")
    item = publication_services.publication_create(
        actor=writer,
        unit=hospital,
        values=values(title="县人民医院医疗服务价格公示", doc_number="", column=column),
    )
    publication_services.publication_submit(actor=writer, publication=item)
    item = publication_services.publication_approve(actor=signer, publication=item)
    assert item.status == PublicationStatus.PUBLISHED
    assert item.index_no.startswith("RMYY-")
    assert item.published_at.date() == dt.date(2026, 5, 12)


def test_the_supervising_reviewer_reads_but_does_not_change(
    hospital: Unit, health: Unit, other_department: Unit
) -> None:
    writer = _staff("rmyy_editor", hospital, Role.EDITOR)
    item = publication_services.publication_create(
        actor=writer, unit=hospital, values=values(title="县人民医院便民服务承诺")
    )
    supervisor_reviewer = _staff("wjw_reviewer", health, Role.REVIEWER)
    supervisor_editor = _staff("wjw_editor", health, Role.EDITOR)
    stranger = _staff("zjj_reviewer", other_department, Role.REVIEWER)

    assert permissions.can_view_unit(supervisor_reviewer, hospital)
    assert item in publication_selectors.publications_visible_to(supervisor_reviewer)
    assert not permissions.can_draft_publication_of(supervisor_reviewer, hospital)
    assert not permissions.can_approve_publication_of(supervisor_reviewer, hospital)
    publication_services.publication_submit(actor=writer, publication=item)
    with pytest.raises(AccessDenied):
        publication_services.publication_approve(actor=supervisor_reviewer, publication=item)
    for outsider in (supervisor_editor, stranger):
        assert not permissions.can_view_unit(outsider, hospital)
        assert item not in publication_selectors.publications_visible_to(outsider)


# ---------------------------------------------------------------------------- the staff page


def test_office_page_lists_and_adds_enterprises(
    client: Client, office: User, hospital: Unit, health: Unit
) -> None:
    client.force_login(office)
    url = reverse("enterprises:list")
    page = client.get(url)
    assert page.status_code == 200
    assert "县人民医院" in page.content.decode()
    posted = client.post(
        url,
        {"code": "zyy", "name": "县中医院", "sector": Sector.HEALTH, "supervisor": health.pk},
    )
    assert posted.status_code == 302
    added = Unit.objects.get(code="ZYY")
    assert (added.kind, added.supervisor, added.sector) == (
        UnitKind.ENTERPRISE,
        health,
        Sector.HEALTH,
    )


def test_office_page_refuses_a_taken_code_and_other_staff(
    client: Client, office: User, editor: User, hospital: Unit, health: Unit
) -> None:
    client.force_login(office)
    taken = client.post(
        reverse("enterprises:list"),
        {"code": "RMYY", "name": "另一医院", "sector": Sector.HEALTH, "supervisor": health.pk},
    )
    assert taken.status_code == 400
    assert "已被使用" in taken.content.decode()
    client.force_login(editor)
    assert client.get(reverse("enterprises:list")).status_code == 403
