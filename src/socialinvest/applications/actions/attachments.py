"""File attachments: stored with size and SHA-256 once they pass the shared upload check."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.uploads import check_upload, file_sha256

from ..locking import lock_application
from ..models import Application, Attachment
from ..permissions import can_edit


def do_add_attachment(
    *, application: Application, upload: UploadedFile, acting_user: Any, section: str = "evidence"
) -> Attachment:
    """Store an uploaded file with the application.

    Refused as :func:`socialinvest.core.uploads.check_upload` says: too large, a type
    whose text cannot be checked, or a personnummer in its name or anywhere in its text.
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
