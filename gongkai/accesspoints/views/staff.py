"""The staff pages of the access-point registry, under /staff/access-points/: the list of the
places the user keeps, a form to register or change one, and closing or reopening it. Views parse
the form and call one service; the services check who may."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongkai.accesspoints import selectors, services
from gongkai.accesspoints.forms import AccessPointForm
from gongkai.orgs import permissions
from gongkai.orgs.staff_pages import attempt, refusing, staff_user

REFUSED = "只有县政务公开办或各单位信息员可以维护政府信息查阅场所。"


@login_required
@refusing
def staff_list(request: HttpRequest) -> HttpResponse:
    """The places the user keeps, closed ones too."""
    user = staff_user(request)
    if not permissions.manages_some_access_points(user):
        raise PermissionDenied(REFUSED)
    context = {
        "points": selectors.staff_points(user),
        "can_create": bool(selectors.manageable_units(user)),
        "is_office": permissions.is_office(user),
    }
    return render(request, "accesspoints/staff_list.html", context)


@login_required
@refusing
def staff_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    units = selectors.manageable_units(user)
    if not units:
        raise PermissionDenied(REFUSED)
    form = AccessPointForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        done = attempt(
            request,
            lambda: services.access_point_create(actor=user, unit=unit, values=form.values()),
        )
        if done.ok:
            messages.success(request, "已登记，门户网站的查阅点列表和公开指南同步显示。")
            return redirect("accesspoints:staff_list")
    return render(
        request, "accesspoints/staff_form.html", {"form": form, "title": "登记政府信息查阅场所"}
    )


@login_required
@refusing
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    point = selectors.point_for(user, pk)
    units = selectors.manageable_units(user)
    if point.unit not in units:
        units.append(point.unit)
    initial = {"unit": point.unit_id, **{name: getattr(point, name) for name in services.FIELDS}}
    form = AccessPointForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        done = attempt(
            request,
            lambda: services.access_point_update(
                actor=user, point=point, values=form.values(), unit=unit
            ),
        )
        if done.ok:
            messages.success(request, "已保存。")
            return redirect("accesspoints:staff_list")
    context = {"form": form, "title": f"修改：{point.name}", "point": point}
    return render(request, "accesspoints/staff_form.html", context)


@require_POST
@login_required
@refusing
def staff_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a place (``active=0``) or reopen it (``active=1``)."""
    user = staff_user(request)
    point = selectors.point_for(user, pk)
    active = request.POST.get("active") == "1"
    done = attempt(
        request,
        lambda: services.access_point_set_active(actor=user, point=point, active=active),
    )
    if done.ok:
        messages.success(request, "已恢复开放。" if active else "已停用，门户网站不再列出。")
    return redirect("accesspoints:staff_list")
