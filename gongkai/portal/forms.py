"""The public search form and the filter of the normative-document library (plain GET forms)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.publications.selectors import Facet

MAX_QUERY_LENGTH = 100
ALL: list[tuple[str, Any]] = [("", _("全部"))]
FILTERS = ("unit", "domain", "column", "five", "year")


def _choices(facets: Iterable[Facet]) -> list[tuple[str, Any]]:
    return [*ALL, *((f.code, f"{f.label}（{f.count}）") for f in facets)]


class SearchForm(forms.Form):
    """What a visitor may search by: words, and the browse dimensions as filters.

    The choices are the values that have published items, so every option finds something.
    """

    q = forms.CharField(label=_("关键词"), max_length=MAX_QUERY_LENGTH, required=False, strip=True)
    unit = forms.ChoiceField(label=_("发布机构"), required=False)
    domain = forms.ChoiceField(label=_("公开领域"), required=False)
    column = forms.ChoiceField(label=_("栏目"), required=False)
    five = forms.ChoiceField(label=_("五公开"), required=False)
    year = forms.ChoiceField(label=_("发布年份"), required=False)

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        units: Iterable[Facet],
        domains: Iterable[Facet],
        columns: Iterable[tuple[str, str]],
        fives: Iterable[Facet],
        years: Iterable[Facet],
    ) -> None:
        super().__init__(data, label_suffix="")
        self.fields["unit"].choices = _choices(units)  # type: ignore[attr-defined]
        self.fields["domain"].choices = _choices(domains)  # type: ignore[attr-defined]
        self.fields["column"].choices = [*ALL, *columns]  # type: ignore[attr-defined]
        self.fields["five"].choices = _choices(fives)  # type: ignore[attr-defined]
        self.fields["year"].choices = _choices(years)  # type: ignore[attr-defined]

    @property
    def filter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in FILTERS]


class UnitFilterForm(forms.Form):
    unit = forms.ChoiceField(label=_("制定机关"), required=False)

    def __init__(self, data: Mapping[str, Any] | None, *, units: Iterable[tuple[str, str]]) -> None:
        super().__init__(data, label_suffix="")
        self.fields["unit"].choices = [*ALL, *units]  # type: ignore[attr-defined]
