"""Attachments to a measurement: the same checks as the application's attachments (size, personnummer)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.applications.actions.attachments import _sha256, extract_text
from socialinvest.core.personnummer import find_personnummer

from ..models import Measurement, MeasurementAttachment
from ..permissions import can_report
from ._common import audit, lock_application


def _check(upload: UploadedFile) -> str:
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


def do_add_measurement_attachment(
    *, measurement: Measurement, upload: UploadedFile, acting_user: Any
) -> MeasurementAttachment:
    """Store a file with the measurement while its reporter may still change it."""
    name = _check(upload)
    sha256 = _sha256(upload)
    with transaction.atomic():
        application = lock_application(measurement.scheduled.indicator.plan.application_id)
        locked = Measurement.objects.select_related("scheduled__indicator__plan").get(pk=measurement.pk)
        can_report(acting_user, locked.scheduled, application).require()
        attachment = MeasurementAttachment(
            measurement=locked, name=name, size=upload.size, sha256=sha256, uploaded_by=acting_user
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        audit(
            application,
            acting_user,
            "followup.attachment_added",
            attachment,
            _("Bilaga till mätning: %(name)s") % {"name": name},
            data={"name": name, "size": upload.size, "sha256": sha256},
        )
    return attachment
