"""Staff forms of the organisation tree: the details a unit's 政府信息公开指南 is built from."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model

from gongkai.orgs.models import Unit
from gongkai.orgs.services import GUIDE_FIELDS


class UnitGuideForm(forms.Form):
    """The guide's details of one unit, with the model's labels, help texts and lengths; the
    service (services.unit_guide_update) checks the formats and saves them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = fields_for_model(
            Unit,
            fields=GUIDE_FIELDS,
            widgets={
                "access_points": forms.Textarea(attrs={"rows": 4}),
                "guide_extra": forms.Textarea(attrs={"rows": 8}),
            },
        )
        for name in GUIDE_FIELDS:
            field = fields[name]
            assert field is not None
            self.fields[name] = field
        # The formats (postcode, e-mail) are checked by the service, in its own Chinese words,
        # rather than twice with the framework's wording.
        email = self.fields["email"]
        self.fields["email"] = forms.CharField(
            label=email.label, required=False, max_length=254, help_text=email.help_text
        )

    def values(self) -> dict[str, str]:
        """The cleaned values, for services.unit_guide_update."""
        return {name: str(self.cleaned_data.get(name) or "") for name in GUIDE_FIELDS}
