"""The columns' update classes (每日, 两周, 半年, 一年, 不要求) and how fresh each column is; the
office changes a class, leaders read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core import clock
from gongkai.monitoring import selectors, services
from gongkai.monitoring.forms import NOT_REQUIRED, UpdateClassForm
from gongkai.monitoring.freshness import CLASS_HINTS, UPDATE_CLASSES, column_freshness
from gongkai.orgs import permissions
from gongkai.orgs.staff_pages import attempt, refusing, staff_user
from gongkai.publications.models import Column


@login_required
@refusing
def column_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    selectors.require_reader(user)
    as_of = clock.today()
    classes = [
        (NOT_REQUIRED if d is None else str(d), label, CLASS_HINTS[d])
        for d, label in UPDATE_CLASSES
    ]
    standard = [(value, label) for value, label, _hint in classes]
    rows = []
    for column in column_freshness(as_of):
        value = NOT_REQUIRED if column.update_days is None else str(column.update_days)
        custom = [] if value in dict(standard) else [(value, column.update_class)]
        rows.append(
            {
                "column": column,
                "indent": "　" * column.depth,
                "value": value,
                "choices": standard + custom,
            }
        )
    context = {
        "rows": rows,
        "as_of": as_of,
        "classes": classes,
        "can_manage": permissions.can_manage_monitoring(user),
    }
    return render(request, "staff/monitoring/columns.html", context)


@login_required
@require_POST
@refusing
def column_class(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    try:
        column = selectors.column(pk)
    except Column.DoesNotExist as exc:
        raise Http404(_("没有这个栏目。")) from exc
    form = UpdateClassForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择更新要求。"))
        return redirect("monitoring:columns")
    days = form.days()
    changed = attempt(
        request,
        lambda: services.column_update_class_set(actor=user, column=column, update_days=days),
    )
    if changed.ok:
        messages.success(request, _("已更新栏目“%(name)s”的更新要求。") % {"name": column.name})
    return redirect("monitoring:columns")


urlpatterns: list[URLPattern] = [
    path("columns/", column_list, name="columns"),
    path("columns/<int:pk>/class/", column_class, name="column_class"),
]
