"""The indicator sets and score tables (考核指标与得分): the office keeps the indicators, enters
the scores no query measures and finalises the table (定稿); leaders read. The table downloads as
an Excel workbook."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from gongkai.assessment import score_xlsx, scoring, selectors, services
from gongkai.assessment.facts import clip_as_of, units_by_id
from gongkai.assessment.forms import FreezeForm, IndicatorForm, IndicatorSetForm, ManualScoreForm
from gongkai.assessment.models import Indicator, IndicatorSet, Measure
from gongkai.assessment.services import TARGET_KINDS
from gongkai.assessment.views.pages import reader
from gongkai.core import clock
from gongkai.core.errors import GongkaiError
from gongkai.orgs import permissions
from gongkai.orgs.staff_pages import attempt, flash_error
from gongkai.reports import monthly


def _set(request: HttpRequest, pk: int) -> IndicatorSet:
    user = reader(request)
    try:
        return selectors.indicator_set_detail(user, pk)
    except IndicatorSet.DoesNotExist:
        raise Http404("没有这个考核指标体系。") from None


def _indicator(request: HttpRequest, pk: int) -> Indicator:
    try:
        return selectors.indicator_detail(reader(request), pk)
    except Indicator.DoesNotExist:
        raise Http404("没有这个考核指标。") from None


def _as_of(request: HttpRequest, indicator_set: IndicatorSet) -> dt.date:
    """The as-of date asked for (?as_of=YYYY-MM-DD), else today, kept within the set's year."""
    today = clock.today()
    try:
        asked = dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        asked = today
    return clip_as_of(indicator_set.year, min(asked, today))


@login_required
def sets(request: HttpRequest) -> HttpResponse:
    """The indicator sets by year; the office opens a new year's set here."""
    user = reader(request)
    can_manage = permissions.can_manage_assessment(user)
    form = IndicatorSetForm(
        request.POST or None,
        initial={"year": clock.today().year, "name": f"{clock.today().year}年度政务公开工作考核"},
    )
    if request.method == "POST" and form.is_valid():
        created = attempt(
            request, lambda: services.indicator_set_create(actor=user, **form.cleaned_data)
        )
        if created.ok:
            return redirect(created.value)
    context = {
        "sets": selectors.indicator_sets(user).prefetch_related("indicators"),
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "staff/assessment/sets.html", context)


@login_required
def set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The set's indicators and its score table (frozen, or live up to ``as_of``)."""
    indicator_set = _set(request, pk)
    user = reader(request)
    as_of = _as_of(request, indicator_set)
    table = scoring.score_table(indicator_set, as_of=as_of)
    names = [i["name"] for i in table["indicators"]]
    groups = [
        (
            group,
            monthly.GROUP_LABELS[group],
            [r for r in table["rows"] if r["group"] == group],
        )
        for group in scoring.ASSESSED_GROUPS
    ]
    indicators = list(indicator_set.indicators.all())
    context: dict[str, Any] = {
        "indicator_set": indicator_set,
        "indicators": indicators,
        "kinds": {k.value: k.label for k in TARGET_KINDS},
        "weight_total": sum(i.weight for i in indicators),
        "table": table,
        "names": names,
        "groups": groups,
        "as_of": dt.date.fromisoformat(table["as_of"]),
        "snapshot": selectors.snapshot_of(indicator_set),
        "can_manage": permissions.can_manage_assessment(user),
        "freeze_form": FreezeForm(initial={"as_of": as_of}),
        "weights": [scoring.points_text(i["weight"]) for i in table["indicators"]],
    }
    return render(request, "staff/assessment/set_detail.html", context)


@login_required
def set_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The score table as an Excel workbook."""
    indicator_set = _set(request, pk)
    table = scoring.score_table(indicator_set, as_of=_as_of(request, indicator_set))
    response = HttpResponse(score_xlsx.render(table), content_type=score_xlsx.XLSX)
    name = f"assessment-{indicator_set.year}-{table['as_of']}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def set_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    """Finalise the set's score table (定稿) as of the date given."""
    indicator_set = _set(request, pk)
    user = reader(request)
    form = FreezeForm(request.POST)
    if not form.is_valid():
        flash_error(request, GongkaiError("请填写正确的统计截止日期。"))
        return redirect(indicator_set)
    as_of = form.cleaned_data["as_of"]
    attempt(
        request,
        lambda: services.scores_freeze(actor=user, indicator_set=indicator_set, as_of=as_of),
    )
    return redirect(indicator_set)


def _indicator_form_page(
    request: HttpRequest, indicator_set: IndicatorSet, indicator: Indicator | None
) -> HttpResponse:
    user = reader(request)
    initial: dict[str, Any] = {}
    if indicator is not None:
        initial = {
            "name": indicator.name,
            "weight": indicator.weight,
            "measure": indicator.measure,
            "criteria": indicator.criteria,
            "zero_at": indicator.zero_at,
            "sort_order": indicator.sort_order,
            **{f"target_{k}": v for k, v in indicator.targets.items()},
        }
    form = IndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if indicator is None:
            saved = attempt(
                request,
                lambda: services.indicator_add(
                    actor=user, indicator_set=indicator_set, values=values
                ),
            )
        else:
            saved = attempt(
                request,
                lambda: services.indicator_update(actor=user, indicator=indicator, values=values),
            )
        if saved.ok:
            return redirect(indicator_set)
    context = {"form": form, "indicator_set": indicator_set, "indicator": indicator}
    return render(request, "staff/assessment/indicator_form.html", context)


@login_required
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _indicator_form_page(request, _set(request, pk), None)


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    return _indicator_form_page(request, indicator.indicator_set, indicator)


@login_required
@require_POST
def indicator_remove(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    user = reader(request)
    attempt(request, lambda: services.indicator_remove(actor=user, indicator=indicator))
    return redirect(indicator.indicator_set)


@login_required
def manual_scores(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter the scores of a 人工评分 indicator, one unit per form (each with its reason)."""
    indicator = _indicator(request, pk)
    user = reader(request)
    if indicator.measure != Measure.MANUAL:
        raise Http404("该指标由系统计算，不需要录入。")
    units = scoring.assessed_units(units_by_id())
    posted_unit = request.POST.get("unit", "")
    if request.method == "POST":
        form = ManualScoreForm(request.POST)
        unit = next((u for u in units if u.code == posted_unit), None)
        if unit is None:
            raise Http404("没有这个单位。")
        if form.is_valid():
            scored = attempt(
                request,
                lambda: services.manual_score_enter(
                    actor=user, indicator=indicator, unit=unit, **form.cleaned_data
                ),
            )
            if scored.ok:
                return redirect(f"{request.path}#unit-{unit.code}")
        else:
            flash_error(request, GongkaiError(f"{unit.name}：请填写得分（数字）和评分说明。"))
    entered = selectors.manual_scores_of(indicator)
    rows = [{"unit": u, "score": entered.get(u.pk)} for u in units]
    context = {
        "indicator": indicator,
        "indicator_set": indicator.indicator_set,
        "rows": rows,
        "frozen": selectors.snapshot_of(indicator.indicator_set) is not None,
        "can_manage": permissions.can_manage_assessment(user),
    }
    return render(request, "staff/assessment/manual_scores.html", context)


urlpatterns: list[URLPattern] = [
    path("sets/", sets, name="sets"),
    path("sets/<int:pk>/", set_detail, name="set_detail"),
    path("sets/<int:pk>/xlsx/", set_xlsx, name="set_xlsx"),
    path("sets/<int:pk>/freeze/", set_freeze, name="set_freeze"),
    path("sets/<int:pk>/indicators/new/", indicator_add, name="indicator_add"),
    path("indicators/<int:pk>/edit/", indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/remove/", indicator_remove, name="indicator_remove"),
    path("indicators/<int:pk>/scores/", manual_scores, name="manual_scores"),
]
