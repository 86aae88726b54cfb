"""What staff submit in the publication page tests: form data, files and workbooks."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from gongkai.orgs.models import Unit
from gongkai.publications.models import Column, TopicCategory

# The smallest file every PDF reader accepts as one: a header, one empty page, a trailer.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUBSIDY_HEADER = ["村（社区）", "姓名", "身份证号", "补贴项目", "面积（亩）", "补贴金额（元）"]


def form_data(unit: Unit | None = None, **overrides: Any) -> dict[str, Any]:
    """POST data of the publication form for a complete ordinary notice."""
    data: dict[str, Any] = {
        "title": "关于2024年春耕生产工作的通知",
        "issuer": "",
        "doc_number": "石民字〔2024〕15号",
        "written_on": "2024-03-01",
        "topic": str(TopicCategory.objects.get(code="0500").pk),
        "five_class": "execution",
        "column": str(Column.objects.get(code="notices").pk),
        "domain": "",
        "attribute": "proactive",
        "non_public_ground": "",
        "attribute_reason": "",
        "doc_kind": "ordinary",
        "validity": "",
        "effective_on": "",
        "expires_on": "",
        "body": "各乡镇：\n\n现将春耕生产工作安排通知如下。",
    }
    if unit is not None:
        data["unit"] = str(unit.pk)
    data.update(overrides)
    return data


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def subsidy_workbook(rows: list[list[Any]]) -> bytes:
    """A township's payout list as counties keep it: a title row, the header, the rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "发放名单"
    sheet.append(["琴江镇2024年耕地地力保护补贴发放名单"])
    sheet.append(SUBSIDY_HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
