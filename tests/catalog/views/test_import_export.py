"""Importing a catalog from Excel through the upload page, and exporting it again."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongkai.catalog import excel
from gongkai.catalog.models import Catalog, CatalogAction, CatalogItem, CatalogStatus, Domain
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from tests.catalog.views.inputs import SOCIAL_ASSISTANCE_ROWS, national_workbook

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(content: bytes, name: str = "目录.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def _import(client: Client, unit: Unit, content: bytes, **extra: Any) -> Any:
    data = {"unit": unit.pk, "version": 2024, "file": _upload(content), **extra}
    return client.post(reverse("staff:catalog_import"), data)


def _nothing_imported() -> bool:
    return not Catalog.objects.exists() and not CatalogItem.objects.exists()


def test_import_page_defaults_to_this_year_and_my_units(
    client: Client, editor: User, other_department: Unit, time_machine: Any
) -> None:
    time_machine.move_to("2026-01-15 10:00 +0800")
    client.force_login(editor)
    html = client.get(reverse("staff:catalog_import")).content.decode()
    assert 'value="2026"' in html
    assert "县民政局" in html
    assert "县住建局" not in html
    assert 'enctype="multipart/form-data"' in html
    assert 'for="id_file"' in html


def test_text_file_renamed_xlsx_is_rejected_and_nothing_imported(
    client: Client, editor: User, department: Unit, domain: Domain
) -> None:
    client.force_login(editor)
    response = _import(client, department, "序号,公开事项\n1,最低生活保障\n".encode())
    assert response.status_code == 400
    assert "上传的文件不是有效的Excel（.xlsx）文件" in response.content.decode()
    assert _nothing_imported()


def test_old_xls_file_is_rejected_with_a_hint(
    client: Client, editor: User, department: Unit
) -> None:
    client.force_login(editor)
    response = _import(client, department, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    assert response.status_code == 400
    assert "另存为" in response.content.decode()
    assert _nothing_imported()


def test_oversized_upload_is_rejected(
    client: Client, editor: User, department: Unit, domain: Domain, settings: Any
) -> None:
    settings.GONGKAI_MAX_UPLOAD_BYTES = 1024
    client.force_login(editor)
    content = national_workbook(SOCIAL_ASSISTANCE_ROWS)
    assert len(content) > 1024
    response = _import(client, department, content)
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()
    assert _nothing_imported()


def test_rejected_workbook_lists_every_problem_and_imports_nothing(
    client: Client, editor: User, department: Unit, domain: Domain, monkeypatch: Any
) -> None:
    def reject(*args: Any, **kwargs: Any) -> None:
        raise excel.WorkbookRejected(
            [
                excel.CellProblem("社会救助", 5, "E", "公开依据不能为空。"),
                excel.CellProblem("社会救助", 7, "I", "“是的”不是勾选符号。"),
            ]
        )

    monkeypatch.setattr(excel, "read_catalog_workbook", reject)
    client.force_login(editor)
    response = _import(client, department, national_workbook(SOCIAL_ASSISTANCE_ROWS))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Excel文件有误，未导入任何内容" in html
    assert "<li>工作表“社会救助”第5行E列：公开依据不能为空。</li>" in html
    assert "<li>工作表“社会救助”第7行I列：“是的”不是勾选符号。</li>" in html
    assert _nothing_imported()


def test_real_workbook_problems_name_sheet_row_and_column(
    client: Client, editor: User, department: Unit, domain: Domain
) -> None:
    rows = list(SOCIAL_ASSISTANCE_ROWS)
    rows[0] = (*rows[0][:3], "", *rows[0][4:])  # no 公开依据 (column E) in the first item
    client.force_login(editor)
    response = _import(client, department, national_workbook(rows))
    html = response.content.decode()
    assert response.status_code == 400
    assert "工作表“社会救助”第4行E列" in html
    assert _nothing_imported()


def test_import_into_another_unit_is_refused(
    client: Client, editor: User, other_department: Unit, domain: Domain
) -> None:
    client.force_login(editor)
    response = _import(client, other_department, national_workbook(SOCIAL_ASSISTANCE_ROWS))
    assert response.status_code == 400
    assert _nothing_imported()


def test_import_into_a_submitted_catalog_is_refused(
    client: Client, editor: User, submitted: Catalog
) -> None:
    client.force_login(editor)
    response = _import(client, submitted.unit, national_workbook(SOCIAL_ASSISTANCE_ROWS))
    assert response.status_code == 400
    assert "不能修改" in response.content.decode()
    assert submitted.items.count() == 2
    assert not submitted.events.filter(action=CatalogAction.IMPORTED).exists()


def test_import_national_layout_creates_the_catalog(
    client: Client, editor: User, department: Unit, domain: Domain
) -> None:
    client.force_login(editor)
    content = national_workbook(SOCIAL_ASSISTANCE_ROWS)
    response = client.post(
        reverse("staff:catalog_import"),
        {"unit": department.pk, "version": 2024, "file": _upload(content, "民政局目录.xlsx")},
        follow=True,
    )
    catalog = Catalog.objects.get(unit=department, version=2024)
    assert response.redirect_chain == [(catalog.get_absolute_url(), 302)]
    html = response.content.decode()
    assert "导入完成：共3项，来自1个工作表" in html
    assert "工作表“社会救助”（社会救助）3项" in html
    assert "替换原有0项" in html
    items = list(catalog.items.order_by("sort_order"))
    assert [(i.level1, i.level2) for i in items] == [
        ("最低生活保障", "办事指南"),
        ("最低生活保障", "审核确认结果"),
        ("特困人员救助供养", "办事指南"),
    ]
    first, second, third = items
    assert first.basis == "《社会救助暂行办法》\n《最低生活保障审核确认办法》"
    assert first.channels == "政府网站\n便民服务站"
    assert (first.audience_public, first.audience_specific) == (True, False)
    assert (second.audience_public, second.audience_specific) == (False, True)
    assert (third.mode_proactive, third.mode_on_request) == (True, True)
    assert (first.level_county, first.level_township) == (True, True)
    assert (second.level_county, second.level_township) == (True, False)
    assert all(item.domain == domain for item in items)
    assert all(item.missing_elements() == [] for item in items)
    assert catalog.events.filter(action=CatalogAction.IMPORTED).exists()
    entry = AuditEntry.objects.get(action="catalog.import")
    assert entry.data["via"] == "web" and entry.data["file"] == "民政局目录.xlsx"


def test_import_without_title_row_replaces_the_domains_items(
    client: Client, editor: User, draft: Catalog, domain: Domain
) -> None:
    client.force_login(editor)
    kept = draft.items.get(level2="办事指南").lineage
    content = national_workbook(SOCIAL_ASSISTANCE_ROWS, title=None)
    response = _import(client, draft.unit, content)
    assert response.status_code == 302
    assert draft.items.count() == 3
    # The matter that was already there keeps its identity across the import.
    assert draft.items.get(level1="最低生活保障", level2="办事指南").lineage == kept


def test_import_link_from_catalog_page_preselects_unit_and_version(
    client: Client, editor: User, draft: Catalog
) -> None:
    client.force_login(editor)
    url = reverse("staff:catalog_import") + f"?unit={draft.unit_id}&version=2024"
    html = client.get(url).content.decode()
    assert f'<option value="{draft.unit_id}" selected>' in html
    assert 'value="2024"' in html


def _texts(content: bytes) -> tuple[list[str], set[str]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    texts = {
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    return book.sheetnames, texts


def test_export_is_an_attachment_in_the_national_layout(
    client: Client, editor: User, draft: Catalog, domain: Domain
) -> None:
    client.force_login(editor)
    response = client.get(reverse("staff:catalog_export", args=[draft.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''MZJ-2024-%E7%9B%AE%E5%BD%95.xlsx" in disposition
    assert response.content.startswith(b"PK\x03\x04")
    sheets, texts = _texts(response.content)
    assert any(domain.name in name for name in sheets)
    assert {"一级事项", "二级事项", "公开内容（要素）", "全社会", "√"} <= texts
    assert "审核确认结果" in texts
    assert any("县民政局2024年" in text for text in texts)


def test_export_then_import_gives_the_same_items(
    client: Client, editor: User, draft: Catalog, domain: Domain
) -> None:
    client.force_login(editor)
    before = [item.elements() for item in draft.items.order_by("sort_order")]
    content = client.get(reverse("staff:catalog_export", args=[draft.pk])).content
    response = _import(client, draft.unit, content)
    assert response.status_code == 302
    after = [item.elements() for item in draft.items.order_by("sort_order")]
    assert after == before


def test_export_of_a_catalog_under_review_is_allowed_for_its_readers(
    client: Client, office: User, submitted: Catalog
) -> None:
    client.force_login(office)
    response = client.get(reverse("staff:catalog_export", args=[submitted.pk]))
    assert response.status_code == 200
    assert submitted.status == CatalogStatus.SUBMITTED
