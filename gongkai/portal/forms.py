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


class UnitFilterForm(forms.Form):
    unit = forms.ChoiceField(label=_("制定机关"), required=False, widget=PlainSelect)

    def __init__(self, data: Mapping[str, Any] | None, *, units: Iterable[tuple[str, str]]) -> None:
        super().__init__(data, label_suffix="")
        self.fields["unit"].choices = [*ALL, *units]  # type: ignore[attr-defined]


class UnitDirectoryForm(forms.Form):
    """Finding a unit in the directory by (part of) its name, or by its code."""

    name = forms.CharField(label=_("单位名称"), max_length=50, required=False, strip=True)
