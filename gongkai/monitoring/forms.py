"""The monitoring pages' forms: they parse and check input; the services decide and save."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from gongkai.core.uploads import check_size, clean_office_upload
from gongkai.monitoring.models import IncidentKind, NewMediaAccount
from gongkai.orgs.models import Unit, UnitKind

NOT_REQUIRED = ""


class UpdateClassForm(forms.Form):
    """One of UPDATE_CLASSES, or a number of days an earlier setting left (kept as it is)."""

    update_class = forms.RegexField(
        label=_("更新要求"), regex=r"^\d{1,4}$", required=False, max_length=4
    )

    def days(self) -> int | None:
        value = self.cleaned_data.get("update_class") or NOT_REQUIRED
        return None if value == NOT_REQUIRED else int(value)


class AccountForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = NewMediaAccount
        fields = ["platform", "name", "unit", "required_per_week", "is_active", "opened_on", "note"]
        widgets = {"opened_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.filter(is_active=True).exclude(kind=UnitKind.VILLAGE)


class PostForm(forms.Form):
    published_on = forms.DateField(
        label=_("发布日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    title = forms.CharField(label=_("标题"), max_length=300)
    url = forms.URLField(label=_("链接"), max_length=500, required=False, assume_scheme="https")


class PostsImportForm(forms.Form):
    file = forms.FileField(
        label=_("发布记录文件（.xlsx或.csv）"),
        help_text=_("第一行为表头：账号名称、平台、发布日期、标题、链接（平台、链接可不填）。"),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if name.endswith(".csv"):
            check_size(upload, limit=settings.GONGKAI_MAX_UPLOAD_BYTES)
            return upload
        return clean_office_upload(upload, kind="xlsx", hint=_("也可以上传CSV文件。"))


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=IncidentKind.choices)
    occurred_on = forms.DateField(
        label=_("发现日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    unit = forms.ModelChoiceField(
        label=_("责任单位"),
        queryset=Unit.objects.filter(is_active=True).exclude(kind=UnitKind.VILLAGE),
        required=False,
    )
    description = forms.CharField(label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label=_("出处或页面地址"), max_length=500, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=500)


class PeriodForm(forms.Form):
    """The day of the check and the start of the late-publication period (GET)."""

    date = forms.DateField(
        label=_("检查日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start = forms.DateField(
        label=_("超期公开统计起始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def period(self, today: dt.date, *, days: int = 30) -> tuple[dt.date, dt.date]:
        """(start, as_of): as_of defaults to today, start to ``days`` days ending on it."""
        data = self.cleaned_data if self.is_valid() else {}
        as_of = data.get("date") or today
        start = data.get("start") or as_of - dt.timedelta(days=days - 1)
        return (min(start, as_of), as_of)
