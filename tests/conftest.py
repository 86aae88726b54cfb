"""Shared fixtures: a small county with an office, two departments, a township and a village,
and staff in each role."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from gongkai.catalog.models import Domain
from gongkai.orgs.models import Role, Unit, UnitKind, User
from tests.factories import DomainFactory, MembershipFactory, UnitFactory, UserFactory

_STANDARD_DATA = importlib.import_module(
    "gongkai.publications.migrations.0002_standard_topics_and_columns"
)


def restore_reference_data() -> None:
    """Re-create the rows data migrations made (standard topics and columns) after a flush."""
    _STANDARD_DATA.forwards(apps, None)


@pytest.fixture
def county(db: Any) -> Unit:
    return UnitFactory(code="SCX", name="石城县人民政府", kind=UnitKind.COUNTY)


@pytest.fixture
def office_unit(county: Unit) -> Unit:
    return UnitFactory(code="GKB", name="石城县政务公开办", kind=UnitKind.OFFICE, parent=county)


@pytest.fixture
def department(county: Unit) -> Unit:
    return UnitFactory(code="MZJ", name="县民政局", kind=UnitKind.DEPARTMENT, parent=county)


@pytest.fixture
def other_department(county: Unit) -> Unit:
    return UnitFactory(code="ZJJ", name="县住建局", kind=UnitKind.DEPARTMENT, parent=county)


@pytest.fixture
def township(county: Unit) -> Unit:
    return UnitFactory(code="QJZ", name="琴江镇", kind=UnitKind.TOWNSHIP, parent=county)


@pytest.fixture
def village(township: Unit) -> Unit:
    return UnitFactory(code="QJZ01", name="琴江镇古樟村", kind=UnitKind.VILLAGE, parent=township)


def _staff(username: str, unit: Unit, role: str) -> User:
    user: User = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def editor(department: Unit) -> User:
    return _staff("mzj_editor", department, Role.EDITOR)


@pytest.fixture
def reviewer(department: Unit) -> User:
    return _staff("mzj_reviewer", department, Role.REVIEWER)


@pytest.fixture
def other_editor(other_department: Unit) -> User:
    return _staff("zjj_editor", other_department, Role.EDITOR)


@pytest.fixture
def office(office_unit: Unit) -> User:
    return _staff("office", office_unit, Role.OFFICE)


@pytest.fixture
def leader(county: Unit) -> User:
    return _staff("leader", county, Role.LEADER)


@pytest.fixture
def township_editor(township: Unit) -> User:
    return _staff("qjz_editor", township, Role.EDITOR)


@pytest.fixture
def village_clerk(village: Unit) -> User:
    return _staff("qjz01_clerk", village, Role.VILLAGE_CLERK)


@pytest.fixture
def domain(db: Any) -> Domain:
    return DomainFactory(code="social-assistance", name="社会救助", aliases=["社会救助领域"])


@pytest.fixture
def second_domain(db: Any) -> Domain:
    return DomainFactory(code="elderly-care", name="养老服务")
