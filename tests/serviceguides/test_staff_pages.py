"""The staff pages at /staff/banshi/: lists by unit with problems, the forms, the workflow
buttons, rows with files, Excel import and export, and the unit boundary (404/403)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongkai.catalog.models import Domain
from gongkai.orgs.models import Unit, User
from gongkai.serviceguides import services
from gongkai.serviceguides.models import ServiceItem, ServiceStatus
from tests.serviceguides.service_setup import catalog_item, complete_guide, life_events

pytestmark = pytest.mark.django_db

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


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_editor_sees_the_units_guides_with_their_problems(
    editor: User, department: Unit, guide: ServiceItem, django_assert_max_num_queries: Any
) -> None:
    services.service_item_create(actor=editor, unit=department, values={"name": "未写完的事项"})
    client = _client(editor)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("serviceguides:list"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "最低生活保障审核确认" in text and "要素齐全" in text
    assert "未写完的事项" in text and "请填写设定依据。" in text


def test_the_list_costs_the_same_for_more_guides(
    editor: User, department: Unit, item: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(8):
        complete_guide(editor, department, item, name=f"事项{n}", code=f"C{n}")
    client = _client(editor)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("serviceguides:list")).status_code == 200


def test_the_office_picks_a_unit_first(
    office: User, guide: ServiceItem, other_editor: User, other_department: Unit, domain: Domain
) -> None:
    complete_guide(other_editor, other_department, catalog_item(other_department, domain))
    client = _client(office)
    page = client.get(reverse("serviceguides:list"))
    assert "县民政局" in page.content.decode() and "县住建局" in page.content.decode()
    page = client.get(reverse("serviceguides:list"), {"unit": "MZJ"})
    assert "最低生活保障审核确认" in page.content.decode()
    assert client.get(reverse("serviceguides:list"), {"unit": "NOPE"}).status_code == 404


def test_another_units_staff_get_404_and_403(guide: ServiceItem, other_editor: User) -> None:
    client = _client(other_editor)
    assert client.get(reverse("serviceguides:detail", args=[guide.pk])).status_code == 404
    assert client.get(reverse("serviceguides:edit", args=[guide.pk])).status_code == 404
    assert client.post(reverse("serviceguides:submit", args=[guide.pk])).status_code == 404
    assert "最低生活保障" not in client.get(reverse("serviceguides:list")).content.decode()
    assert client.get(reverse("serviceguides:list"), {"unit": "MZJ"}).status_code == 404


def test_a_reviewer_reads_but_may_not_edit(guide: ServiceItem, reviewer: User) -> None:
    client = _client(reviewer)
    page = client.get(reverse("serviceguides:detail", args=[guide.pk]))
    assert page.status_code == 200 and "发布" in page.content.decode()
    assert client.get(reverse("serviceguides:edit", args=[guide.pk])).status_code == 403


def test_create_then_edit_through_the_forms(editor: User, department: Unit, item: Any) -> None:
    client = _client(editor)
    assert client.get(reverse("serviceguides:create")).status_code == 200
    response = client.post(
        reverse("serviceguides:create"),
        {"unit": department.pk, "name": "高龄津贴申请", "kind": "benefit", "catalog_item": item.pk},
    )
    guide = ServiceItem.objects.get(name="高龄津贴申请")
    assert response.status_code == 302 and guide.catalog_item == item
    events = life_events()
    data = {
        "name": "高龄津贴申请",
        "kind": "benefit",
        "catalog_item": item.pk,
        "life_events": [events["elderly"].pk],
        "legal_days": 10,
        "promised_days": 20,
    }
    response = client.post(reverse("serviceguides:edit", args=[guide.pk]), data)
    assert response.status_code == 400
    assert "不能超过法定办结时限" in response.content.decode()
    data["promised_days"] = 5
    response = client.post(reverse("serviceguides:edit", args=[guide.pk]), data)
    assert response.status_code == 302
    guide.refresh_from_db()
    assert list(guide.life_events.all()) == [events["elderly"]]


def test_rows_with_files_and_the_workflow(guide: ServiceItem, editor: User, reviewer: User) -> None:
    client = _client(editor)
    response = client.post(
        reverse("serviceguides:material_add", args=[guide.pk]),
        {
            "name": "申请书",
            "source": "applicant",
            "form": "original",
            "copies": 1,
            "required": "on",
            "sample": io.BytesIO(PDF),
        },
    )
    assert response.status_code == 400  # a file without a name: refused, nothing added
    upload = io.BytesIO(PDF)
    upload.name = "样表.pdf"
    response = client.post(
        reverse("serviceguides:material_add", args=[guide.pk]),
        {
            "name": "申请书",
            "source": "applicant",
            "form": "original",
            "copies": 1,
            "required": "on",
            "sample": upload,
        },
    )
    assert response.status_code == 302
    material = guide.materials.get(name="申请书")
    download = client.get(reverse("serviceguides:material_file", args=[material.pk, "sample"]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    bad = io.BytesIO(b"MZ\x90\x00")
    bad.name = "样表.exe"
    response = client.post(
        reverse("serviceguides:material_edit", args=[material.pk]),
        {
            "name": "申请书",
            "source": "applicant",
            "form": "original",
            "copies": 1,
            "blank_form": bad,
        },
    )
    assert response.status_code == 400 and "只能是Word" in response.content.decode()
    response = client.post(
        reverse("serviceguides:question_add", args=[guide.pk]),
        {"question": "要本人到场吗？", "answer": "不需要。"},
    )
    assert response.status_code == 302
    question = guide.questions.get(question="要本人到场吗？")
    assert (
        client.get(reverse("serviceguides:remove", args=["question", question.pk])).status_code
        == 200
    )
    client.post(reverse("serviceguides:remove", args=["question", question.pk]))
    assert not guide.questions.filter(pk=question.pk).exists()
    client.post(reverse("serviceguides:submit", args=[guide.pk]))
    reviewing = _client(reviewer)
    reviewing.post(reverse("serviceguides:publish", args=[guide.pk]))
    guide.refresh_from_db()
    assert (guide.status, guide.version) == (ServiceStatus.PUBLISHED, 1)
    response = reviewing.post(reverse("serviceguides:withdraw", args=[guide.pk]), {"reason": ""})
    guide.refresh_from_db()
    assert guide.status == ServiceStatus.PUBLISHED
    reviewing.post(reverse("serviceguides:withdraw", args=[guide.pk]), {"reason": "政策调整"})
    guide.refresh_from_db()
    assert (guide.status, guide.withdrawal_reason) == (ServiceStatus.WITHDRAWN, "政策调整")


def test_the_writer_is_told_why_they_cannot_publish(
    guide: ServiceItem, editor: User, department: Unit
) -> None:
    from gongkai.orgs.models import Role
    from tests.factories import MembershipFactory

    MembershipFactory(user=editor, unit=department, role=Role.REVIEWER)
    page = _client(editor).get(reverse("serviceguides:detail", args=[guide.pk]))
    assert "起草人不能发布自己编写的办事指南" in page.content.decode()


def test_import_and_export_pages(editor: User, department: Unit, guide: ServiceItem) -> None:
    client = _client(editor)
    export = client.get(reverse("serviceguides:export"), {"unit": "MZJ"})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None and sheet.cell(row=3, column=2).value == "最低生活保障审核确认"
    assert client.get(reverse("serviceguides:import")).status_code == 200
    upload = io.BytesIO(export.content)
    upload.name = "guides.xlsx"
    response = client.post(reverse("serviceguides:import"), {"unit": department.pk, "file": upload})
    assert response.status_code == 302
    bad = io.BytesIO(b"PK\x03\x04 broken")
    bad.name = "bad.xlsx"
    response = client.post(reverse("serviceguides:import"), {"unit": department.pk, "file": bad})
    assert response.status_code == 400 and "未导入任何内容" in response.content.decode()


def test_the_workbench_links_the_guides(editor: User, office: User) -> None:
    for user in (editor, office):
        page = _client(user).get(reverse("staff:home"))
        assert reverse("serviceguides:list") in page.content.decode()


def test_a_draft_is_deleted_after_asking(editor: User, department: Unit) -> None:
    draft = services.service_item_create(actor=editor, unit=department, values={"name": "误建"})
    client = _client(editor)
    assert (
        "删除草稿" in client.get(reverse("serviceguides:detail", args=[draft.pk])).content.decode()
    )
    assert client.get(reverse("serviceguides:delete", args=[draft.pk])).status_code == 200
    response = client.post(reverse("serviceguides:delete", args=[draft.pk]))
    assert response.status_code == 302
    assert not ServiceItem.objects.filter(pk=draft.pk).exists()
