"""Office templates render within limits of time, memory and output (issue 12): the payloads of
the probe (a nested range(100000) loop, 'x'*3000000000) and the tricks found since are refused
with 模板运行超出限制, at upload and when a letter is made, with nothing saved and no 500.

Memory is bounded by measure (tracemalloc in this process, ru_maxrss of the render children),
never by timing."""

from __future__ import annotations

import io
import resource
import tracemalloc
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from gongkai.applications import letter_sandbox, letters, services
from gongkai.applications.letter_sandbox import LimitExceeded
from gongkai.applications.models import Application, Letter, LetterKind, LetterTemplate
from gongkai.core.errors import ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from tests.applications.letters.building import D, docx_with, fresh, letter_text, refused, register

MB = 1024 * 1024
PAYLOADS = {
    # The probe's two.
    "nested range": "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
    "repeat": "{{ 'x'*3000000000 }}",
    # Inside every single limit, together too much: 10⁸ iterations.
    "nested loops": "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}",
    "percent width": "{{ '%0999999999d' % 1 }}",
    "format width": "{{ '{:>999999999}'.format(1) }}",
    "format filter": "{{ '%0999999999d'|format(1) }}",
    "center": "{{ applicant_name|center(999999999) }}",
    "ljust": "{{ applicant_name.ljust(999999999) }}",
    "join": "{{ range(10000)|join('x'*100000) }}",
    "join method": "{{ ('x'*100000).join(range(10000)|map('string')) }}",
    "replace": "{{ ('x'*100000)|replace('x', 'x'*1000) }}",
    "indent": "{{ ('x\\n'*50000)|indent(1000) }}",
    "power": "{{ 10**100000000 }}",
    "doubling": "{% set a = 'x'*100000 %}{% set b = a + a %}{% set c = b + b %}{{ c + c }}",
    "recursion": "{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "output": "{% for a in range(1000) %}{{ 'x'*100000 }}{% endfor %}",
}


@pytest.fixture
def granted(department: Unit, handler: User) -> Application:
    application = register(handler, department)
    services.application_reply(
        actor=handler, application=application, on=D(2024, 11, 6), outcome="grant"
    )
    return fresh(application)


@pytest.mark.parametrize("source", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_the_sandbox_refuses_before_it_allocates(source: str) -> None:
    """The first layer, in this process: refused with a reason, and less than 64 MB allocated
    on the way (the probe's 'x'*3000000000 took 3 GB)."""
    context = letters.sample_letter_context(LetterKind.REPLY_GRANT)
    tracemalloc.start()
    try:
        with pytest.raises(Exception) as caught:
            letters._render(docx_with(source), context, isolated=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * MB
    assert letters._problem(caught.value).startswith("模板运行超出限制：")


@pytest.mark.parametrize("name", ["nested range", "repeat", "join", "output"])
def test_a_template_over_its_limits_is_refused_at_upload(office: User, name: str) -> None:
    with refused(ValidationFailed, "^模板运行超出限制：.+。请修改后重新上传"):
        letters.letter_template_upload(
            actor=office, kind=LetterKind.REPLY_GRANT, data=docx_with(PAYLOADS[name])
        )
    assert not LetterTemplate.objects.exists()
    assert not AuditEntry.objects.filter(action="letter_template.upload").exists()


def test_a_stored_template_over_its_limits_makes_no_letter(
    handler: User, granted: Application
) -> None:
    # Stored before the limits existed (an older release, a restored backup).
    LetterTemplate.objects.create(
        kind=LetterKind.REPLY_GRANT,
        file=ContentFile(docx_with(PAYLOADS["repeat"]), name="reply_grant.docx"),
    )
    with refused(
        ValidationFailed,
        r"^县政务公开办上传的《.+》模板运行超出限制：重复的结果过长.*恢复为内置模板",
    ):
        letters.letter_generate(actor=handler, application=granted, kind=LetterKind.REPLY_GRANT)
    assert not Letter.objects.exists()
    assert not AuditEntry.objects.filter(action="application.letter").exists()


def test_the_child_stops_what_the_sandbox_does_not_know(
    monkeypatch: pytest.MonkeyPatch, office: User
) -> None:
    """The second layer: with the first one's size and step limits out of the way, the child's
    address-space limit and timeout still refuse, and this process does not grow."""
    monkeypatch.setattr(letter_sandbox, "MAX_TEXT", 10**12)
    monkeypatch.setattr(letter_sandbox, "MAX_STEPS", 10**12)
    monkeypatch.setattr(letter_sandbox, "MAX_RANGE", 10**12)
    monkeypatch.setattr(letter_sandbox, "SECONDS", 1000.0)
    monkeypatch.setattr(letter_sandbox, "CHILD_SECONDS", 1.0)
    monkeypatch.setattr(letter_sandbox, "CHILD_MEMORY_BYTES", 128 * MB)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with refused(ValidationFailed, "^模板运行超出限制：占用内存过多"):
        letters.letter_template_upload(
            actor=office, kind=LetterKind.FEE, data=docx_with(PAYLOADS["repeat"])
        )
    with refused(ValidationFailed, "^模板运行超出限制：运行时间过长"):
        letters.letter_template_upload(
            actor=office, kind=LetterKind.FEE, data=docx_with(PAYLOADS["nested loops"])
        )
    assert not LetterTemplate.objects.exists()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown * 1024 < 64 * MB
    # The children themselves stayed within their limit (ru_maxrss is in KiB on Linux).
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 < 1024 * MB


def test_a_template_within_limits_renders_as_before(
    office: User, handler: User, granted: Application
) -> None:
    """Loops, filters and string methods of ordinary size still work in an office template."""
    source = (
        "{{ applicant_name|center(10) }}|{% for n in range(3) %}{{ n }}{% endfor %}|"
        "{{ '%03d' % 7 }}|{{ '{:>4}'.format(1) }}|{{ ['a', 'b']|join('、') }}|"
        "{{ applicant_name.replace('王', '汪') }}|{{ 2**10 }}|{{ '-'*3 }}"
    )
    letters.letter_template_upload(
        actor=office, kind=LetterKind.REPLY_GRANT, data=docx_with(source)
    )
    letter = letters.letter_generate(
        actor=handler, application=granted, kind=LetterKind.REPLY_GRANT
    )
    assert letter_text(letter) == "   王小明    |012|007|   1|a、b|汪小明|1024|---"


def test_the_web_upload_refuses_with_the_reason(client: Client, office: User) -> None:
    client.force_login(office)
    upload = io.BytesIO(docx_with(PAYLOADS["nested range"]))
    upload.name = "模板.docx"
    response = client.post(
        reverse("applications:letter_template_upload", args=["reply_grant"]), {"file": upload}
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "模板运行超出限制：range 的范围过大" in html
    assert not LetterTemplate.objects.exists()


def test_lipsum_is_not_there() -> None:
    """lipsum(n) writes n paragraphs of filler; a letter needs none."""
    context = letters.sample_letter_context(LetterKind.REPLY_GRANT)
    with pytest.raises(Exception) as caught:
        letters._render(docx_with("{{ lipsum(1000000) }}"), context, isolated=False)
    assert letters._problem(caught.value) == "模板使用了不存在的字段“lipsum”"


def test_limit_exceeded_is_a_template_error() -> None:
    """Callers that catch Jinja's TemplateError (docxtpl, letters._problem) see the refusal."""
    from jinja2 import TemplateError

    exc: Any = LimitExceeded("运行时间过长", "deadline")
    assert isinstance(exc, TemplateError) and exc.reason == "运行时间过长"


def test_an_expression_that_cannot_be_computed_says_so(office: User) -> None:
    with refused(ValidationFailed, "^模板无法使用：模板中的表达式无法计算（OverflowError"):
        letters.letter_template_upload(
            actor=office, kind=LetterKind.FEE, data=docx_with("{{ 10.0 ** 100000 }}")
        )
