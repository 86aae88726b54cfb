"""How the monitoring pages refuse: a selector's or service's AccessDenied becomes the 403 page
with its Chinese sentence. Pages never decide access themselves."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from gongkai.core.errors import AccessDenied


def refusing(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn AccessDenied raised anywhere in ``view`` into PermissionDenied (403)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(*args, **kwargs)
        except AccessDenied as err:
            raise PermissionDenied(err.message) from err

    return wrapped
