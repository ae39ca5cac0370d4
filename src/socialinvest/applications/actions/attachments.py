"""File attachments: stored with size and SHA-256; refused if too large or if they hold a personnummer."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.personnummer import find_personnummer

from ..locking import lock_application
from ..models import Application, Attachment
from ..permissions import can_edit

TEXT_SUFFIXES = frozenset(
    {".txt", ".csv", ".tsv", ".md", ".json", ".xml", ".html", ".htm", ".rtf", ".yaml", ".yml", ".tex"}
)
# Office documents are zip files; their text lives in these members.
OFFICE_MEMBERS = {
    ".docx": ("word/document.xml",),
    ".xlsx": ("xl/sharedStrings.xml",),
    ".odt": ("content.xml",),
    ".ods": ("content.xml",),
}
MAX_EXTRACTED_BYTES = 64 * 1024 * 1024  # a zip bomb stops here
_PARAGRAPH_END = re.compile(rb"</(?:w:p|text:p|si|text:h|table:table-cell)>")
_TAG = re.compile(rb"<[^>]+>")


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _office_text(raw_file: Any, members: tuple[str, ...]) -> str:
    """The document's text: XML tags removed, paragraphs on their own lines."""
    try:
        with zipfile.ZipFile(raw_file) as archive:
            chunks = []
            for member in members:
                try:
                    with archive.open(member) as f:
                        xml = f.read(MAX_EXTRACTED_BYTES + 1)
                except KeyError:
                    continue
                if len(xml) > MAX_EXTRACTED_BYTES:
                    raise ValidationError({"file": _("Dokumentets text är för stor för att kontrolleras.")})
                chunks.append(_TAG.sub(b"", _PARAGRAPH_END.sub(b"\n", xml)))
    except (zipfile.BadZipFile, OSError, RuntimeError):
        raise ValidationError({"file": _("Filen kunde inte läsas som ett dokument av sin typ.")}) from None
    return "\n".join(_decode(c) for c in chunks)


def extract_text(upload: UploadedFile) -> str | None:
    """The text to check for personnummer, or None for files whose content is not checked (PDF, images)."""
    suffix = PurePath(upload.name or "").suffix.lower()
    upload.seek(0)
    if suffix in OFFICE_MEMBERS:
        text = _office_text(upload, OFFICE_MEMBERS[suffix])
    elif suffix in TEXT_SUFFIXES or (upload.content_type or "").startswith("text/"):
        text = _decode(upload.read())
    else:
        text = None
    upload.seek(0)
    return text


def file_sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def check_upload(upload: UploadedFile) -> str:
    """The upload's file name, once the file passes the checks every attachment must pass.

    Refused (``ValidationError`` on ``file``) when it has no name, is empty or larger
    than ``settings.ATTACHMENT_MAX_BYTES``, or when its name or text holds a
    personnummer (text files, .docx/.xlsx/.odt; PDF content is not checked).
    """
    name = PurePath((upload.name or "").replace("\\", "/")).name.strip()[:200]
    if not name:
        raise ValidationError({"file": _("Välj en fil.")})
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {
                "file": _("Filen är för stor. Största tillåtna storlek är %(mb)s MB.")
                % {"mb": f"{limit / 2**20:g}"}
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": _("Filen är tom.")})
    if find_personnummer(name):
        raise ValidationError({"file": _("Filnamnet innehåller ett personnummer. Byt namn på filen.")})
    content = extract_text(upload)
    if content is not None and find_personnummer(content):
        raise ValidationError(
            {
                "file": _(
                    "Filen innehåller ett personnummer. Fonden får inte innehålla personuppgifter – "
                    "ta bort det och ladda upp filen igen."
                )
            }
        )
    return name


def do_add_attachment(
    *, application: Application, upload: UploadedFile, acting_user: Any, section: str = "evidence"
) -> Attachment:
    """Store an uploaded file with the application.

    Refused when larger than ``settings.ATTACHMENT_MAX_BYTES``, or when its name or
    text holds a personnummer (text files, .docx/.xlsx/.odt; PDF content is not checked).
    """
    name = check_upload(upload)
    sha256 = file_sha256(upload)
    with transaction.atomic():
        locked = lock_application(application)
        can_edit(acting_user, locked).require()
        attachment = Attachment(
            application=locked,
            section=section,
            name=name,
            size=upload.size,
            sha256=sha256,
            uploaded_by=acting_user,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        locked.save(update_fields=["updated_at"])
        record_event(
            actor=acting_user,
            verb="attachment.added",
            target=attachment,
            summary=_("Bilaga tillagd: %(name)s") % {"name": name},
            data={"name": name, "size": upload.size, "sha256": sha256, "section": section},
            fund=locked.fund,
            application=locked,
        )
    return attachment
