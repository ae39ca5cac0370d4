"""Logging filters: one line per refused request, no traceback."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A 4xx logged by ``django.request`` (403 Forbidden, 404 Not Found) is the client's doing, not
    a fault: keep its one line, drop the traceback Django attaches to a ``PermissionDenied``."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.name.startswith("django.request") and isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
