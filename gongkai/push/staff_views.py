"""Staff pages of 政策找人: an item's audience tags (its unit's editors and reviewers) and the
office's overview (counts only: subscribers' addresses are not listed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongkai.orgs import permissions
from gongkai.orgs.models import User
from gongkai.orgs.staff_pages import attempt, staff_user
from gongkai.publications import selectors as publication_selectors
from gongkai.push import selectors, services
from gongkai.push.forms import AudienceTagForm, EndForEmailForm, TagsForm
from gongkai.push.models import AudienceTag


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publication_tags(request: HttpRequest, pk: int) -> HttpResponse:
    """Set who an item concerns (服务对象); reached from the item's staff page."""
    user = staff_user(request)
    publication = get_object_or_404(publication_selectors.publications_visible_to(user), pk=pk)
    if not services.can_tag(user, publication):
        raise PermissionDenied(_("只有本单位的编辑或审核人可以设置本单位信息的服务对象。"))
    current = selectors.tags_of(publication)
    if request.method == "POST":
        form = TagsForm(request.POST, current=current)
        if form.is_valid():
            result = attempt(
                request,
                lambda: services.publication_tags_set(
                    actor=user, publication=publication, tags=form.cleaned_data["tags"]
                ),
            )
            if result.ok:
                messages.success(request, _("服务对象已保存。"))
                return redirect("publications:detail", pk=publication.pk)
    else:
        form = TagsForm(initial={"tags": current}, current=current)
    context = {"publication": publication, "form": form, "current": current}
    return render(request, "staff/push/tags.html", context)


def _office(request: HttpRequest) -> User:
    user = staff_user(request)
    if not permissions.can_manage_push(user):
        raise PermissionDenied(_("只有县政务公开办可以管理政策找人。"))
    return user


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def overview(request: HttpRequest) -> HttpResponse:
    """The office's view of the push: how many subscribe, what was sent, what keeps failing,
    the tag list, and ending an address's subscriptions for its owner."""
    user = _office(request)
    form = EndForEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = attempt(
            request,
            lambda: services.subscriptions_end_for_email(
                actor=user, email=form.cleaned_data["email"], reason=form.cleaned_data["reason"]
            ),
        )
        if result.ok:
            messages.success(request, _("已退订%(count)d项订阅。") % {"count": result.value})
            return redirect("push_staff:overview")
    counts = selectors.tag_counts()
    tags = [{"tag": tag, "items": counts.get(tag.pk, 0)} for tag in selectors.all_tags()]
    context = {"overview": selectors.office_overview(), "tags": tags, "form": form}
    return render(request, "staff/push/overview.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tag_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add, rename or retire an audience tag (the office)."""
    user = _office(request)
    tag = get_object_or_404(AudienceTag, pk=pk) if pk is not None else None
    if request.method == "POST":
        form = AudienceTagForm(request.POST)
        if form.is_valid():
            result = attempt(
                request,
                lambda: services.audience_tag_save(actor=user, tag=tag, **form.cleaned_data),
            )
            if result.ok:
                messages.success(request, _("标签已保存。"))
                return redirect("push_staff:overview")
    elif tag is not None:
        form = AudienceTagForm(
            initial={
                "name": tag.name,
                "code": tag.code,
                "description": tag.description,
                "sort_order": tag.sort_order,
                "is_active": tag.is_active,
            }
        )
    else:
        form = AudienceTagForm()
    return render(request, "staff/push/tag_form.html", {"form": form, "tag": tag})
