"""The assessment's forms: they parse what people type; the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms

from gongkai.assessment.models import Measure, RectificationSource
from gongkai.assessment.services import TARGET_KINDS
from gongkai.orgs.models import Unit, UnitKind


class IndicatorSetForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="名称", max_length=100)
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class IndicatorForm(forms.Form):
    name = forms.CharField(label="指标名称", max_length=100)
    weight = forms.DecimalField(label="分值", max_digits=5, decimal_places=1, min_value=0)
    measure = forms.ChoiceField(label="计分方式", choices=Measure.choices)
    criteria = forms.CharField(
        label="评分标准", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    zero_at = forms.IntegerField(
        label="扣完分值的问题条数",
        required=False,
        min_value=1,
        help_text="仅“检查发现”：带错敏字、未脱敏个人信息等阻断性问题发布的信息达到此条数即不得分。",
    )
    sort_order = forms.IntegerField(label="排序", required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in TARGET_KINDS:
            self.fields[f"target_{kind}"] = forms.IntegerField(
                label=f"年度发布目标：{UnitKind(kind).label}",
                required=False,
                min_value=1,
                help_text="仅“发布数量”：该类单位全年应发布的条数，按已过天数折算。",
            )

    def values(self) -> dict[str, Any]:
        """The cleaned values as the services take them."""
        data = dict(self.cleaned_data)
        data["targets"] = {
            kind: data.pop(f"target_{kind}") for kind in TARGET_KINDS if f"target_{kind}" in data
        }
        if data.get("sort_order") is None:
            data.pop("sort_order", None)
        return data


class ManualScoreForm(forms.Form):
    points = forms.DecimalField(label="得分", max_digits=5, decimal_places=1, min_value=0)
    note = forms.CharField(label="评分说明", widget=forms.Textarea(attrs={"rows": 2}))


class FreezeForm(forms.Form):
    as_of = forms.DateField(label="统计截止日期", widget=forms.DateInput(attrs={"type": "date"}))


class RectificationForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="责任单位", queryset=Unit.objects.none(), to_field_name="code"
    )
    title = forms.CharField(label="问题", max_length=200)
    source = forms.ChoiceField(label="来源", choices=RectificationSource.choices)
    description = forms.CharField(
        label="问题描述", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    found_on = forms.DateField(label="发现日期", widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label="整改期限", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    text = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 5}))
    on = forms.DateField(
        label="报送日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    note = forms.CharField(
        label="销号意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
