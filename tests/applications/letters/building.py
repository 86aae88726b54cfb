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

from gongkai.applications import letters, services
from gongkai.applications.models import Application, Channel, Letter
from gongkai.core.errors import GongkaiError
from gongkai.orgs.models import Unit, User

D = dt.date
RECEIVED = D(2024, 11, 4)  # a Monday; the reply is due on 2024-12-02
# Letters dated before 2024-01-01 keep the remedies of the time (either 复议 or 诉讼).
RECEIVED_2023 = D(2023, 11, 6)  # a Monday; the reply is due on 2023-12-04
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


def handling(actor: User, unit: Unit, on: dt.date = RECEIVED, **values: Any) -> Application:
    """An application registered on ``on`` and taken into handling the same day."""
    application = register(actor, unit, on, **values)
    services.application_accept(actor=actor, application=application, on=on)
    return fresh(application)


def later(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


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


def generate(actor: User | None, application: Application, kind: str, **kw: Any) -> str:
    letter = letters.letter_generate(actor=actor, application=application, kind=kind, **kw)
    assert letter.kind == kind
    assert re.fullmatch(
        rf"letters/\d{{4}}/\d{{2}}/{application.tracking_no}-{kind}(_\w+)?\.docx",
        letter.file.name or "",
    )
    return letter_text(letter)


def assert_addressed(text: str, application: Application) -> None:
    assert "王小明：" in text
    assert f"申请编号：{application.tracking_no}" in text
    assert "本机关于2024年11月4日收到你提出的政府信息公开申请" in text
    assert "“2024年本县城乡最低生活保障资金的分配文件”" in text
    assert "县民政局" in text
    assert "联系人：李明" in text


@contextmanager
def refused(error: type[GongkaiError], pattern: str) -> Iterator[None]:
    """Expect ``error`` whose Chinese message (not the English log line) matches ``pattern``."""
    with pytest.raises(error) as caught:
        yield
    assert re.search(pattern, caught.value.message), caught.value.message
