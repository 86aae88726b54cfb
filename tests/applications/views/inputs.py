"""What applicants and staff type in the application page tests, and small page helpers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import Application, Channel
from gongkai.orgs.models import Unit, User

# A valid resident ID number (GB 11643 check digit) and a mobile number: the pages must never
# show them whole except to the handling unit and the office, on request.
NAME = "王小明"
ID_NUMBER = "360735198506151233"
ID_MASKED = "360735********1233"
PHONE = "13807971234"
PHONE_MASKED = "138****1234"
ADDRESS = "石城县琴江镇古樟村一组18号"
APPLICANT: dict[str, Any] = {
    "applicant_type": "natural",
    "applicant_name": NAME,
    "id_kind": "居民身份证",
    "id_number": ID_NUMBER,
    "phone": PHONE,
    "address": ADDRESS,
    "description": "2024年本县城乡最低生活保障资金的分配文件",
}
_CSRF = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


def form_data(unit: Unit, **overrides: Any) -> dict[str, Any]:
    """POST data of the application form (public and staff) for a complete application."""
    data: dict[str, Any] = {
        "unit": str(unit.pk),
        "applicant_type": "natural",
        "applicant_name": NAME,
        "id_kind": "居民身份证",
        "id_number": ID_NUMBER,
        "contact_name": "",
        "phone": PHONE,
        "email": "",
        "address": ADDRESS,
        "postcode": "342700",
        "description": "2024年本县城乡最低生活保障资金的分配文件",
        "info_form": "electronic",
        "delivery_way": "email",
    }
    data.update(overrides)
    return data


def register(handler: User, unit: Unit, on: dt.date, **kw: Any) -> tuple[Application, str]:
    """Register an application handed in on ``on`` (through the service, for setting up)."""
    return services.application_register(
        actor=handler,
        unit=unit,
        channel=kw.pop("channel", Channel.IN_PERSON),
        values={**APPLICANT, **kw.pop("values", {})},
        submitted_on=kw.pop("submitted_on", on),
        **kw,
    )


def step(client: Client, name: str, application: Application, **fields: Any) -> str:
    """POST one step's form (its fields are prefixed with the step's URL name) and return the
    application's page the redirect leads to, with the message saying how it went."""
    data = {f"{name}-{key}": value for key, value in fields.items()}
    response = client.post(reverse(f"applications:{name}", args=[application.pk]), data)
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == reverse("applications:detail", args=[application.pk])
    return client.get(response["Location"]).content.decode()


def without_csrf(html: str) -> str:
    return _CSRF.sub("", html)


def fresh(application: Application) -> Application:
    """The application as stored now."""
    return Application.objects.get(pk=application.pk)
