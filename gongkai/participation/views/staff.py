"""The staff pages of public participation, under /staff/participation/: the decisions catalog
(the office's, and each undertaking unit's own rows), consultations with moderation, adoption and
feedback (the drafting unit's), and the office's meetings and participation matters. Views parse
the form and call one service; the services check who may."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongkai.core import clock
from gongkai.ledger.views.access import staff_page
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit
from gongkai.orgs.staff_pages import attempt, flash_form_errors, staff_user
from gongkai.participation import selectors, services
from gongkai.participation.forms import (
    AdoptForm,
    ConsultationForm,
    DecisionForm,
    FeedbackForm,
    MatterForm,
    MeetingForm,
    RefuseForm,
    consultation_initial,
)
from gongkai.participation.models import CommentState, Decision, Matter


def _require_staff(user: Any) -> None:
    if not permissions.is_staff_member(user):
        raise PermissionDenied("只有工作人员可以使用公众参与工作台。")


def _require_office(user: Any) -> None:
    if not permissions.can_manage_participation(user):
        raise PermissionDenied("只有县政务公开办可以维护该栏目。")


def _own_units(user: Any) -> list[Unit]:
    """The units the user may draft consultations for."""
    if permissions.is_office(user):
        return list(Unit.objects.filter(is_active=True))
    ids = permissions.roles_by_unit(user)
    units = Unit.objects.filter(pk__in=ids, is_active=True)
    return [u for u in units if permissions.can_run_consultation_of(user, u)]


@staff_page
def home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    _require_staff(user)
    today = clock.today()
    asked = str(request.GET.get("year", ""))
    year = int(asked) if asked.isdigit() and 2000 <= int(asked) <= 2100 else today.year
    decisions = [
        (d, permissions.can_edit_decision_of(user, d.unit)) for d in selectors.decisions_of(year)
    ]
    context = {
        "year": year,
        "years": selectors.decision_years(),
        "decisions": decisions,
        "consultations": [
            (selectors.row(c, today), permissions.can_run_consultation_of(user, c.unit))
            for c in selectors.consultations_for(user)
        ],
        "meetings": selectors.meetings(),
        "matters": selectors.matters(active_only=False),
        "is_office": permissions.can_manage_participation(user),
        "can_draft": bool(_own_units(user)),
    }
    return render(request, "staff/participation/home.html", context)


# ---------------------------------------------------------------------------- decisions


@staff_page
def decision_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    _require_office(user)
    year = clock.today().year
    next_number = (
        Decision.objects.filter(year=year)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    ) + 1
    form = DecisionForm(
        request.POST or None, office=True, initial={"year": year, "number": next_number}
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(request, lambda: services.decision_create(actor=user, **form.cleaned_data))
        if done.ok:
            messages.success(request, "已加入目录，门户网站同步公开。")
            return redirect("participation:staff_home")
    return render(
        request, "staff/participation/form.html", {"form": form, "title": "新增重大行政决策事项"}
    )


@staff_page
def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    decision = selectors.decision_for(user, pk)
    office = permissions.can_manage_participation(user)
    initial = {name: getattr(decision, name) for name in services.DECISION_FIELDS}
    form = DecisionForm(request.POST or None, office=office, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {
            k: v
            for k, v in form.cleaned_data.items()
            if office or k in services.UNIT_DECISION_FIELDS
        }
        done = attempt(
            request, lambda: services.decision_update(actor=user, decision=decision, **values)
        )
        if done.ok:
            messages.success(request, "已更新，门户网站显示更新日期。")
            return redirect("participation:staff_home")
    context = {"form": form, "title": f"更新决策事项：{decision.matter}"}
    return render(request, "staff/participation/form.html", context)


# ---------------------------------------------------------------------------- consultations


@staff_page
def consultation_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    units = _own_units(user)
    if not units:
        raise PermissionDenied("只有起草单位的信息员、审核人或县政务公开办可以起草征求意见。")
    form = ConsultationForm(request.POST or None)
    form.fields["unit"] = _unit_field(units)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        unit = values.pop("unit")
        done = attempt(
            request, lambda: services.consultation_create(actor=user, unit=unit, **values)
        )
        if done.ok:
            _warn_short(request, done.value)
            messages.success(request, "已保存草稿，核对后发布。")
            return redirect(done.value)
    context = {"form": form, "title": "起草公开征求意见"}
    return render(request, "staff/participation/form.html", context)


def _unit_field(units: list[Unit]) -> Any:
    field = forms.ModelChoiceField(
        label="起草单位", queryset=Unit.objects.filter(pk__in=[u.pk for u in units])
    )
    if len(units) == 1:
        field.initial = units[0].pk
    return field


def _warn_short(request: HttpRequest, consultation: Any) -> None:
    if consultation.is_short:
        messages.warning(
            request,
            f"征求意见期限为{consultation.days}日，少于30日（《重大行政决策程序暂行条例》第十五条）；"
            "缩短期限的理由将在征求意见页面公开。",
        )


@staff_page
def consultation_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    consultation = selectors.consultation_for(user, pk)
    runs = permissions.can_run_consultation_of(user, consultation.unit)
    context = {
        "item": consultation,
        "row": selectors.row(consultation, clock.today()),
        "comments": consultation.comments.all(),
        "feedback": selectors.feedback(consultation),
        "runs": runs,
        "refuse_form": RefuseForm(),
        "adopt_form": AdoptForm(),
        "feedback_form": FeedbackForm(initial={"text": consultation.feedback_text}),
        "pending": CommentState.PENDING,
    }
    return render(request, "staff/participation/consultation.html", context)


@staff_page
def consultation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    consultation = selectors.consultation_for(user, pk)
    if not permissions.can_run_consultation_of(user, consultation.unit):
        raise PermissionDenied("只有起草单位或县政务公开办可以修改征求意见。")
    form = ConsultationForm(request.POST or None, initial=consultation_initial(consultation))
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: services.consultation_update(
                actor=user, consultation=consultation, **form.cleaned_data
            ),
        )
        if done.ok:
            _warn_short(request, done.value)
            messages.success(request, "已保存。")
            return redirect(done.value)
    context = {"form": form, "title": f"修改征求意见：{consultation.title}"}
    return render(request, "staff/participation/form.html", context)


@staff_page
@require_POST
def consultation_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    consultation = selectors.consultation_for(user, pk)
    done = attempt(
        request, lambda: services.consultation_publish(actor=user, consultation=consultation)
    )
    if done.ok:
        _warn_short(request, done.value)
        messages.success(request, "已发布到门户网站“公众参与”栏目。")
    return redirect(consultation)


@staff_page
@require_POST
def comment_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    comment = selectors.comment_for(user, pk)
    done = attempt(request, lambda: services.comment_publish(actor=user, comment=comment))
    if done.ok:
        messages.success(request, "已公开（个人信息已脱敏）。")
    return redirect(comment.consultation)


@staff_page
@require_POST
def comment_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    comment = selectors.comment_for(user, pk)
    form = RefuseForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        done = attempt(
            request, lambda: services.comment_refuse(actor=user, comment=comment, reason=reason)
        )
        if done.ok:
            messages.success(request, "已标记为不予公开，留言和理由保留。")
    else:
        flash_form_errors(request, form)
    return redirect(comment.consultation)


@staff_page
@require_POST
def comment_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    comment = selectors.comment_for(user, pk)
    form = AdoptForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = attempt(
            request,
            lambda: services.comment_adopt(
                actor=user, comment=comment, adoption=data["adoption"], reason=data["reason"]
            ),
        )
        if done.ok:
            messages.success(request, "已记录采纳情况。")
    else:
        flash_form_errors(request, form)
    return redirect(comment.consultation)


@staff_page
@require_POST
def feedback_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    consultation = selectors.consultation_for(user, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        text = form.cleaned_data["text"]
        done = attempt(
            request,
            lambda: services.feedback_publish(actor=user, consultation=consultation, text=text),
        )
        if done.ok:
            messages.success(request, "意见采纳情况反馈已公开。")
    return redirect(consultation)


# ---------------------------------------------------------------------------- meetings, matters


@staff_page
def meeting_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = staff_user(request)
    _require_office(user)
    meeting = selectors.meeting(pk) if pk else None
    initial = {n: getattr(meeting, n) for n in services.MEETING_FIELDS} if meeting else {}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: services.meeting_save(actor=user, meeting=meeting, **form.cleaned_data),
        )
        if done.ok:
            messages.success(request, "已保存，门户网站同步公开。")
            return redirect("participation:staff_home")
    title = f"修改会议：{meeting.title}" if meeting else "新增会议公开"
    return render(request, "staff/participation/form.html", {"form": form, "title": title})


@staff_page
def matter_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = staff_user(request)
    _require_office(user)
    matter = Matter.objects.filter(pk=pk).first() if pk else None
    if pk and matter is None:
        raise PermissionDenied("没有这个事项。")
    initial = {n: getattr(matter, n) for n in services.MATTER_FIELDS} if matter else {}
    form = MatterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: services.matter_save(actor=user, matter=matter, **form.cleaned_data),
        )
        if done.ok:
            messages.success(request, "已保存。")
            return redirect("participation:staff_home")
    title = f"修改公众参与事项：{matter.title}" if matter else "新增公众参与事项"
    return render(request, "staff/participation/form.html", {"form": form, "title": title})
