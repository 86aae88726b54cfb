"""Where a monitoring finding becomes a rectification item (整改): the one place the link to the
assessment app's form is built, so every page offers the same "转为整改" link."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

SOURCE = "monitoring"


def rectification_url(*, unit_code: str | None, title: str) -> str:
    """The form for a new rectification item, pre-filled with the unit and the finding."""
    params = {"unit": unit_code or "", "title": title, "source": SOURCE}
    return f"{reverse('assessment:rectification_new')}?{urlencode(params)}"
