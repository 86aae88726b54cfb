"""What every assessment page does the same way: turn a service's refusal into the 403 page, and
find the signed-in reader of the scores."""

from __future__ import annotations

from django.http import HttpRequest

from gongkai.assessment import selectors
from gongkai.core.errors import AccessDenied
from gongkai.orgs.models import User
from gongkai.orgs.staff_pages import denied, staff_user


def reader(request: HttpRequest) -> User:
    """The signed-in user, if they may read scores and the dashboard (office and leaders)."""
    user = staff_user(request)
    try:
        selectors.require_reader(user)
    except AccessDenied as err:
        raise denied(err) from err
    return user
