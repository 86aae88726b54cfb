"""Serving a stored upload back: as a download under its original name (RFC 5987 for Chinese
names), typed from the kind its content was checked to be at upload, never sniffed or rendered
by the browser. Attachments of published items, staff copies and ledger evidence all go out
this way."""

from __future__ import annotations

import logging

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

log = logging.getLogger(__name__)

# The kind decided from a file's content at upload → the Content-Type it is served as.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}


def stored_download(stored: FieldFile, *, name: str, kind: str, private: bool) -> FileResponse:
    """The file as a download; ``private`` ones (staff pages) are never cached on the way. A
    file missing from storage is a 404, logged, not a server error."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as err:
        log.warning("stored file %s is missing", stored.name)
        raise Http404 from err
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
