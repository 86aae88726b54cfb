"""What every staff page does the same way: find the signed-in staff member, run a service step
and tell them why it was refused (the service's Chinese sentence and the problems it lists, e.g. a
workbook's cells). Views of every app use these, so refusals read alike everywhere."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeAlias, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.orgs.models import User

T = TypeVar("T")

# A refusal can list hundreds of problems (an incomplete catalog); the messages stop here.
MAX_FLASHED_PROBLEMS = 20


def staff_user(request: HttpRequest) -> User:
    """The signed-in staff user; every staff view is behind login_required."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied(_("请先登录。"))
    return user


def flash_error(request: HttpRequest, err: GongkaiError, *, more: str = "") -> None:
    """Say why a step was refused, with the problems it lists; ``more`` says where the rest of a
    long list can be read."""
    problems = [str(p) for p in getattr(err, "problems", [])]
    messages.error(request, err.message)
    for problem in problems[:MAX_FLASHED_PROBLEMS]:
        messages.warning(request, problem)
    if len(problems) > MAX_FLASHED_PROBLEMS:
        rest = _("另有%(count)d个问题未列出。") % {"count": len(problems) - MAX_FLASHED_PROBLEMS}
        messages.warning(request, f"{rest}{more}")


def flash_form_errors(request: HttpRequest, form: Any) -> None:
    """A form posted from a detail page is invalid: say which field, back on that page."""
    for name, errors in form.errors.as_data().items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            for message in error.messages:
                messages.error(request, f"{label}：{message}" if label else message)


@dataclass(frozen=True)
class Done(Generic[T]):
    """The step went through; ``value`` is what the service returned."""

    value: T
    ok: Literal[True] = True


@dataclass(frozen=True)
class Refused:
    """The step was refused and the page has already said why."""

    ok: Literal[False] = False


Attempt: TypeAlias = Done[T] | Refused


def attempt(request: HttpRequest, step: Callable[[], T]) -> Attempt[T]:
    """Run one service step for a page: AccessDenied becomes the 403 page with its Chinese
    sentence (PermissionDenied), any other refusal (GongkaiError) is flashed with flash_error and
    reported as not ok, so every page refuses alike. ``if result.ok:`` then gives ``result.value``.
    """
    try:
        value = step()
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
        return Refused()
    return Done(value)


def denied(err: AccessDenied) -> PermissionDenied:
    """A refusal of the access rules as the 403 page, with its Chinese sentence."""
    return PermissionDenied(err.message)


View = TypeVar("View", bound=Callable[..., Any])


def refusing(view: View) -> View:
    """A page whose selectors and services may refuse: AccessDenied raised anywhere in it becomes
    the 403 page with its sentence, so the page never decides access itself."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except AccessDenied as err:
            raise denied(err) from err

    return wrapped  # type: ignore[return-value]
