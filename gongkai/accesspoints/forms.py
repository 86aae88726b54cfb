"""The staff form of an access point; the service checks the values (services.clean_values)."""

from __future__ import annotations

from typing import Any

from django import forms

from gongkai.accesspoints.models import AccessPoint
from gongkai.accesspoints.services import FIELDS
from gongkai.orgs.models import Unit


class AccessPointForm(forms.ModelForm):  # type: ignore[type-arg]
    """Every field of the place, and the unit that runs it among those the user keeps."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label="管理单位")

    class Meta:
        model = AccessPoint
        fields = ["unit", *FIELDS]
        widgets = {
            "contents": forms.Textarea(attrs={"rows": 4}),
            "hours": forms.TextInput(),
        }

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        if len(units) == 1:
            unit_field.initial = units[0].pk

    def values(self) -> dict[str, Any]:
        """The place's fields for the service (not the unit)."""
        return {name: self.cleaned_data[name] for name in FIELDS}
