"""Template context for the staff navigation: which links the signed-in user may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gongkai.orgs import permissions


def staff(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"is_staff_member": False, "is_office": False}
    return {
        "is_staff_member": permissions.is_staff_member(user),
        "is_office": permissions.is_office(user),
    }
