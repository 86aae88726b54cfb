"""New-media accounts: the list (the office and leaders see all, a unit's staff their own), the
office's form to register or change one, an account's page where its owner unit records posts,
and the import of posting records from an .xlsx or .csv file (all or nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core import clock
from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.monitoring import new_media, selectors, services
from gongkai.monitoring.forms import AccountForm, PostForm, PostsImportForm
from gongkai.monitoring.models import NewMediaAccount, NewMediaPost
from gongkai.orgs import permissions
from gongkai.orgs.staff_pages import refusing, staff_user

WEEKS_SHOWN = 8
POSTS_SHOWN = 100


def _account(user: Any, pk: int) -> NewMediaAccount:
    try:
        return selectors.account_for(user, pk)
    except NewMediaAccount.DoesNotExist as exc:
        raise Http404(_("没有这个账号。")) from exc


@login_required
@refusing
def account_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    accounts = selectors.accounts_for(user)
    as_of = clock.today()
    statuses = {s.account.pk: s for s in new_media.account_statuses(as_of, accounts=accounts)}
    rows = [{"account": a, "status": statuses.get(a.pk)} for a in accounts]
    week = new_media.last_complete_week(as_of)
    context = {
        "rows": rows,
        "as_of": as_of,
        "week_start": week,
        "week_end": week + dt.timedelta(days=6),
        "can_manage": permissions.can_manage_monitoring(user),
    }
    return render(request, "staff/monitoring/accounts.html", context)


def _account_form_page(
    request: HttpRequest, form: AccountForm, account: NewMediaAccount | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "staff/monitoring/account_form.html",
        {"form": form, "account": account},
        status=status,
    )


@login_required
@refusing
def account_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if not permissions.can_manage_monitoring(user):
        raise AccessDenied(services.OFFICE_ONLY)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_create(actor=user, values=form.cleaned_data)
        except AccessDenied:
            raise
        except GongkaiError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("已登记账号“%(name)s”。") % {"name": account.name})
            return redirect("monitoring:account", pk=account.pk)
    return _account_form_page(request, form, None, 400 if form.errors else 200)


@login_required
@refusing
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    account = _account(user, pk)
    if not permissions.can_manage_monitoring(user):
        raise AccessDenied(services.OFFICE_ONLY)
    form = AccountForm(request.POST or None, instance=selectors.account_for(user, pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(actor=user, account=account, values=form.cleaned_data)
        except AccessDenied:
            raise
        except GongkaiError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("monitoring:account", pk=account.pk)
    return _account_form_page(request, form, account, 400 if form.errors else 200)


@login_required
@refusing
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An account's weeks and posts; its owner unit (or the office) records a post here."""
    user = staff_user(request)
    account = _account(user, pk)
    can_record = permissions.can_record_new_media_posts_of(user, account.unit)
    form = PostForm(request.POST or None)
    if request.method == "POST":
        if not can_record:
            raise AccessDenied(_("只有账号的开办单位或县政务公开办可以录入发布记录。"))
        if form.is_valid():
            try:
                services.post_record(
                    actor=user,
                    account=account,
                    published_on=form.cleaned_data["published_on"],
                    title=form.cleaned_data["title"],
                    url=form.cleaned_data["url"] or "",
                )
            except AccessDenied:
                raise
            except GongkaiError as err:
                form.add_error(None, err.message)
            else:
                messages.success(request, _("已录入。"))
                return redirect("monitoring:account", pk=account.pk)
    as_of = clock.today()
    last = new_media.last_complete_week(as_of)
    mondays = [last - dt.timedelta(days=7 * n) for n in range(WEEKS_SHOWN - 1, -1, -1)]
    statuses = new_media.account_statuses(
        as_of, weeks=mondays, accounts=NewMediaAccount.objects.filter(pk=account.pk)
    )
    status = statuses[0] if statuses else None
    weeks = (
        [
            {
                "start": monday,
                "end": monday + dt.timedelta(days=6),
                "posts": n,
                "flagged": n < account.required_per_week,
            }
            for monday, n in reversed(list(status.week_counts.items()))
        ]
        if status
        else []
    )
    context = {
        "account": account,
        "status": status,
        "weeks": weeks,
        "posts": list(selectors.posts_of(account)[:POSTS_SHOWN]),
        "form": form,
        "can_record": can_record,
        "can_manage": permissions.can_manage_monitoring(user),
    }
    return render(
        request,
        "staff/monitoring/account_detail.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@refusing
def post_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    try:
        post = selectors.post_for(user, pk)
    except NewMediaPost.DoesNotExist as exc:
        raise Http404(_("没有这条发布记录。")) from exc
    account_pk = post.account_id
    services.post_remove(actor=user, post=post)
    messages.success(request, _("已删除这条发布记录。"))
    return redirect("monitoring:account", pk=account_pk)


@login_required
@refusing
def posts_import(request: HttpRequest) -> HttpResponse:
    """Import posting records; rows for accounts the user may not record refuse the file."""
    user = staff_user(request)
    selectors.accounts_for(user)  # a user with no unit is refused here
    form = PostsImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            summary = services.posts_import(actor=user, data=form.cleaned_data["file"].read())
        except AccessDenied:
            raise
        except GongkaiError as err:
            form.add_error(None, err.message)
            problems = list(getattr(err, "problems", []))
        else:
            messages.success(
                request,
                _(
                    "已导入%(created)d条发布记录（%(accounts)d个账号）；已录入过或重复的%(skipped)d条未重复导入。"
                )
                % {
                    "created": summary.created,
                    "accounts": summary.accounts,
                    "skipped": summary.skipped,
                },
            )
            return redirect("monitoring:accounts")
    return render(
        request,
        "staff/monitoring/posts_import.html",
        {"form": form, "problems": problems},
        status=400 if form.errors else 200,
    )


urlpatterns: list[URLPattern] = [
    path("accounts/", account_list, name="accounts"),
    path("accounts/new/", account_create, name="account_create"),
    path("accounts/import/", posts_import, name="posts_import"),
    path("accounts/<int:pk>/", account_detail, name="account"),
    path("accounts/<int:pk>/edit/", account_edit, name="account_edit"),
    path("posts/<int:pk>/remove/", post_remove, name="post_remove"),
]
