"""Letters on the application's page: generate each kind its steps call for, download it as a
Word attachment that opens; the office's page for the templates."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications import letters, services
from gongkai.applications.models import Application, Letter, LetterKind, LetterTemplate
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from tests.applications.views.inputs import register

pytestmark = pytest.mark.django_db
D = dt.date
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2024-11-08 10:00 +0800", tick=False)


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def _generate(client: Client, application: Application, kind: str) -> str:
    response = client.post(
        reverse("applications:letter_generate", args=[application.pk]), {"kind": kind}
    )
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


@pytest.fixture
def replied(handler: User, department: Unit) -> Application:
    application, _code = register(handler, department, D(2024, 9, 27))
    services.application_request_supplement(
        actor=handler,
        application=application,
        on=D(2024, 9, 30),
        deadline=D(2024, 10, 15),
        items="请写明年份",
    )
    services.application_supplemented(actor=handler, application=application, on=D(2024, 10, 14))
    services.application_reply(
        actor=handler, application=application, on=D(2024, 11, 5), outcome="not_held"
    )
    return application


def test_the_page_offers_the_letters_the_steps_call_for(
    client: Client, handler: User, replied: Application
) -> None:
    client.force_login(handler)
    html = client.get(reverse("applications:detail", args=[replied.pk])).content.decode()
    assert f"生成{LetterKind.SUPPLEMENT.label}" in html
    assert f"生成{LetterKind.REPLY_UNAVAILABLE.label}" in html
    assert f"生成{LetterKind.EXTENSION.label}" not in html
    assert f"生成{LetterKind.REPLY_GRANT.label}" not in html


@pytest.mark.parametrize("kind", [LetterKind.SUPPLEMENT, LetterKind.REPLY_UNAVAILABLE])
def test_generate_and_download_a_letter_that_opens_in_word(
    client: Client, handler: User, replied: Application, kind: str
) -> None:
    client.force_login(handler)
    html = _generate(client, replied, kind)
    assert f"已生成{LetterKind(kind).label}" in html
    letter = Letter.objects.get(application=replied, kind=kind)
    assert reverse("applications:letter", args=[letter.pk]) in html
    response = client.get(reverse("applications:letter", args=[letter.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == (
        f'attachment; filename="{replied.tracking_no}-{kind}.docx"'
    )
    assert response["Cache-Control"] == "private, no-store"
    text = _text(b"".join(response.streaming_content))  # type: ignore[arg-type]
    assert f"申请编号：{replied.tracking_no}" in text
    assert "王小明：" in text and "县民政局" in text
    expected = {"supplement": "2024年9月30日", "reply_unavailable": "2024年11月5日"}[kind]
    assert expected in text


def test_a_letter_for_a_step_not_taken_is_refused_on_the_page(
    client: Client, handler: User, replied: Application
) -> None:
    client.force_login(handler)
    html = _generate(client, replied, LetterKind.EXTENSION)
    assert "该申请没有延期答复，不能生成延期答复告知书。" in html
    html = _generate(client, replied, LetterKind.REPLY_GRANT)
    assert "应生成《政府信息公开申请答复告知书（无法提供）》" in html
    html = _generate(client, replied, "nonsense")
    assert "文书：" in html
    assert not Letter.objects.exists()


def test_letters_keep_to_the_unit_boundary(
    client: Client, handler: User, other_handler: User, leader: User, replied: Application
) -> None:
    client.force_login(handler)
    _generate(client, replied, LetterKind.SUPPLEMENT)
    letter = Letter.objects.get()
    client.force_login(other_handler)
    assert client.get(reverse("applications:letter", args=[letter.pk])).status_code == 404
    response = client.post(
        reverse("applications:letter_generate", args=[replied.pk]), {"kind": "supplement"}
    )
    assert response.status_code == 404
    # A leader reads the letter but may not generate one.
    client.force_login(leader)
    assert client.get(reverse("applications:letter", args=[letter.pk])).status_code == 200
    response = client.post(
        reverse("applications:letter_generate", args=[replied.pk]), {"kind": "supplement"}
    )
    assert response.status_code == 403
    assert Letter.objects.count() == 1


def test_the_office_manages_the_templates(client: Client, office: User, handler: User) -> None:
    client.force_login(handler)
    assert client.get(reverse("applications:letter_templates")).status_code == 403
    url = reverse("applications:letter_template", args=["reply_grant"])
    assert client.get(url).status_code == 403

    client.force_login(office)
    html = client.get(reverse("applications:letter_templates")).content.decode()
    for kind in LetterKind:
        assert kind.label in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    # The kind's name, percent-encoded for the browser (RFC 6266).
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''%E6%94%BF")
    data = response.content
    assert data == letters.current_template_bytes("reply_grant")
    docx.Document(io.BytesIO(data))  # opens in Word

    upload = io.BytesIO(data)
    upload.name = "我的模板.docx"
    response = client.post(
        reverse("applications:letter_template_upload", args=["reply_grant"]),
        {"file": upload, "note": "加盖公章位置调整"},
    )
    assert response.status_code == 302
    assert LetterTemplate.objects.filter(kind="reply_grant").exists()
    html = client.get(reverse("applications:letter_templates")).content.decode()
    assert "公开办上传" in html and "加盖公章位置调整" in html
    assert AuditEntry.objects.filter(actor=office).exists()

    bad = io.BytesIO(b"not a word file")
    bad.name = "x.docx"
    response = client.post(
        reverse("applications:letter_template_upload", args=["reply_grant"]), {"file": bad}
    )
    html = client.get(response["Location"]).content.decode()
    assert "不是有效的Word（.docx）文件" in html

    response = client.post(reverse("applications:letter_template_reset", args=["reply_grant"]))
    assert response.status_code == 302
    assert not LetterTemplate.objects.filter(kind="reply_grant").exists()
    assert client.get(reverse("applications:letter_template", args=["nope"])).status_code == 404
