"""The service guide services: who may do what (unit boundary, separation of duties), the
allowed transitions, versions, withdrawal, audit entries, rows and their checked files."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest

from gongkai import textcheck
from gongkai.catalog.models import Domain
from gongkai.core.errors import AccessDenied, InvalidTransition, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Role, Unit, User
from gongkai.serviceguides import services
from gongkai.serviceguides.models import ServiceItem, ServiceStatus
from tests.factories import MembershipFactory
from tests.serviceguides.service_setup import catalog_item, complete_guide, complete_values

pytestmark = pytest.mark.django_db

_BASE = "36073519800101123"
VALID_ID = _BASE + textcheck.id_check_character(_BASE)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def item(department: Unit, domain: Domain) -> Any:
    return catalog_item(department, domain)


@pytest.fixture
def guide(editor: User, department: Unit, item: Any) -> ServiceItem:
    return complete_guide(editor, department, item)


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_editor_drafts_and_the_reviewer_publishes(
    guide: ServiceItem, editor: User, reviewer: User
) -> None:
    assert guide.status == ServiceStatus.DRAFT
    guide = services.service_item_submit(actor=editor, item=guide)
    assert guide.status == ServiceStatus.SUBMITTED
    guide = services.service_item_publish(actor=reviewer, item=guide)
    assert (guide.status, guide.version) == (ServiceStatus.PUBLISHED, 1)
    assert guide.published_at is not None
    actions = list(
        AuditEntry.objects.filter(target_id=str(guide.pk), target_type="serviceguides.serviceitem")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "service.create",
        "service.material_add",
        "service.question_add",
        "service.submit",
        "service.publish",
    ]


def test_another_units_editor_and_reviewer_are_refused(
    guide: ServiceItem, other_editor: User, other_department: Unit
) -> None:
    other_reviewer = MembershipFactory(unit=other_department, role=Role.REVIEWER).user
    with pytest.raises(AccessDenied):
        services.service_item_update(actor=other_editor, item=guide, values={"fee": "100元"})
    with pytest.raises(AccessDenied):
        services.service_item_create(actor=other_editor, unit=guide.unit, values={"name": "x"})
    with pytest.raises(AccessDenied):
        services.material_add(actor=other_editor, service=guide, values={"name": "x"})
    with pytest.raises(AccessDenied):
        services.service_item_publish(actor=other_reviewer, item=guide)
    guide.refresh_from_db()
    assert (guide.fee, guide.status) == ("不收费", ServiceStatus.DRAFT)


def test_a_reviewer_cannot_draft(reviewer: User, department: Unit) -> None:
    with pytest.raises(AccessDenied):
        services.service_item_create(actor=reviewer, unit=department, values={"name": "x"})


def test_nobody_publishes_what_they_wrote(
    guide: ServiceItem, editor: User, department: Unit
) -> None:
    MembershipFactory(user=editor, unit=department, role=Role.REVIEWER)
    from gongkai.orgs.permissions import forget_roles

    forget_roles(editor)
    with pytest.raises(AccessDenied) as refused:
        services.service_item_publish(actor=editor, item=guide)
    assert "起草人不能发布" in refused.value.message


def test_the_office_may_publish_any_units_guide(guide: ServiceItem, office: User) -> None:
    assert services.service_item_publish(actor=office, item=guide).version == 1


def test_an_incomplete_guide_is_refused_with_every_problem(
    editor: User, reviewer: User, department: Unit
) -> None:
    guide = services.service_item_create(actor=editor, unit=department, values={"name": "空事项"})
    with pytest.raises(ValidationFailed) as refused:
        services.service_item_submit(actor=editor, item=guide)
    assert "请填写设定依据。" in refused.value.problems
    assert len(refused.value.problems) == 11
    with pytest.raises(ValidationFailed):
        services.service_item_publish(actor=reviewer, item=guide)
    guide.refresh_from_db()
    assert guide.status == ServiceStatus.DRAFT


def test_an_id_number_blocks_publication(guide: ServiceItem, editor: User, reviewer: User) -> None:
    guide = services.service_item_update(
        actor=editor, item=guide, values={"conditions": f"例如{VALID_ID}的家庭"}
    )
    with pytest.raises(ValidationFailed) as refused:
        services.service_item_publish(actor=reviewer, item=guide)
    assert any("身份证号" in p for p in refused.value.problems)


def test_a_changed_published_guide_goes_back_to_draft_and_republishes_as_a_new_version(
    guide: ServiceItem, editor: User, reviewer: User
) -> None:
    guide = services.service_item_publish(actor=reviewer, item=guide)
    same = services.service_item_update(actor=editor, item=guide, values={"fee": "不收费"})
    assert same.status == ServiceStatus.PUBLISHED  # nothing changed, nothing reopened
    guide = services.service_item_update(actor=editor, item=guide, values={"hours": "全天"})
    assert (guide.status, guide.version) == (ServiceStatus.DRAFT, 1)
    entry = AuditEntry.objects.filter(action="service.update").latest("id")
    assert "已回到草稿" in entry.summary and entry.data == {"changed": ["hours"]}
    guide = services.service_item_publish(actor=reviewer, item=guide)
    assert guide.version == 2


def test_changing_a_row_of_a_published_guide_reopens_it(
    guide: ServiceItem, editor: User, reviewer: User
) -> None:
    guide = services.service_item_publish(actor=reviewer, item=guide)
    question = guide.questions.get()
    services.question_update(actor=editor, question=question, text="能否代办？", answer="可以。")
    guide.refresh_from_db()
    assert guide.status == ServiceStatus.DRAFT


def test_withdrawal_needs_a_reason_and_keeps_the_guide(
    guide: ServiceItem, editor: User, reviewer: User
) -> None:
    guide = services.service_item_publish(actor=reviewer, item=guide)
    with pytest.raises(ValidationFailed):
        services.service_item_withdraw(actor=reviewer, item=guide, reason="  ")
    with pytest.raises(AccessDenied):
        services.service_item_withdraw(actor=editor, item=guide, reason="政策调整")
    guide = services.service_item_withdraw(actor=reviewer, item=guide, reason="政策调整")
    assert (guide.status, guide.withdrawal_reason) == (ServiceStatus.WITHDRAWN, "政策调整")
    assert guide.withdrawn_at is not None
    assert ServiceItem.objects.filter(pk=guide.pk).exists()
    guide = services.service_item_update(actor=editor, item=guide, values={"fee": "免费"})
    assert guide.status == ServiceStatus.DRAFT
    guide = services.service_item_publish(actor=reviewer, item=guide)
    assert (guide.version, guide.withdrawal_reason) == (2, "")


@pytest.mark.parametrize(
    ("step", "status"),
    [
        ("withdraw", ServiceStatus.DRAFT),
        ("submit", ServiceStatus.PUBLISHED),
        ("publish", ServiceStatus.PUBLISHED),
        ("return", ServiceStatus.DRAFT),
    ],
)
def test_transitions_outside_the_table_are_refused(
    guide: ServiceItem, editor: User, reviewer: User, step: str, status: str
) -> None:
    ServiceItem.objects.filter(pk=guide.pk).update(status=status)
    guide.refresh_from_db()
    calls = {
        "withdraw": lambda: services.service_item_withdraw(actor=reviewer, item=guide, reason="x"),
        "submit": lambda: services.service_item_submit(actor=editor, item=guide),
        "publish": lambda: services.service_item_publish(actor=reviewer, item=guide),
        "return": lambda: services.service_item_return(actor=reviewer, item=guide, comment="x"),
    }
    with pytest.raises(InvalidTransition):
        calls[step]()


def test_return_needs_a_comment(guide: ServiceItem, editor: User, reviewer: User) -> None:
    guide = services.service_item_submit(actor=editor, item=guide)
    with pytest.raises(ValidationFailed):
        services.service_item_return(actor=reviewer, item=guide, comment="")
    guide = services.service_item_return(actor=reviewer, item=guide, comment="请补充流程。")
    assert guide.status == ServiceStatus.DRAFT


def test_a_catalog_item_of_another_unit_is_refused_on_save(
    guide: ServiceItem, editor: User, other_department: Unit, domain: Domain
) -> None:
    foreign = catalog_item(other_department, domain)
    with pytest.raises(ValidationFailed) as refused:
        services.service_item_update(actor=editor, item=guide, values={"catalog_item": foreign})
    assert "县住建局的目录" in refused.value.message


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"legal_days": 10, "promised_days": 15}, "承诺办结时限（15个工作日）不能超过"),
        ({"legal_days": 0}, "应在1至365个工作日之间"),
        ({"legal_days": "十"}, "应为工作日天数"),
        ({"kind": "nonsense"}, "不是有效的事项类型"),
        ({"name": ""}, "请填写事项名称"),
        ({"place": "地" * 301}, "不能超过300个字"),
        ({"secret": "x"}, "无法识别"),
    ],
)
def test_bad_values_are_refused(
    guide: ServiceItem, editor: User, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.service_item_update(actor=editor, item=guide, values=values)
    assert message in refused.value.message


def test_a_duplicate_code_in_the_unit_is_refused(
    guide: ServiceItem, editor: User, department: Unit, item: Any
) -> None:
    with pytest.raises(ValidationFailed):
        services.service_item_create(
            actor=editor, unit=department, values=complete_values(item, name="另一个")
        )


def test_material_files_are_checked_by_content(guide: ServiceItem, editor: User) -> None:
    blank = services.read_material_file("申请表.docx", _docx("最低生活保障申请表 姓名：____"))
    sample = services.read_material_file("样表.pdf", PDF)
    material = services.material_add(
        actor=editor, service=guide, values={"name": "申请表"}, sample=sample, blank_form=blank
    )
    assert material.sample.name.endswith(".pdf") and material.blank_form.name.endswith(".docx")
    material = services.material_update(
        actor=editor, material=material, values={"copies": 2}, clear_sample=True
    )
    assert (material.copies, bool(material.sample)) == (2, False)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("申请表.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "只能是Word"),
        ("申请表.exe", b"MZ\x90\x00", "只能是Word"),
        ("申请表.docx", b"MZ\x90\x00 not a zip", "不符"),
        ("申请表.pdf", b"", "空的"),
        ("样表.png", b"\x89PNG\r\n\x1a\n", "只能是Word"),
    ],
)
def test_bad_material_files_are_refused(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.read_material_file(name, data)
    assert message in refused.value.message


def test_a_sample_with_a_real_id_number_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.read_material_file("样表.docx", _docx(f"申请人：张三 身份证号：{VALID_ID}"))
    assert "个人信息" in refused.value.message


def test_rows_are_removed_with_an_audit_entry(guide: ServiceItem, editor: User) -> None:
    services.material_remove(actor=editor, material=guide.materials.get())
    services.question_remove(actor=editor, question=guide.questions.get())
    assert not guide.materials.exists() and not guide.questions.exists()
    assert (
        AuditEntry.objects.filter(
            action__in=["service.material_remove", "service.question_remove"]
        ).count()
        == 2
    )
    assert services.writer_ids(guide) == {editor.pk}


def test_only_a_never_published_draft_can_be_deleted(
    guide: ServiceItem, editor: User, reviewer: User, other_editor: User
) -> None:
    with pytest.raises(AccessDenied):
        services.service_item_delete(actor=other_editor, item=guide)
    published = services.service_item_publish(actor=reviewer, item=guide)
    services.service_item_withdraw(actor=reviewer, item=published, reason="停办")
    guide.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.service_item_delete(actor=editor, item=guide)
    draft = services.service_item_create(actor=editor, unit=guide.unit, values={"name": "误建"})
    services.material_add(actor=editor, service=draft, values={"name": "身份证"})
    services.service_item_delete(actor=editor, item=draft)
    assert not ServiceItem.objects.filter(name="误建").exists()
    assert AuditEntry.objects.filter(action="service.delete").count() == 1


@pytest.mark.parametrize(
    "address",
    ["javascript:alert(1)", "data:text/html,<script>", "ftp://example.com/", "https://a b.cn/"],
)
def test_the_online_address_is_a_web_address_whatever_the_path(
    guide: ServiceItem, editor: User, address: str
) -> None:
    before = guide.online_url
    with pytest.raises(ValidationFailed) as refused:
        services.service_item_update(actor=editor, item=guide, values={"online_url": address})
    assert "网上办理地址" in refused.value.message
    guide.refresh_from_db()
    assert guide.online_url == before


def test_a_web_address_is_kept(guide: ServiceItem, editor: User) -> None:
    address = "https://www.jxzwfww.gov.cn/item/123"
    guide = services.service_item_update(actor=editor, item=guide, values={"online_url": address})
    assert guide.online_url == address
