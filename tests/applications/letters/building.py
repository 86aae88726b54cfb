"""Build applications through the services, and read letters back from their Word files."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import docx
import pytest

from gongkai.applications import services
from gongkai.applications.models import Application, Channel, Letter
from gongkai.core.errors import GongkaiError
from gongkai.orgs.models import Unit, User

D = dt.date
RECEIVED = D(2024, 11, 4)  # a Monday; the reply is due on 2024-12-02
APPLICANT: dict[str, Any] = {
    "applicant_type": "natural",
    "applicant_name": "王小明",
    "id_kind": "居民身份证",
    "id_number": "360735198506151233",
    "phone": "13807971234",
    "address": "石城县琴江镇古樟村1号",
    "description": "2024年本县城乡最低生活保障资金的分配文件",
}


def register(actor: User, unit: Unit, on: dt.date = RECEIVED, **values: Any) -> Application:
    application, _code = services.application_register(
        actor=actor,
        unit=unit,
        channel=Channel.IN_PERSON,
        values={**APPLICANT, **values},
        submitted_on=on,
    )
    return application


def fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def docx_text(data: bytes) -> str:
    """Every paragraph of a Word document, one per line (tables included)."""
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def letter_text(letter: Letter) -> str:
    with letter.file.open("rb") as handle:
        return docx_text(handle.read())


def docx_with(*paragraphs: str) -> bytes:
    """A small Word file with the given paragraphs, as an office would write a template."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@contextmanager
def refused(error: type[GongkaiError], pattern: str) -> Iterator[None]:
    """Expect ``error`` whose Chinese message (not the English log line) matches ``pattern``."""
    with pytest.raises(error) as caught:
        yield
    assert re.search(pattern, caught.value.message), caught.value.message
