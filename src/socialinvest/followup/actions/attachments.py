"""Attachments to a measurement: the same checks as the application's attachments (size, personnummer)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.applications.locking import lock_application
from socialinvest.core.uploads import check_upload, file_sha256

from ..models import Measurement, MeasurementAttachment
from ..permissions import can_report
from ._common import audit


def do_add_measurement_attachment(
    *, measurement: Measurement, upload: UploadedFile, acting_user: Any
) -> MeasurementAttachment:
    """Store a file with the measurement while its reporter may still change it."""
    name = check_upload(upload)
    sha256 = file_sha256(upload)
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
