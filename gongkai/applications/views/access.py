"""Who is asking, which application they may reach, and how a refusal reaches the page.

Reads go through ``gongkai.applications.selectors`` (a unit boundary the user may not cross is a
404); writes go through the services, which check permission again and refuse with a GongkaiError:
AccessDenied becomes the 403 page with its sentence, every other refusal a message on the page the
user came from, with nothing changed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.applications import selectors
from gongkai.applications.models import Application
from gongkai.core.errors import AccessDenied


def visible_application(request: HttpRequest, pk: int) -> Application:
    try:
        return selectors.applications_visible_to(request.user).get(pk=pk)
    except Application.DoesNotExist:
        raise Http404(_("没有找到该申请。")) from None


def detail_url(application: Application) -> str:
    return reverse("applications:detail", args=[application.pk])


def denied(err: AccessDenied) -> PermissionDenied:
    return PermissionDenied(err.message)
