"""The first check on every uploaded Office file: size, and that the content is the new
(zip-based) format the name promises. Uploads are checked by content (a standing security rule),
so every form that takes an .xlsx or .docx calls this before any parser reads a byte."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WHAT = {"xlsx": "Excel（.xlsx）", "docx": "Word（.docx）"}


def check_size(upload: UploadedFile, *, limit: int, hint: Any = "") -> None:
    """Refuse a file over ``limit`` bytes before it is read into memory."""
    if upload.size is None or upload.size > limit:
        raise forms.ValidationError(
            _("文件过大：最大允许%(limit)sMB。%(hint)s"),
            params={"limit": f"{limit / 1024 / 1024:g}", "hint": hint},
            code="too_large",
        )


def clean_office_upload(upload: UploadedFile, *, kind: str, hint: Any = "") -> UploadedFile:
    """Accept an .xlsx or .docx (``kind``) of a sane size, or raise a form error in Chinese."""
    check_size(upload, limit=settings.GONGKAI_MAX_UPLOAD_BYTES, hint=hint)
    upload.seek(0)
    head = upload.read(len(OLE2_MAGIC))
    upload.seek(0)
    what = WHAT[kind]
    if head.startswith(OLE2_MAGIC[:4]):  # enough to tell an old .xls/.doc from anything else
        raise forms.ValidationError(
            _("这是旧版Office文件（.xls或.doc），请另存为%(what)s格式后再上传。"),
            params={"what": what},
            code="old",
        )
    if not head.startswith(ZIP_MAGIC):
        raise forms.ValidationError(
            _("上传的文件不是有效的%(what)s文件，请检查后重新选择。"),
            params={"what": what},
            code="bad_file",
        )
    return upload
