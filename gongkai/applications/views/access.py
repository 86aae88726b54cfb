"""Who is asking, which application they may reach, and how a refusal reaches the page.

Reads go through ``gongkai.applications.selectors`` (a unit boundary the user may not cross is a
404); writes go through the services, which check permission again and refuse with a GongkaiError:
AccessDenied becomes the 403 page with its sentence, every other refusal a message on the page the
user came from, with nothing changed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.applications import selectors
from gongkai.applications.models import Application
from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.orgs.models import User

MAX_FLASHED_PROBLEMS = 20


def staff_user(request: HttpRequest) -> User:
    """The signed-in staff user; every staff view is behind login_required."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied(_("请先登录。"))
    return user


def visible_application(request: HttpRequest, pk: int) -> Application:
    try:
        return selectors.applications_visible_to(request.user).get(pk=pk)
    except Application.DoesNotExist:
        raise Http404(_("没有找到该申请。")) from None


def detail_url(application: Application) -> str:
    return reverse("applications:detail", args=[application.pk])


def denied(err: AccessDenied) -> PermissionDenied:
    return PermissionDenied(err.message)


def flash_error(request: HttpRequest, err: GongkaiError) -> None:
    """Say why a step was refused, with the problems it lists (a workbook's cells)."""
    problems = [str(p) for p in getattr(err, "problems", [])]
    messages.error(request, err.message)
    for problem in problems[:MAX_FLASHED_PROBLEMS]:
        messages.warning(request, problem)
    if len(problems) > MAX_FLASHED_PROBLEMS:
        messages.warning(
            request,
            _("另有%(count)d个问题未列出。") % {"count": len(problems) - MAX_FLASHED_PROBLEMS},
        )


def flash_form_errors(request: HttpRequest, form: Any) -> None:
    """A step's form is invalid: say which field, back on the application's page."""
    for name, errors in form.errors.as_data().items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            for message in error.messages:
                messages.error(request, f"{label}：{message}" if label else message)
