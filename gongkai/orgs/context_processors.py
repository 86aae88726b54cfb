"""Template context every page needs: the county's name and which staff links to show."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from gongkai.orgs import permissions
from gongkai.orgs.models import Role

# The staff menu's two work lists, offered to the roles whose work they hold (the pages themselves
# stay open to every staff member: the menu only leaves out what would be noise for the role).
PUBLICATION_ROLES = frozenset({Role.EDITOR, Role.REVIEWER, Role.VILLAGE_CLERK})
APPLICATION_ROLES = frozenset({Role.HANDLER, Role.REVIEWER})


def staff(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    county = settings.GONGKAI_COUNTY_NAME
    if not user.is_authenticated:
        return {"county_name": county, "is_staff_member": False, "is_office": False}
    held = frozenset().union(*permissions.roles_by_unit(user).values())
    everything = permissions.reads_everything(user)
    return {
        "county_name": county,
        "is_staff_member": permissions.is_staff_member(user),
        "is_office": permissions.is_office(user),
        "menu_publications": everything or bool(held & PUBLICATION_ROLES),
        "menu_applications": everything or bool(held & APPLICATION_ROLES),
    }
