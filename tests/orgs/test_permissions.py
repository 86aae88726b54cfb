"""The unit boundary, decided in gongkai.orgs.permissions and nowhere else."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, User


def test_staff_see_their_own_unit_only(
    department: Unit, other_department: Unit, editor: User
) -> None:
    assert permissions.can_view_unit(editor, department)
    assert not permissions.can_view_unit(editor, other_department)


def test_office_and_leader_read_everything(department: Unit, office: User, leader: User) -> None:
    assert permissions.visible_unit_ids(office) is None
    assert permissions.visible_unit_ids(leader) is None
    assert permissions.can_review_catalogs(office)
    assert not permissions.can_review_catalogs(leader)
    assert not permissions.can_edit_catalog_of(leader, department)


def test_township_reads_its_villages_but_cannot_edit_them(
    township: Unit, village: Unit, township_editor: User, village_clerk: User
) -> None:
    assert permissions.can_view_unit(township_editor, village)
    assert not permissions.can_edit_catalog_of(township_editor, village)
    assert permissions.can_edit_catalog_of(village_clerk, village)
    assert not permissions.can_view_unit(village_clerk, township)


def test_anonymous_sees_nothing_internal(department: Unit) -> None:
    anonymous = AnonymousUser()
    assert permissions.visible_unit_ids(anonymous) == set()
    assert not permissions.can_edit_catalog_of(anonymous, department)
    assert not permissions.is_office(anonymous)
