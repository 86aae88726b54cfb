"""Forms of the staff service guide pages.

Forms only parse the shape of what people typed; the services decide whether the change is
allowed and valid (``gongkai.serviceguides.services``). No form saves anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.catalog.models import CatalogItem
from gongkai.core.uploads import check_size, clean_office_upload
from gongkai.orgs.models import Unit
from gongkai.serviceguides.excel import catalog_label
from gongkai.serviceguides.models import LifeEvent, MaterialForm, MaterialSource, ServiceKind

TEXTAREAS = {"basis": 3, "conditions": 4, "process": 5}


class CatalogItemChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{catalog_label(obj)}（{obj.catalog.unit.name}{obj.catalog.version}年）"


class ServiceItemForm(forms.Form):
    """A guide's standard elements; only 事项名称 is required to save a draft (the guide's page
    lists what is still missing, and submission refuses an incomplete guide)."""

    name = forms.CharField(label=_("事项名称"), max_length=200)
    code = forms.CharField(label=_("事项编码"), max_length=64, required=False)
    kind = forms.ChoiceField(label=_("事项类型"), choices=ServiceKind.choices)
    catalog_item = CatalogItemChoice(
        label=_("对应公开事项"),
        queryset=CatalogItem.objects.none(),
        required=False,
        empty_label=_("请选择本单位目录中的事项"),
    )
    life_events = forms.ModelMultipleChoiceField(
        label=_("适用情形（人生事件）"),
        queryset=LifeEvent.objects.order_by("sort_order", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    basis = forms.CharField(label=_("设定依据"), required=False, widget=forms.Textarea)
    conditions = forms.CharField(label=_("申请条件"), required=False, widget=forms.Textarea)
    process = forms.CharField(
        label=_("办理流程"), required=False, widget=forms.Textarea, help_text=_("每行一个步骤")
    )
    legal_days = forms.IntegerField(
        label=_("法定办结时限（工作日）"), required=False, min_value=1, max_value=365
    )
    promised_days = forms.IntegerField(
        label=_("承诺办结时限（工作日）"), required=False, min_value=1, max_value=365
    )
    time_limit_note = forms.CharField(
        label=_("时限说明"), max_length=200, required=False, help_text=_("即办件写“即办”")
    )
    place = forms.CharField(label=_("办理地点"), max_length=300, required=False)
    hours = forms.CharField(label=_("办理时间"), max_length=200, required=False)
    fee = forms.CharField(
        label=_("收费标准"), max_length=300, required=False, help_text=_("不收费的写“不收费”")
    )
    consult_phone = forms.CharField(label=_("咨询电话"), max_length=60, required=False)
    supervise_phone = forms.CharField(label=_("监督投诉电话"), max_length=60, required=False)
    online_url = forms.URLField(
        label=_("网上办理地址"), max_length=500, required=False, assume_scheme="https"
    )

    def __init__(
        self, *args: Any, catalog_items: Sequence[CatalogItem] = (), **kwargs: Any
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["catalog_item"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = CatalogItem.objects.filter(pk__in=[i.pk for i in catalog_items])
        field.choices = [("", field.empty_label or "")] + [
            (i.pk, field.label_from_instance(i)) for i in catalog_items
        ]
        for name, rows in TEXTAREAS.items():
            self.fields[name].widget.attrs["rows"] = rows

    def values(self) -> dict[str, Any]:
        """The cleaned values as services.service_item_create/update take them."""
        data = dict(self.cleaned_data)
        data.pop("life_events", None)
        return data


class NewServiceItemForm(ServiceItemForm):
    unit = forms.ModelChoiceField(label=_("实施主体"), queryset=Unit.objects.none())

    field_order = ["unit"]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units

    def values(self) -> dict[str, Any]:
        data = super().values()
        data.pop("unit", None)
        return data


def _clean_material_file(upload: UploadedFile | None) -> UploadedFile | None:
    if upload:
        check_size(upload, limit=settings.GONGKAI_MAX_UPLOAD_BYTES)
    return upload


class MaterialRowForm(forms.Form):
    """One material (办理材料) with its optional sample and blank form."""

    name = forms.CharField(label=_("材料名称"), max_length=200)
    source = forms.ChoiceField(label=_("来源"), choices=MaterialSource.choices)
    form = forms.ChoiceField(label=_("形式"), choices=MaterialForm.choices)
    copies = forms.IntegerField(label=_("份数"), min_value=0, max_value=99, initial=1)
    required = forms.BooleanField(label=_("必需"), required=False, initial=True)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)
    sample = forms.FileField(
        label=_("示例样表"), required=False, help_text=_("Word、Excel或PDF文件，请使用虚构信息")
    )
    blank_form = forms.FileField(
        label=_("空白表格"), required=False, help_text=_("Word、Excel或PDF文件")
    )
    clear_sample = forms.BooleanField(label=_("删除现有示例样表"), required=False)
    clear_blank_form = forms.BooleanField(label=_("删除现有空白表格"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_sample(self) -> UploadedFile | None:
        return _clean_material_file(self.cleaned_data.get("sample"))

    def clean_blank_form(self) -> UploadedFile | None:
        return _clean_material_file(self.cleaned_data.get("blank_form"))

    def values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("name", "source", "form", "copies", "required", "note")
        }


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("问题"), max_length=300)
    answer = forms.CharField(label=_("解答"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    """The reason for withdrawing or the comment for returning a guide."""

    reason = forms.CharField(
        label=_("理由或意见"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ImportForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("实施主体"), queryset=Unit.objects.none())
    file = forms.FileField(label=_("Excel文件（.xlsx）"))
    dry_run = forms.BooleanField(label=_("只检查，不导入"), required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units

    def clean_file(self) -> UploadedFile:
        return clean_office_upload(self.cleaned_data["file"], kind="xlsx")
