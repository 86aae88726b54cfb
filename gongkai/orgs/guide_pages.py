"""Staff pages for the units' 政府信息公开指南 (/staff/guides/): the office keeps every unit's
details and added text, a unit's editor (信息员) keeps their own (permissions.can_edit_guide_of).

The public guide (gongkai.portal.views.guide) is built from these details at request time, so a
saved change is on the site at once. Saving goes through services.unit_guide_update, which checks
permission again and writes the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.orgs import permissions, services
from gongkai.orgs.forms import UnitGuideForm
from gongkai.orgs.models import GUIDE_UNIT_KINDS, Unit, UnitKind, User
from gongkai.orgs.selectors import units_of
from gongkai.orgs.staff_pages import denied, staff_user


def _public_guide_url(unit: Unit) -> str:
    if unit.kind == UnitKind.OFFICE:
        return reverse("portal:guide")
    return reverse("portal:guide_unit", args=[unit.code])


def _editable(user: User) -> QuerySet[Unit]:
    """The units whose guide the user may edit, in the order of the tree."""
    scope = Unit.objects.active().filter(kind__in=GUIDE_UNIT_KINDS)
    if not permissions.is_office(user):
        mine = [u.pk for u in units_of(user) if permissions.can_edit_guide_of(user, u)]
        scope = scope.filter(pk__in=mine)
    return scope.order_by("sort_order", "code")


@login_required
def guide_list(request: HttpRequest) -> HttpResponse:
    """The units whose guide the user keeps, each with its public guide and its edit page."""
    user = staff_user(request)
    if not permissions.edits_some_guide(user):
        raise PermissionDenied(_("只有县政务公开办和各单位信息员可以维护政府信息公开指南。"))
    rows = [(unit, _public_guide_url(unit)) for unit in _editable(user)]
    return render(request, "staff/guide_list.html", {"rows": rows})


@login_required
def guide_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit one unit's guide details; the form shows the values as saved (GET) or as posted."""
    user = staff_user(request)
    unit = get_object_or_404(Unit.objects.active(), code=code)
    if unit.kind not in GUIDE_UNIT_KINDS:
        raise Http404(_("该单位没有单独的政府信息公开指南。"))
    if not permissions.can_edit_guide_of(user, unit):
        raise PermissionDenied(
            _("只有县政务公开办或本单位信息员可以修改本单位的政府信息公开指南。")
        )
    status = 200
    if request.method == "POST":
        form = UnitGuideForm(request.POST)
        if form.is_valid():
            try:
                services.unit_guide_update(actor=user, unit=unit, values=form.values())
            except AccessDenied as err:
                raise denied(err) from err
            except GongkaiError as err:
                form.add_error(None, err.message)
            else:
                messages.success(
                    request, _("已保存%(unit)s的政府信息公开指南信息。") % {"unit": unit.name}
                )
                return redirect("staff:guide_edit", code=unit.code)
        status = 400
    else:
        form = UnitGuideForm(initial={name: getattr(unit, name) for name in services.GUIDE_FIELDS})
    context = {
        "unit": unit,
        "form": form,
        "public_url": _public_guide_url(unit),
        "county_guide": unit.kind == UnitKind.OFFICE,
    }
    return render(request, "staff/guide_form.html", context, status=status)
