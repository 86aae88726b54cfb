"""How a ledger page turns a refusal into a response: AccessDenied from a selector or a service
becomes the 403 page with its Chinese sentence; other refusals are messages on the page."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from gongkai.core.errors import AccessDenied

View = TypeVar("View", bound=Callable[..., Any])


def staff_page(view: View) -> View:
    """login_required, and AccessDenied shown as the 403 page with its sentence."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except AccessDenied as err:
            raise PermissionDenied(err.message) from err

    return login_required(wrapped)  # type: ignore[return-value]
