"""Forms of the staff catalog pages.

Forms only parse and check the shape of what people typed; the services decide whether the change
is allowed and valid (``gongkai.catalog.services``). No form saves anything.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.catalog.models import (
    ELEMENT_FIELDS,
    OPTIONAL_ELEMENTS,
    TEXT_ELEMENTS,
    TICK_GROUPS,
    Domain,
)
from gongkai.catalog.services import MAX_VERSION, MIN_VERSION
from gongkai.core import clock
from gongkai.core.uploads import clean_office_upload
from gongkai.orgs.models import Unit

# An .xlsx file is a ZIP archive; the old binary .xls is an OLE2 compound file.

# Single-line elements; every other text element keeps its line breaks in a textarea.
_SINGLE_LINE = {"level1": 200, "level2": 200, "five_public": 50, "site_column": 200}
_FIVE_PUBLIC_HINT = _("决策公开、执行公开、管理公开、服务公开、结果公开之一，可不填")


def _text_field(name: str, label: str, *, required: bool = False) -> forms.CharField:
    if name in _SINGLE_LINE:
        return forms.CharField(label=label, required=required, max_length=_SINGLE_LINE[name])
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
        strip=False,
    )


class CatalogItemForm(forms.Form):
    """One catalog item: its domain and every element of the national layout.

    Only 一级事项 is required here so an editor can save an unfinished item; the catalog page warns
    about what is missing and submission refuses incomplete items.
    """

    domain = forms.ModelChoiceField(
        label=_("所属领域"),
        queryset=Domain.objects.order_by("sort_order", "code"),
        empty_label=_("请选择领域"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, label in TEXT_ELEMENTS:
            self.fields[name] = _text_field(name, label, required=name == "level1")
        for _group, ticks in TICK_GROUPS:
            for name, label in ticks:
                self.fields[name] = forms.BooleanField(label=label, required=False)
        for name, label in OPTIONAL_ELEMENTS:
            self.fields[name] = _text_field(name, label)
        self.fields["five_public"].help_text = _FIVE_PUBLIC_HINT
        self.fields["level2"].help_text = _("没有二级事项时可不填")

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label in TEXT_ELEMENTS]

    def tick_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(group, [self[name] for name, _label in ticks]) for group, ticks in TICK_GROUPS]

    def optional_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label in OPTIONAL_ELEMENTS]

    def elements(self) -> dict[str, Any]:
        """The cleaned elements in the shape the services take."""
        return {name: self.cleaned_data[name] for name in ELEMENT_FIELDS}


class UnitVersionForm(forms.Form):
    """A unit (one the user may edit) and a version year; shared by create and import."""

    unit = forms.ModelChoiceField(
        label=_("单位"), queryset=Unit.objects.none(), empty_label=_("请选择单位")
    )
    version = forms.IntegerField(
        label=_("版本（年度）"),
        min_value=MIN_VERSION,
        max_value=MAX_VERSION,
        help_text=_("目录按年度调整，填写四位年份，如2024"),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        unit_field = cast(forms.ModelChoiceField, self.fields["unit"])  # type: ignore[type-arg]
        unit_field.queryset = units
        if len(units) == 1:
            unit_field.initial = units[0].pk
        self.fields["version"].initial = clock.today().year


class CatalogImportForm(UnitVersionForm):
    """The import page: which catalog to fill and the workbook to fill it from."""

    file = forms.FileField(
        label=_("Excel文件（.xlsx）"),
        help_text=_("按国家标准目录格式：两行表头，每个领域一个工作表。"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self) -> UploadedFile:
        """Refuse anything that is not an .xlsx of a sane size before it reaches the parser."""
        return clean_office_upload(
            self.cleaned_data["file"], kind="xlsx", hint=_("请拆分后分批导入。")
        )


class CommentForm(forms.Form):
    """The comment that goes with a submission, an approval, a return or a report."""

    comment = forms.CharField(
        label=_("意见或说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
