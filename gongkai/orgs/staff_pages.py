"""What every staff page does the same way: find the signed-in staff member, and tell them why a
step was refused (the service's Chinese sentence and the problems it lists, e.g. a workbook's
cells). Views of every app use these, so refusals read alike everywhere."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from gongkai.core.errors import GongkaiError
from gongkai.orgs.models import User

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
