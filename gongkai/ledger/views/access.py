"""The ledger's pages are staff pages whose selectors and services may refuse: login first, then
AccessDenied as the 403 page with its sentence (gongkai.orgs.staff_pages.refusing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required

from gongkai.orgs.staff_pages import refusing

View = TypeVar("View", bound=Callable[..., Any])


def staff_page(view: View) -> View:
    """login_required, and AccessDenied shown as the 403 page with its sentence."""
    return login_required(refusing(view))
