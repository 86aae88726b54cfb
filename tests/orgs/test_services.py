"""Units, staff accounts and roles are created through gongkai.orgs.services, audited and checked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password

from gongkai.core.errors import AccessDenied, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs import permissions
from gongkai.orgs.models import Membership, Role, Unit, UnitKind, User
from gongkai.orgs.services import membership_grant, unit_create, unit_ensure, user_ensure


@contextmanager
def refused(words: str) -> Iterator[None]:
    """Expect ValidationFailed whose Chinese message (the one people read) contains ``words``."""
    with pytest.raises(ValidationFailed) as caught:
        yield
    assert words in caught.value.message


def test_office_creates_a_unit_and_it_is_audited(office: User, county: Unit) -> None:
    unit = unit_create(
        actor=office, code="TJJ", name="县统计局", kind=UnitKind.DEPARTMENT, parent=county
    )
    assert (unit.code, unit.name, unit.kind, unit.parent) == (
        "TJJ",
        "县统计局",
        "department",
        county,
    )
    entry = AuditEntry.objects.get(action="unit.create", target_id=str(unit.pk))
    assert entry.actor == office
    assert entry.unit_code == "TJJ"
    assert entry.data == {"parent": "SCX"}


def test_command_line_may_create_the_county(db: Any) -> None:
    county = unit_create(actor=None, code="SCX", name="石城县人民政府", kind=UnitKind.COUNTY)
    assert county.parent is None
    assert AuditEntry.objects.get(action="unit.create").actor is None


def test_editors_may_not_create_units(editor: User, county: Unit) -> None:
    with pytest.raises(AccessDenied):
        unit_create(actor=editor, code="TJJ", name="县统计局", kind="department", parent=county)
    assert not Unit.objects.filter(code="TJJ").exists()


@pytest.mark.parametrize("code", ["tjj", "TJ-J", "县统计局", "", "A" * 33])
def test_unit_codes_are_uppercase_ascii(county: Unit, code: str) -> None:
    with refused("单位代码"):
        unit_create(actor=None, code=code, name="县统计局", kind="department", parent=county)


@pytest.mark.parametrize(
    ("kind", "parent_fixture"),
    [
        (UnitKind.VILLAGE, "department"),
        (UnitKind.VILLAGE, "county"),
        (UnitKind.DEPARTMENT, "township"),
        (UnitKind.TOWNSHIP, None),
        (UnitKind.COUNTY, "county"),
    ],
)
def test_a_unit_sits_under_the_right_kind_of_parent(
    request: pytest.FixtureRequest, kind: str, parent_fixture: str | None, county: Unit
) -> None:
    parent = request.getfixturevalue(parent_fixture) if parent_fixture else None
    with pytest.raises(ValidationFailed):
        unit_create(actor=None, code="NEW", name="新单位", kind=kind, parent=parent)
    assert not Unit.objects.filter(code="NEW").exists()


def test_villages_sit_under_townships_and_the_community_committee(township: Unit) -> None:
    committee = unit_create(
        actor=None,
        code="CSSQ",
        name="县城市社区管委会",
        kind=UnitKind.COMMUNITY,
        parent=township.parent,
    )
    unit_create(actor=None, code="CSSQ01", name="西华社区居委会", kind="village", parent=committee)
    unit_create(actor=None, code="QJZ02", name="琴江镇大畲村", kind="village", parent=township)
    assert set(Unit.objects.filter(kind="village").values_list("parent__code", flat=True)) == {
        "CSSQ",
        "QJZ",
    }


def test_codes_and_names_are_unique(department: Unit, county: Unit) -> None:
    with refused("已被使用"):
        unit_create(actor=None, code="MZJ", name="另一个局", kind="department", parent=county)
    with refused("已有名为"):
        unit_create(actor=None, code="MZJ2", name="县民政局", kind="department", parent=county)


def test_unit_ensure_returns_an_existing_unit_unchanged(department: Unit, county: Unit) -> None:
    audits = AuditEntry.objects.count()
    unit, created = unit_ensure(
        actor=None, code="MZJ", name="改了名字", kind="department", parent=county, sort_order=9
    )
    assert (unit.pk, created, unit.name) == (department.pk, False, "县民政局")
    assert AuditEntry.objects.count() == audits
    unit, created = unit_ensure(
        actor=None, code="TJJ", name="县统计局", kind="department", parent=county
    )
    assert created and unit.code == "TJJ"


def test_user_ensure_takes_a_ready_hash(db: Any) -> None:
    hashed = make_password("gongkai-demo")
    user, created = user_ensure(
        actor=None, username="tjj_editor", full_name="县统计局信息员", password_hash=hashed
    )
    assert created
    assert user.check_password("gongkai-demo")
    assert user.full_name == "县统计局信息员"
    assert AuditEntry.objects.filter(action="user.create", target_id=str(user.pk)).exists()
    again, created = user_ensure(
        actor=None, username="tjj_editor", full_name="别的名字", password_hash=make_password("x")
    )
    assert (again.pk, created, again.full_name) == (user.pk, False, "县统计局信息员")
    assert again.check_password("gongkai-demo")


def test_user_ensure_without_password_cannot_log_in(db: Any) -> None:
    user, _created = user_ensure(actor=None, username="someone", full_name="")
    assert not user.has_usable_password()


def test_user_ensure_refuses_a_plain_password(db: Any) -> None:
    with pytest.raises(ValidationFailed):
        user_ensure(actor=None, username="someone", full_name="", password_hash="gongkai-demo")
    assert not User.objects.filter(username="someone").exists()


def test_user_ensure_needs_the_office(editor: User) -> None:
    with pytest.raises(AccessDenied):
        user_ensure(actor=editor, username="someone", full_name="")


def test_membership_grant_is_idempotent_and_refreshes_cached_roles(
    office: User, department: Unit
) -> None:
    user, _created = user_ensure(actor=office, username="mzj_editor", full_name="信息员")
    assert not permissions.has_role(user, department, [Role.EDITOR])  # caches "no roles"
    membership, created = membership_grant(
        actor=office, user=user, unit=department, role=Role.EDITOR
    )
    assert created
    assert permissions.has_role(user, department, [Role.EDITOR])
    again, created = membership_grant(actor=office, user=user, unit=department, role=Role.EDITOR)
    assert (again.pk, created) == (membership.pk, False)
    assert Membership.objects.filter(user=user).count() == 1
    assert AuditEntry.objects.filter(action="membership.grant").count() == 1


def test_village_clerks_only_in_villages_and_office_only_in_the_office(
    department: Unit, village: Unit, office_unit: Unit
) -> None:
    user, _created = user_ensure(actor=None, username="someone", full_name="")
    with refused("村务管理员"):
        membership_grant(actor=None, user=user, unit=department, role=Role.VILLAGE_CLERK)
    with refused("公开办"):
        membership_grant(actor=None, user=user, unit=village, role=Role.OFFICE)
    with pytest.raises(ValidationFailed):
        membership_grant(actor=None, user=user, unit=village, role="mayor")
    membership_grant(actor=None, user=user, unit=village, role=Role.VILLAGE_CLERK)
    membership_grant(actor=None, user=user, unit=office_unit, role=Role.OFFICE)
    assert Membership.objects.filter(user=user).count() == 2


def test_no_roles_in_an_inactive_unit(department: Unit) -> None:
    Unit.objects.filter(pk=department.pk).update(is_active=False)
    department.refresh_from_db()
    user, _created = user_ensure(actor=None, username="someone", full_name="")
    with refused("已停用"):
        membership_grant(actor=None, user=user, unit=department, role=Role.EDITOR)


def test_only_the_office_grants_roles(editor: User, department: Unit) -> None:
    with pytest.raises(AccessDenied):
        membership_grant(actor=editor, user=editor, unit=department, role=Role.REVIEWER)
