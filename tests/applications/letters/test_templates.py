"""The built-in templates (committed files, in step with build.py) and the office's own: upload
checked by rendering, used instead of the built-in, reset, and refused when broken."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.files.base import ContentFile
from docx.oxml.ns import qn
from docx.shared import Cm
from jinja2 import StrictUndefined, nodes
from jinja2.sandbox import SandboxedEnvironment

from gongkai.applications import letters, outcomes, services
from gongkai.applications.letter_templates import build
from gongkai.applications.models import Application, Letter, LetterKind, LetterTemplate
from gongkai.core.errors import AccessDenied, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from tests.applications.letters.building import (
    D,
    docx_text,
    docx_with,
    fresh,
    letter_text,
    refused,
    register,
)

TEMPLATE_DIR = Path(build.__file__).resolve().parent
OFFICE_TEMPLATE = (
    "石城县政务公开统一答复",
    "{{ applicant_name }}：",
    "编号{{ tracking_no }}，{{ received_on }}收到，{{ outcome_label }}。",
    "{{ remedies }}",
)


@pytest.fixture
def granted(department: Unit, handler: User) -> Application:
    application = register(handler, department)
    services.application_reply(
        actor=handler, application=application, on=D(2024, 11, 6), outcome="grant"
    )
    return fresh(application)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


# ------------------------------------------------------------------------------- built-in


def test_every_kind_has_a_committed_template_in_step_with_build_py() -> None:
    committed = {path.stem for path in TEMPLATE_DIR.glob("*.docx")}
    assert committed == set(LetterKind.values) == set(build.KINDS)
    for kind, spec in build.LETTERS.items():
        # Compared part by part, uncompressed: zlib may pack the same text differently.
        assert _parts(build.build(spec)) == _parts(letters.builtin_template_bytes(kind)), (
            f"{kind}.docx is outdated: run python -m gongkai.applications.letter_templates.build"
        )


@pytest.mark.parametrize("kind", LetterKind.values)
def test_builtin_layout_is_an_official_letter(kind: str) -> None:
    document = docx.Document(io.BytesIO(letters.builtin_template_bytes(kind)))
    section = document.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.01)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.01)
    title, *rest = [p for p in document.paragraphs if p.text]
    assert title.alignment == 1  # centred
    fonts = title.runs[0]._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == build.TITLE_FONT
    body = [p for p in rest if p.runs and not p.text.startswith("{%p")]
    assert all(p.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋" for p in body)
    text = docx_text(letters.builtin_template_bytes(kind))
    assert "申请编号：{{ tracking_no }}" in text
    assert "{{ unit_name }}\n{{ letter_date }}" in text
    assert "联系人：{{ contact_person }}" in text
    # A reply of 其他 rests on no article of the 条例; every other letter cites one.
    assert ("{{ legal_basis }}" in text) == (kind != "reply_other")
    addressee = "{{ consultation_party }}：" if kind == "consultation" else "{{ applicant_name }}："
    assert addressee in text
    decides = kind.startswith(("reply_", "notice_"))
    assert ("{{ remedies }}" in text) == decides


def test_every_field_is_documented(granted: Application) -> None:
    for kind in LetterKind.values:
        assert set(letters.sample_letter_context(kind)) == set(letters.LETTER_FIELDS), kind
    assert all(meaning.strip() for meaning in letters.LETTER_FIELDS.values())
    context = letters.letter_context(granted, kind=LetterKind.REPLY_GRANT, on=D(2024, 11, 6))
    assert set(context) == set(letters.LETTER_FIELDS)
    assert context["received_on"] == "2024年11月4日"
    assert context["outcome_label"] == "予以公开"
    assert context["article36_item"] == "第三十六条第（二）项"
    assert not any(name.startswith("transfer") for name in letters.LETTER_FIELDS)


@pytest.mark.parametrize(
    ("code", "item"),
    [
        ("grant", "第三十六条第（二）项"),
        ("published", "第三十六条第（一）项"),
        ("partial", "第三十六条第（二）项和第（三）项"),
        ("third_party", "第三十六条第（三）项"),
        ("not_held", "第三十六条第（四）项"),
        ("not_responsible", "第三十六条第（五）项"),
        ("repeated", "第三十六条第（六）项"),
        ("query_matter", "第三十六条第（七）项"),
        # Not answered under 第三十六条.
        ("confirm", ""),
        ("publication", ""),
        ("needs_making", ""),
        ("other", ""),
    ],
)
def test_article36_item(code: str, item: str) -> None:
    kind = outcomes.BY_CODE[code].letter
    facts, on = letters._sample_facts(kind)[0]
    context = letters._context(replace(facts, outcome=code), kind=kind, on=on)
    assert context["article36_item"] == item


# ------------------------------------------------------------------------------- samples


def _branch_markers(source: str) -> tuple[nodes.Template, set[str]]:
    """Parse a template and put a marker at the start of every branch of every condition: the
    body of each if/elif, its else, and the implicit empty else of an if without one."""
    environment = SandboxedEnvironment()
    tree = environment.parse(source)
    markers: set[str] = set()

    def mark(body: list[nodes.Node]) -> list[nodes.Node]:
        marker = f"⟦{len(markers)}⟧"
        markers.add(marker)
        return [nodes.Output([nodes.TemplateData(marker)]), *body]

    conditions = list(tree.find_all(nodes.If))
    # An elif is an If node of its own, of which only the test and the body count.
    elifs = {id(branch) for condition in conditions for branch in condition.elif_}
    for condition in conditions:
        if id(condition) in elifs:
            continue
        condition.body = mark(condition.body)
        for branch in condition.elif_:
            branch.body = mark(branch.body)
        condition.else_ = mark(condition.else_)
    return tree, markers


@pytest.mark.parametrize("kind", LetterKind.values)
def test_the_samples_take_every_branch_of_the_builtin_template(kind: str) -> None:
    """letter_template_upload tries an office template on _sample_facts; they must reach every
    branch of the built-in template, or a field misspelt in a branch they miss would pass."""
    # docxtpl turns a paragraph "{%p if … %}" into a plain tag; the text is the Jinja source.
    source = docx_text(letters.builtin_template_bytes(kind)).replace("{%p ", "{% ")
    tree, markers = _branch_markers(source)
    template = SandboxedEnvironment(undefined=StrictUndefined).from_string(tree)
    seen: set[str] = set()
    years = set()
    for facts, on in letters._sample_facts(kind):
        output = template.render(letters._context(facts, kind=kind, on=on))
        seen |= {marker for marker in markers if marker in output}
        years.add(on >= D(2024, 1, 1))
    assert seen == markers, f"{kind}: branches never taken: {sorted(markers - seen)}"
    assert years == {True, False}


def test_the_samples_name_both_remedies() -> None:
    texts = {
        letters._context(facts, kind="reply_partial", on=on)["remedies"]
        for facts, on in letters._sample_facts("reply_partial")
    }
    assert len(texts) == 2 and any("对行政复议决定不服的" in text for text in texts)


def test_chinese_dates_have_no_leading_zeros() -> None:
    assert letters.chinese_date(D(2024, 10, 8)) == "2024年10月8日"
    assert letters.chinese_date(D(2025, 1, 31)) == "2025年1月31日"
    assert letters.chinese_date(None) == ""


# ------------------------------------------------------------------------------- office


def test_office_template_is_used_instead_of_the_builtin(
    office: User, handler: User, granted: Application
) -> None:
    data = docx_with(*OFFICE_TEMPLATE)
    template = letters.letter_template_upload(
        actor=office, kind=LetterKind.REPLY_GRANT, data=data, note="2025年版"
    )
    assert template.note == "2025年版"
    assert letters.current_template_bytes(LetterKind.REPLY_GRANT) == data
    assert letters.builtin_template_bytes(LetterKind.REPLY_GRANT) != data
    letter = letters.letter_generate(
        actor=handler, application=granted, kind=LetterKind.REPLY_GRANT
    )
    assert letter_text(letter) == (
        "石城县政务公开统一答复\n王小明：\n"
        f"编号{granted.tracking_no}，2024年11月4日收到，予以公开。\n"
        "如对本答复不服，可以自收到本答复之日起60日内向石城县人民政府申请行政复议，"
        "或者在6个月内向石城县人民法院提起行政诉讼。"
    )
    assert AuditEntry.objects.filter(action="letter_template.upload").count() == 1
    assert AuditEntry.objects.get(action="application.letter").data["template"] == "office"
    # Other kinds keep their built-in template.
    assert letters.current_template_bytes(LetterKind.REPLY_REFUSE) == (
        letters.builtin_template_bytes(LetterKind.REPLY_REFUSE)
    )


def test_a_new_upload_replaces_the_old_and_removes_its_file(
    office: User, django_capture_on_commit_callbacks: Any
) -> None:
    first = letters.letter_template_upload(
        actor=office, kind=LetterKind.SUPPLEMENT, data=docx_with("{{ applicant_name }}：旧")
    )
    old_path = Path(first.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        second = letters.letter_template_upload(
            actor=office, kind=LetterKind.SUPPLEMENT, data=docx_with("{{ applicant_name }}：新")
        )
    assert LetterTemplate.objects.count() == 1 and second.pk == first.pk
    assert not old_path.exists()
    assert "：新" in docx_text(letters.current_template_bytes(LetterKind.SUPPLEMENT))


@pytest.mark.parametrize(
    ("paragraph", "complaint"),
    [
        ("申请人：{{ unclosed", "占位符或条件写法有误.*“标题 申请人：{{ unclosed”"),
        ("{% if outcome_note %}没有结束的条件", "占位符或条件写法有误"),
        ("{{ aplicant_name }}：", "不存在的字段“aplicant_name”"),
        ("{{ applicant_name.__class__.__mro__ }}", "不允许的操作|不存在的字段"),
    ],
)
def test_a_broken_template_is_refused_at_upload(
    office: User, paragraph: str, complaint: str
) -> None:
    good = letters.letter_template_upload(
        actor=office, kind=LetterKind.REPLY_GRANT, data=docx_with("{{ applicant_name }}：")
    )
    with refused(ValidationFailed, f"^模板无法使用：.*({complaint})"):
        letters.letter_template_upload(
            actor=office, kind=LetterKind.REPLY_GRANT, data=docx_with("标题", paragraph)
        )
    # The template in use is untouched.
    assert LetterTemplate.objects.get() == good
    assert "{{ applicant_name }}：" in docx_text(
        letters.current_template_bytes(LetterKind.REPLY_GRANT)
    )


def test_a_template_is_tried_on_every_outcome_its_kind_covers(office: User) -> None:
    # Breaks only for one refusal ground; the check must still find it.
    data = docx_with(
        '{% if outcome_code == "enforcement" %}{{ no_such_field }}{% endif %}{{ applicant_name }}'
    )
    with refused(ValidationFailed, "no_such_field"):
        letters.letter_template_upload(actor=office, kind=LetterKind.REPLY_REFUSE, data=data)


@pytest.mark.parametrize(
    "data",
    [
        b"not a word file",
        b"%PDF-1.7 ...",
        b"PK\x03\x04 truncated zip",
    ],
)
def test_only_a_docx_is_accepted(office: User, data: bytes) -> None:
    with refused(ValidationFailed, "不是Word文档"):
        letters.letter_template_upload(actor=office, kind=LetterKind.FEE, data=data)
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("content.xml", "<x/>")
    with refused(ValidationFailed, "不是Word文档"):
        letters.letter_template_upload(actor=office, kind=LetterKind.FEE, data=package.getvalue())
    assert not LetterTemplate.objects.exists()


def test_only_the_office_manages_templates(
    office: User, handler: User, editor: User, leader: User
) -> None:
    data = docx_with("{{ applicant_name }}：")
    for user in (handler, editor, leader):
        with refused(AccessDenied, "县政务公开办"):
            letters.letter_template_upload(actor=user, kind=LetterKind.FEE, data=data)
    assert not LetterTemplate.objects.exists()
    letters.letter_template_upload(actor=office, kind=LetterKind.FEE, data=data)
    with refused(AccessDenied, "县政务公开办"):
        letters.letter_template_reset(actor=handler, kind=LetterKind.FEE)
    assert LetterTemplate.objects.exists()


def test_reset_goes_back_to_the_builtin(
    office: User, handler: User, granted: Application, django_capture_on_commit_callbacks: Any
) -> None:
    template = letters.letter_template_upload(
        actor=office, kind=LetterKind.REPLY_GRANT, data=docx_with(*OFFICE_TEMPLATE)
    )
    path = Path(template.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        letters.letter_template_reset(actor=office, kind=LetterKind.REPLY_GRANT)
    assert not LetterTemplate.objects.exists()
    assert not path.exists()
    assert letters.current_template_bytes(LetterKind.REPLY_GRANT) == (
        letters.builtin_template_bytes(LetterKind.REPLY_GRANT)
    )
    letter = letters.letter_generate(
        actor=handler, application=granted, kind=LetterKind.REPLY_GRANT
    )
    assert "政府信息公开申请答复告知书" in letter_text(letter)
    assert AuditEntry.objects.filter(action="letter_template.reset").count() == 1
    # Nothing to reset: nothing happens.
    letters.letter_template_reset(actor=office, kind=LetterKind.REPLY_GRANT)
    assert AuditEntry.objects.filter(action="letter_template.reset").count() == 1


def test_an_office_template_that_fails_names_itself_and_saves_nothing(
    handler: User, granted: Application
) -> None:
    # A template stored without the upload check (an older release, a restored backup).
    LetterTemplate.objects.create(
        kind=LetterKind.REPLY_GRANT,
        file=ContentFile(docx_with("{{ unclosed"), name="reply_grant.docx"),
    )
    with refused(
        ValidationFailed,
        r"^县政务公开办上传的《政府信息公开申请答复告知书（予以公开）》模板无法生成文书：.*"
        r"恢复为内置模板",
    ):
        letters.letter_generate(actor=handler, application=granted, kind=LetterKind.REPLY_GRANT)
    assert not Letter.objects.exists()
    assert not AuditEntry.objects.filter(action="application.letter").exists()


def test_a_missing_template_file_is_reported(handler: User, granted: Application) -> None:
    template = LetterTemplate.objects.create(
        kind=LetterKind.REPLY_GRANT,
        file=ContentFile(docx_with("{{ applicant_name }}"), name="reply_grant.docx"),
    )
    Path(template.file.path).unlink()
    with refused(ValidationFailed, "模板文件已丢失"):
        letters.letter_generate(actor=handler, application=granted, kind=LetterKind.REPLY_GRANT)
    with refused(ValidationFailed, "模板文件已丢失"):
        letters.current_template_bytes(LetterKind.REPLY_GRANT)


def test_unknown_kind(office: User) -> None:
    for call in (letters.builtin_template_bytes, letters.current_template_bytes):
        with refused(ValidationFailed, "请选择文书类型"):
            call("memo")
    with refused(ValidationFailed, "请选择文书类型"):
        letters.letter_template_upload(actor=office, kind="memo", data=docx_with("x"))
