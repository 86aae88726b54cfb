"""The public search form and the filter of the normative-document library (plain GET forms)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from gongkai.orgs.models import Unit
from gongkai.publications.selectors import Facet

MAX_QUERY_LENGTH = 100
ALL: list[tuple[str, Any]] = [("", _("全部"))]
# The filters shown as lists of choices (the unit is chosen by link, see SearchForm).
FILTERS = ("domain", "column", "five", "year")
SORTS = [("relevance", _("相关度")), ("date", _("发布日期（最新在前）"))]
# How people type dates when the browser offers no date picker.
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]
# A wrong sort or date does not stop the search (see SearchForm.tolerable).
TOLERATED = {"sort", "date_from", "date_to"}


class PlainSelect(forms.Select):
    """A <select> whose options are written in Python. Django renders each option through a
    template (about 0.1 ms an option here), which made the search form's few dozen options
    cost more than the search itself; the markup is the same."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


def _choices(facets: Iterable[Facet]) -> list[tuple[str, Any]]:
    return [*ALL, *((f.code, f"{f.label}（{f.count}）") for f in facets)]


class SearchForm(forms.Form):
    """What a visitor may search by: words, and the browse dimensions as filters.

    The choices are the values that have published items, so every option finds something.
    The unit is not a list of choices: a province has 5,000 units, too many to render on every
    search or to pick from on a phone. It is a unit code (links people saved keep working),
    chosen from the units the results come from or from the unit directory (/xxgk/units/).
    """

    q = forms.CharField(label=_("关键词"), max_length=MAX_QUERY_LENGTH, required=False, strip=True)
    unit = forms.ModelChoiceField(
        label=_("发布机构"),
        queryset=Unit.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("没有这个发布机构，请重新选择。")},
    )
    domain = forms.ChoiceField(label=_("公开领域"), required=False, widget=PlainSelect)
    column = forms.ChoiceField(label=_("栏目"), required=False, widget=PlainSelect)
    five = forms.ChoiceField(label=_("五公开"), required=False, widget=PlainSelect)
    year = forms.ChoiceField(label=_("发布年份"), required=False, widget=PlainSelect)
    # Issue 11: the order of the results and a range of publication dates (both days included).
    sort = forms.ChoiceField(
        label=_("排序"),
        choices=SORTS,
        required=False,
        widget=PlainSelect,
        error_messages={"invalid_choice": _("没有这种排序方式，已按相关度排序。")},
    )
    date_from = forms.DateField(
        label=_("发布日期从"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("“发布日期从”填写有误，请按 2024-03-01 的格式填写。")},
    )
    date_to = forms.DateField(
        label=_("至"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("“发布日期至”填写有误，请按 2024-03-31 的格式填写。")},
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        domains: Iterable[Facet],
        columns: Iterable[tuple[str, str]],
        fives: Iterable[Facet],
        years: Iterable[Facet],
    ) -> None:
        super().__init__(data, label_suffix="")
        self.fields["domain"].choices = _choices(domains)  # type: ignore[attr-defined]
        self.fields["column"].choices = [*ALL, *columns]  # type: ignore[attr-defined]
        self.fields["five"].choices = _choices(fives)  # type: ignore[attr-defined]
        self.fields["year"].choices = _choices(years)  # type: ignore[attr-defined]

    @property
    def filter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in FILTERS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("发布日期的结束日期不能早于开始日期，请重新选择。"))
        return data

    def tolerable(self) -> bool:
        """Whether the search can run: nothing is wrong but the sort or the dates, which are
        then left out (the page says so) rather than refusing the whole search."""
        return not set(self.errors) - TOLERATED


class UnitFilterForm(forms.Form):
    unit = forms.ChoiceField(label=_("制定机关"), required=False, widget=PlainSelect)

    def __init__(self, data: Mapping[str, Any] | None, *, units: Iterable[tuple[str, str]]) -> None:
        super().__init__(data, label_suffix="")
        self.fields["unit"].choices = [*ALL, *units]  # type: ignore[attr-defined]


class UnitDirectoryForm(forms.Form):
    """Finding a unit in the directory by (part of) its name, or by its code."""

    name = forms.CharField(label=_("单位名称"), max_length=50, required=False, strip=True)
