"""Staff pages for the public enterprises and institutions (/staff/enterprises/): the office
lists them and adds one with its sector and supervising department (services.enterprise_create).

Their editors and reviewers are then granted in the admin like any unit's staff, and publish
through the normal workflow; the supervising department's reviewers read their work
(permissions.visible_unit_ids). docs/adr/0023.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongkai.orgs import enterprises, permissions, services
from gongkai.orgs.forms import EnterpriseForm
from gongkai.orgs.staff_pages import attempt, staff_user

MANAGE_MESSAGE = "只有县政务公开办可以管理公共企事业单位。"


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    """The enterprises by sector, and the form to add one (POST adds it)."""
    user = staff_user(request)
    if not permissions.can_manage_units(user):
        raise PermissionDenied(_(MANAGE_MESSAGE))
    form = EnterpriseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            result = attempt(
                request,
                lambda: services.enterprise_create(
                    actor=user,
                    code=data["code"],
                    name=data["name"],
                    sector=data["sector"],
                    supervisor=data["supervisor"],
                    sort_order=data.get("sort_order") or 0,
                ),
            )
            if result.ok:
                messages.success(
                    request,
                    _("已新增公共企事业单位%(name)s。请在“工作人员”中为其设置信息员和审核人。")
                    % {"name": result.value.name},
                )
                return redirect("enterprises:list")
        status = 400
    context = {"groups": enterprises.enterprises_by_sector(), "form": form}
    return render(request, "staff/enterprises.html", context, status=status)
