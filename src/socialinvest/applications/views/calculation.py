"""The calculation section: editor, live recalculation, versions, downloads and upload."""

from __future__ import annotations

urlpatterns: list = []
