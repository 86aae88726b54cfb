"""Template context every page needs: the county's name and which staff links to show."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from gongkai.orgs import permissions


def staff(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    county = settings.GONGKAI_COUNTY_NAME
    if not user.is_authenticated:
        return {"county_name": county, "is_staff_member": False, "is_office": False}
    return {
        "county_name": county,
        "is_staff_member": permissions.is_staff_member(user),
        "is_office": permissions.is_office(user),
    }
