"""The publishing workflow: metadata, checks before publishing, index numbers, review, withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from gongkai.catalog.models import Domain
from gongkai.core.errors import AccessDenied, InvalidTransition, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Role, Unit, User
from gongkai.publications import search, services
from gongkai.publications.models import (
    Attribute,
    Column,
    DocKind,
    FiveClass,
    NonPublicGround,
    Publication,
    PublicationStatus,
    TopicCategory,
    Validity,
)
from tests.factories import CatalogFactory, CatalogItemFactory, MembershipFactory, UserFactory

ID_NUMBER = "360735198506151233"


@pytest.fixture
def dept_reviewer(department: Unit) -> User:
    user: User = UserFactory(username="mzj_reviewer")
    MembershipFactory(user=user, unit=department, role=Role.REVIEWER)
    return user


def values(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": "关于2024年城乡最低生活保障标准的通知",
        "doc_number": "石民字〔2024〕12号",
        "written_on": dt.date(2024, 3, 1),
        "topic": TopicCategory.objects.get(code="1600"),
        "five_class": FiveClass.RESULT,
        "column": Column.objects.get(code="notices"),
        "body": "<p>各乡镇：</p><p>现将2024年最低生活保障标准通知如下。</p>",
    }
    base.update(overrides)
    return base


def draft(editor: User, unit: Unit, **overrides: Any) -> Publication:
    return services.publication_create(actor=editor, unit=unit, values=values(**overrides))


def published(editor: User, reviewer: User, unit: Unit, **overrides: Any) -> Publication:
    item = draft(editor, unit, **overrides)
    services.publication_submit(actor=editor, publication=item)
    return services.publication_approve(actor=reviewer, publication=item)


@time_machine.travel("2024-03-20 10:00 +0800", tick=False)
def test_approval_publishes_with_index_number_and_metadata(
    department: Unit, editor: User, dept_reviewer: User
) -> None:
    item = published(editor, dept_reviewer, department)
    assert item.status == PublicationStatus.PUBLISHED
    assert item.index_no == "MZJ-1600-2024-00001"
    assert item.issuer == "县民政局"
    assert item.published_at is not None
    second = published(editor, dept_reviewer, department, title="第二件")
    assert second.index_no == "MZJ-1600-2024-00002"
    assert item.body_text == "各乡镇：\n现将2024年最低生活保障标准通知如下。"
    assert [v.action for v in item.versions.all()] == ["create", "submit", "approve"]
    assert AuditEntry.objects.filter(action="publication.approve").count() == 2


def test_index_numbers_are_never_reused_after_withdrawal(
    department: Unit, editor: User, dept_reviewer: User
) -> None:
    first = published(editor, dept_reviewer, department)
    services.publication_withdraw(actor=dept_reviewer, publication=first, reason="内容有误")
    again = published(editor, dept_reviewer, department)
    assert first.index_no != again.index_no
    first.refresh_from_db()
    assert first.status == PublicationStatus.WITHDRAWN
    assert first.index_no is not None
    assert first.withdrawal_reason == "内容有误"


def test_index_pattern_is_configurable(
    department: Unit, editor: User, dept_reviewer: User, settings: Any
) -> None:
    settings.GONGKAI_INDEX_PATTERN = "{org_code}/{year}-{sequence:05d}"
    department.org_code = "11441700007280420Y"
    department.save()
    item = published(editor, dept_reviewer, department)
    assert item.index_no is not None
    assert item.index_no.startswith("11441700007280420Y/")
    assert item.index_no.endswith("-00001")


def test_unmasked_id_number_blocks_publication_until_a_reason_is_given(
    department: Unit, editor: User, dept_reviewer: User
) -> None:
    item = draft(editor, department, body=f"<p>申请人身份证号{ID_NUMBER}，予以救助。</p>")
    services.publication_submit(actor=editor, publication=item)
    item.refresh_from_db()
    assert [f["kind"] for f in item.findings] == ["id_number"]
    with pytest.raises(ValidationFailed) as caught:
        services.publication_approve(actor=dept_reviewer, publication=item)
    assert any("身份证号" in p and ID_NUMBER not in p for p in caught.value.problems)
    item.refresh_from_db()
    assert item.status == PublicationStatus.SUBMITTED
    assert item.index_no is None
    services.publication_approve(
        actor=dept_reviewer, publication=item, override_reason="经本人书面同意公开"
    )
    item.refresh_from_db()
    assert item.status == PublicationStatus.PUBLISHED
    assert item.override_reason == "经本人书面同意公开"
    assert "放行" in item.versions.last().comment  # type: ignore[union-attr]


def test_masked_numbers_and_credit_codes_do_not_block(
    department: Unit, editor: User, dept_reviewer: User
) -> None:
    item = published(
        editor,
        dept_reviewer,
        department,
        body="<p>身份证号360735********1233，统一社会信用代码91360735MA35G1XC6Q。</p>",
    )
    assert item.status == PublicationStatus.PUBLISHED


def test_wrong_words_warn_but_do_not_block(
    department: Unit, editor: User, dept_reviewer: User
) -> None:
    item = published(editor, dept_reviewer, department, body="<p>请到县国土资源局办理。</p>")
    assert item.status == PublicationStatus.PUBLISHED
    assert [f["severity"] for f in item.findings] == ["warn"]


def test_docx_attachment_text_is_checked(
    department: Unit, editor: User, dept_reviewer: User
) -> None:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph(f"附件：救助对象 张三 {ID_NUMBER}")
    buffer = io.BytesIO()
    document.save(buffer)
    item = draft(editor, department)
    services.publication_attach(
        actor=editor, publication=item, name="名单.docx", data=buffer.getvalue()
    )
    services.publication_submit(actor=editor, publication=item)
    item.refresh_from_db()
    assert [(f["where"], f["kind"]) for f in item.findings] == [("附件“名单.docx”", "id_number")]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("通知.pdf", b"not really a pdf", "内容与扩展名"),
        ("脚本.exe", b"MZ\x90\x00", "不支持"),
        ("图片.png", b"\xff\xd8\xff\xe0 jpeg bytes", "内容与扩展名"),
        ("空.pdf", b"", "空的"),
    ],
)
def test_attachments_are_checked_by_content(
    department: Unit, editor: User, name: str, data: bytes, message: str
) -> None:
    item = draft(editor, department)
    with pytest.raises(ValidationFailed) as caught:
        services.publication_attach(actor=editor, publication=item, name=name, data=data)
    assert message in caught.value.message
    assert not item.attachments.exists()


def test_real_pdf_is_accepted(department: Unit, editor: User) -> None:
    item = draft(editor, department)
    attachment = services.publication_attach(
        actor=editor, publication=item, name="通知.pdf", data=b"%PDF-1.4\n%test\n"
    )
    assert attachment.kind == "pdf"
    assert len(attachment.sha256) == 64


def test_body_is_sanitised(department: Unit, editor: User) -> None:
    item = draft(
        editor,
        department,
        body='<p onclick="steal()">正文<script>alert(1)</script><a href="javascript:x">链接</a></p>',
    )
    assert "script" not in item.body
    assert "onclick" not in item.body
    assert "javascript" not in item.body
    assert "正文" in item.body


def test_not_public_needs_a_legal_ground_and_is_retained_then_reviewed(
    department: Unit, editor: User, dept_reviewer: User
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        draft(editor, department, attribute=Attribute.NOT_PUBLIC, attribute_reason="隐私")
    assert "法律依据" in refused.value.message
    item = draft(editor, department, attribute=Attribute.ON_REQUEST)
    with pytest.raises(ValidationFailed) as caught:
        services.publication_submit(actor=editor, publication=item)
    assert any("属性认定理由" in p for p in caught.value.problems)
    services.publication_update(
        actor=editor,
        publication=item,
        values={
            "attribute": Attribute.NOT_PUBLIC,
            "non_public_ground": NonPublicGround.ART15,
            "attribute_reason": "涉及个人隐私",
        },
    )
    services.publication_submit(actor=editor, publication=item)
    with time_machine.travel("2024-04-10 09:00 +0800", tick=False):
        services.publication_approve(actor=dept_reviewer, publication=item)
    item.refresh_from_db()
    assert item.status == PublicationStatus.RETAINED
    assert item.review_due == dt.date(2025, 4, 10)
    assert item.published_at is None
    assert not search.search("最低生活保障", Publication.objects.all()).items
    services.publication_review(
        actor=dept_reviewer, publication=item, release=False, comment="仍涉隐私"
    )
    item.refresh_from_db()
    assert item.status == PublicationStatus.RETAINED
    services.publication_review(
        actor=dept_reviewer, publication=item, release=True, comment="当事人同意"
    )
    item.refresh_from_db()
    assert item.status == PublicationStatus.PUBLISHED
    assert item.attribute == Attribute.PROACTIVE
    assert [v.action for v in item.versions.all()][-2:] == ["keep", "release"]


def test_editor_cannot_approve_and_other_units_cannot_touch(
    department: Unit, editor: User, other_editor: User
) -> None:
    item = draft(editor, department)
    with pytest.raises(AccessDenied):
        services.publication_update(actor=other_editor, publication=item, values={"title": "改"})
    services.publication_submit(actor=editor, publication=item)
    with pytest.raises(AccessDenied):
        services.publication_approve(actor=editor, publication=item)
    with pytest.raises(AccessDenied):
        services.publication_return(actor=other_editor, publication=item, comment="不行")


def test_return_then_resubmit_and_no_edit_after_publication(
    department: Unit, editor: User, dept_reviewer: User
) -> None:
    item = draft(editor, department)
    services.publication_submit(actor=editor, publication=item)
    with pytest.raises(ValidationFailed):
        services.publication_return(actor=dept_reviewer, publication=item, comment=" ")
    services.publication_return(actor=dept_reviewer, publication=item, comment="文号有误")
    services.publication_update(
        actor=editor, publication=item, values={"doc_number": "石民字〔2024〕13号"}
    )
    services.publication_submit(actor=editor, publication=item)
    services.publication_approve(actor=dept_reviewer, publication=item)
    with pytest.raises(InvalidTransition):
        services.publication_update(actor=editor, publication=item, values={"title": "改"})
    with pytest.raises(ValidationFailed):
        services.publication_withdraw(actor=dept_reviewer, publication=item, reason="")


@pytest.mark.parametrize(
    ("published_on", "late"),
    [("2024-03-29", False), ("2024-03-29", False), ("2024-04-03", True)],
)
def test_late_publication_is_flagged_by_working_days(
    department: Unit, editor: User, dept_reviewer: User, published_on: str, late: bool
) -> None:
    # 成文 2024-03-01 (Friday): 20 working days later is 2024-03-29 (条例第26条).
    with time_machine.travel(f"{published_on} 10:00 +0800", tick=False):
        item = published(editor, dept_reviewer, department)
    assert item.due_on == dt.date(2024, 3, 29)
    assert item.is_late is late


def test_unknown_calendar_year_is_not_guessed(
    department: Unit, editor: User, dept_reviewer: User
) -> None:
    with time_machine.travel("2027-02-01 10:00 +0800", tick=False):
        item = published(editor, dept_reviewer, department, written_on=dt.date(2027, 1, 10))
    assert item.due_on is None
    assert item.is_late is False


def test_normative_documents_need_validity_and_can_be_updated(
    department: Unit, editor: User, dept_reviewer: User
) -> None:
    item = draft(editor, department, doc_kind=DocKind.NORMATIVE)
    with pytest.raises(ValidationFailed):
        services.publication_submit(actor=editor, publication=item)
    services.publication_update(
        actor=editor,
        publication=item,
        values={"validity": Validity.VALID, "effective_on": dt.date(2024, 4, 1)},
    )
    services.publication_submit(actor=editor, publication=item)
    services.publication_approve(actor=dept_reviewer, publication=item)
    services.publication_set_validity(
        actor=dept_reviewer, publication=item, validity=Validity.REPEALED, comment="被新文件废止"
    )
    item.refresh_from_db()
    assert item.validity == Validity.REPEALED
    assert item.versions.last().action == "validity"  # type: ignore[union-attr]


def test_catalog_items_must_belong_to_the_unit(
    department: Unit, other_department: Unit, editor: User, domain: Domain
) -> None:
    own = CatalogItemFactory(catalog=CatalogFactory(unit=department), domain=domain)
    foreign = CatalogItemFactory(catalog=CatalogFactory(unit=other_department), domain=domain)
    item = draft(editor, department, catalog_items=[own])
    assert list(item.catalog_items.all()) == [own]
    with pytest.raises(ValidationFailed):
        services.publication_update(
            actor=editor, publication=item, values={"catalog_items": [foreign]}
        )


def test_future_written_date_is_refused(department: Unit, editor: User) -> None:
    item = draft(editor, department, written_on=dt.date(2099, 1, 1))
    with pytest.raises(ValidationFailed):
        services.publication_submit(actor=editor, publication=item)
