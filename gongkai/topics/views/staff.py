"""The office's pages of 专题专栏: the topics with how many items each collects, a topic's page
settings, rule and pinned items, and its sections. 预览 counts what the rule as typed would
collect (and lists the newest) without saving anything."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.orgs import permissions
from gongkai.orgs.models import User
from gongkai.orgs.staff_pages import attempt, staff_user
from gongkai.topics import selectors, services
from gongkai.topics.forms import RuleForm, SectionForm, TopicForm
from gongkai.topics.models import Topic, TopicSection

# Counts on the staff pages stop here (a preview needs an order of size, not an exact figure).
COUNT_LIMIT = 10_000
PREVIEW_SIZE = 10


def _office(request: HttpRequest) -> User:
    user = staff_user(request)
    if not permissions.can_manage_topics(user):
        raise PermissionDenied(_("只有县政务公开办可以管理专题专栏。"))
    return user


@login_required
@require_http_methods(["GET", "HEAD"])
def topic_list(request: HttpRequest) -> HttpResponse:
    """Every topic, shown or not, with how many items its rule collects."""
    _office(request)
    found = list(selectors.staff_topics())
    counts = selectors.topic_counts(found, COUNT_LIMIT + 1)
    rows = [{"topic": t, "count": counts.get(t.pk, 0)} for t in found]
    return render(request, "staff/topics/list.html", {"rows": rows, "limit": COUNT_LIMIT})


def _preview(form: RuleForm, base: selectors.Rule | None = None) -> dict[str, Any]:
    """How many items the rule typed collects (within ``base``, a section's topic), and the
    newest of them."""
    items = selectors.collected(base) if base is not None else None
    rule = form.rule()
    items = items.filter(rule.condition()) if items is not None else selectors.collected(rule)
    found = items.order_by()[: COUNT_LIMIT + 1].count()
    return {
        "count": min(found, COUNT_LIMIT),
        "capped": found > COUNT_LIMIT,
        "empty": rule.empty,
        "items": list(items[:PREVIEW_SIZE]),
    }


def _topic_initial(topic: Topic) -> dict[str, Any]:
    rule = selectors.rule_of(topic)
    return {
        "title": topic.title,
        "slug": topic.slug,
        "summary": topic.summary,
        "is_active": topic.is_active,
        "sort_order": topic.sort_order,
        **_rule_initial(topic, rule),
        "pinned": "\n".join(p.index_no or str(p.pk) for p in selectors.pins_of(topic)),
    }


def _rule_initial(owner: Topic | TopicSection, rule: selectors.Rule) -> dict[str, Any]:
    return {
        "tags": list(rule.tag_ids),
        "domains": list(rule.domain_ids),
        "columns": list(rule.column_ids),
        "unit_codes": "\n".join(u.code for u in owner.units.order_by("code")),
        "keywords": owner.keywords,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or change a topic; 预览 shows what its rule collects without saving."""
    user = _office(request)
    topic = get_object_or_404(Topic, pk=pk) if pk is not None else None
    preview: dict[str, Any] | None = None
    if request.method == "POST":
        form = TopicForm(request.POST)
        if form.is_valid():
            if "preview" in request.POST:
                preview = _preview(form)
            else:
                data = form.cleaned_data
                result = attempt(
                    request,
                    lambda: services.topic_save(
                        actor=user,
                        topic=topic,
                        slug=data["slug"],
                        title=data["title"],
                        summary=data["summary"],
                        is_active=data["is_active"],
                        sort_order=data["sort_order"],
                        rule=form.rule_input(),
                        pinned=data["pinned"].split(),
                    ),
                )
                if result.ok:
                    messages.success(request, _("专题已保存。"))
                    return redirect("topics:staff_edit", pk=result.value.pk)
    elif topic is not None:
        form = TopicForm(initial=_topic_initial(topic))
        preview = _preview_saved(topic)
    else:
        form = TopicForm()
    sections = list(topic.sections.order_by("sort_order", "pk")) if topic is not None else []
    context = {"form": form, "topic": topic, "preview": preview, "sections": sections}
    return render(request, "staff/topics/form.html", context)


def _preview_saved(topic: Topic) -> dict[str, Any]:
    rule = selectors.rule_of(topic)
    items = selectors.collected(rule)
    found = items.order_by()[: COUNT_LIMIT + 1].count()
    return {
        "count": min(found, COUNT_LIMIT),
        "capped": found > COUNT_LIMIT,
        "empty": rule.empty,
        "items": list(items[:PREVIEW_SIZE]),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def section_edit(request: HttpRequest, pk: int, section_pk: int | None = None) -> HttpResponse:
    """Add or change a section of a topic; 预览 counts the topic's items it would show."""
    user = _office(request)
    topic = get_object_or_404(Topic, pk=pk)
    section = (
        get_object_or_404(TopicSection, pk=section_pk, topic=topic)
        if section_pk is not None
        else None
    )
    preview: dict[str, Any] | None = None
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
            if "preview" in request.POST:
                preview = _preview(form, selectors.rule_of(topic))
            else:
                data = form.cleaned_data
                result = attempt(
                    request,
                    lambda: services.section_save(
                        actor=user,
                        topic=topic,
                        section=section,
                        title=data["title"],
                        sort_order=data["sort_order"],
                        rule=form.rule_input(),
                    ),
                )
                if result.ok:
                    messages.success(request, _("分栏已保存。"))
                    return redirect("topics:staff_edit", pk=topic.pk)
    elif section is not None:
        rule = selectors.rule_of(section)
        form = SectionForm(
            initial={
                "title": section.title,
                "sort_order": section.sort_order,
                **_rule_initial(section, rule),
            }
        )
    else:
        form = SectionForm()
    context = {"form": form, "topic": topic, "section": section, "preview": preview}
    return render(request, "staff/topics/section_form.html", context)


@login_required
@require_POST
def section_delete(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    """Remove a section (its items stay in the topic)."""
    user = _office(request)
    section = get_object_or_404(TopicSection, pk=section_pk, topic_id=pk)
    result = attempt(request, lambda: services.section_delete(actor=user, section=section))
    if result.ok:
        messages.success(request, _("分栏已删除。"))
    return redirect("topics:staff_edit", pk=pk)
