"""After applying, a printable receipt (回执) shown once to the browser that applied; after the
reply is delivered, the letter downloadable from the tracking page through a signed link that
expires, never before delivery and never by a guessable address (issue 11)."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape
from typing import Any

import docx
import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from gongkai.applications import letters, services
from gongkai.applications.models import Application, LetterKind
from gongkai.applications.views import public
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from tests.applications.views.inputs import (
    ADDRESS,
    ID_NUMBER,
    NAME,
    PHONE,
    form_data,
    register,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2024-09-27 09:00 +0800", tick=False)


def _track(client: Client, number: str, code: str) -> str:
    response = client.post(reverse("portal:apply_track"), {"tracking_no": number, "code": code})
    assert response.status_code == 200
    return response.content.decode()


def _letter_url(html: str) -> str:
    found = re.search(r'<a class="button" href="([^"]+)" download>下载答复文书', html)
    assert found is not None
    return unescape(found.group(1))


def test_the_receipt_after_applying_is_printable_and_holds_no_contact_data(
    client: Client, department: Unit
) -> None:
    description = "2024年本县城乡最低生活保障资金的分配文件" + "及其附件" * 60
    response = client.post(reverse("portal:apply"), form_data(department, description=description))
    assert response.status_code == 302
    done = client.get(reverse("portal:apply_done"))
    assert done.status_code == 200 and done["Cache-Control"] == "private, no-store"
    html = done.content.decode()
    application = Application.objects.get()
    code = done.context["submitted"]["code"]
    assert services.query_code_matches(application, code)
    assert "政府信息公开申请回执" in html
    assert '<button type="button" class="button" data-print>打印回执</button>' in html
    assert "gongkai/print.js" in html  # the button's script: no onclick under the CSP
    for shown in (
        application.tracking_no,
        code,
        NAME,  # typed by the applicant, who is looking at it
        "县民政局",
        "互联网",
        "2024年9月27日",
        "待受理机关与您确认，以双方确认之日为收到申请之日（条例第三十一条）",
        "2024年本县城乡最低生活保障资金的分配文件及其附件",
        "自收到申请之日起20个工作日内答复（条例第三十三条）",
        # 20 working days from Friday 09-27: 10-01..07 off, Saturday 10-12 worked.
        "受理机关在提交当日确认收到的，最迟于2024年10月30日答复",
        "http://testserver/apply/track/",
    ):
        assert shown in html, shown
    # What was asked for is summed up; identity and contacts stay off the receipt.
    assert description not in html
    for secret in (ID_NUMBER, PHONE, ADDRESS, "342700"):
        assert secret not in html, secret
    # Shown once, to this browser only.
    assert client.get(reverse("portal:apply_done"))["Location"] == reverse("portal:apply")
    assert Client().get(reverse("portal:apply_done"))["Location"] == reverse("portal:apply")


@pytest.fixture
def delivered(handler: User, department: Unit, time_machine: Any) -> tuple[Application, str]:
    application, code = register(handler, department, D(2024, 9, 27))
    services.application_accept(actor=handler, application=application)
    time_machine.move_to("2024-10-29 09:00 +0800", tick=False)
    services.application_reply(
        actor=handler, application=application, on=D(2024, 10, 29), outcome="grant"
    )
    return application, code


def test_the_letter_is_downloadable_only_once_delivered(
    client: Client, handler: User, delivered: tuple[Application, str], time_machine: Any
) -> None:
    application, code = delivered
    letters.letter_generate(actor=handler, application=application, kind=LetterKind.REPLY_GRANT)
    # Replied, not yet delivered: no letter on the tracking page.
    html = _track(client, application.tracking_no, code)
    assert "下载答复文书" not in html and "/apply/letter/" not in html
    assert letters.delivered_letter(Application.objects.get(pk=application.pk)) is None

    time_machine.move_to("2024-10-30 09:00 +0800", tick=False)
    services.application_deliver(
        actor=handler, application=application, on=D(2024, 10, 30), way="email"
    )
    html = _track(client, application.tracking_no, code)
    assert "政府信息公开申请答复告知书（予以公开）已于2024-10-30送达" in html
    assert "下载链接30分钟内有效" in html
    url = _letter_url(html)
    # The address is signed for this application: nothing in it can be guessed or changed.
    assert application.tracking_no not in url and code not in url
    response = Client().get(url)  # the link itself is the proof, in any browser, for a while
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
    assert NAME in text
    entry = AuditEntry.objects.get(action="application.letter_download")
    assert entry.target_id == str(application.pk) and entry.actor is None
    assert entry.data["by"] == "applicant"

    tampered = url.replace(url.split("/")[-2][:6], "AAAAAA", 1)
    assert client.get(tampered).status_code == 404
    assert client.get(reverse("portal:apply_letter", args=["1:2:3"])).status_code == 404
    # After LETTER_LINK_AGE the link asks for the number and code again.
    time_machine.move_to("2024-10-30 09:31 +0800", tick=False)
    expired = client.get(url)
    assert expired.status_code == 410
    assert "下载链接已过期" in expired.content.decode()
    assert AuditEntry.objects.filter(action="application.letter_download").count() == 1


def test_a_delivered_reply_without_a_generated_letter_says_so(
    client: Client, handler: User, delivered: tuple[Application, str], time_machine: Any
) -> None:
    application, code = delivered
    time_machine.move_to("2024-10-30 09:00 +0800", tick=False)
    services.application_deliver(
        actor=handler, application=application, on=D(2024, 10, 30), way="in_person"
    )
    html = _track(client, application.tracking_no, code)
    assert "本站暂无该答复文书的电子版" in html
    assert "/apply/letter/" not in html


def test_a_link_for_another_letter_of_the_application_is_refused(
    client: Client, handler: User, delivered: tuple[Application, str], time_machine: Any
) -> None:
    application, _code = delivered
    old = letters.letter_generate(
        actor=handler, application=application, kind=LetterKind.REPLY_GRANT
    )
    time_machine.move_to("2024-10-30 09:00 +0800", tick=False)
    services.application_deliver(
        actor=handler, application=application, on=D(2024, 10, 30), way="email"
    )
    newer = letters.letter_generate(
        actor=handler, application=application, kind=LetterKind.REPLY_GRANT
    )
    assert letters.delivered_letter(Application.objects.get(pk=application.pk)) == newer
    # A link once signed for the older copy no longer leads anywhere.
    token = signing.dumps({"a": application.pk, "l": old.pk}, salt=public.LETTER_SALT)
    assert client.get(reverse("portal:apply_letter", args=[token])).status_code == 404
