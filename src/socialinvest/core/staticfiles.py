"""Static files compressed once, not at every start.

``socialinvest serve`` (and the demo) run ``collectstatic`` every time they start, so that
an upgrade's new files are served.  Django copies only what changed, but whitenoise's
storage compresses every file again, gzip and Brotli, whether it changed or not: about 7 s
of each start, mostly the API documentation pages' two large bundles.  This storage hands
whitenoise only the files whose compressed copy is missing or older than the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from whitenoise.storage import CompressedStaticFilesStorage as _WhitenoiseStorage


class CompressedStaticFilesStorage(_WhitenoiseStorage):
    """whitenoise's ``CompressedStaticFilesStorage``, skipping files compressed since they
    last changed."""

    def post_process(self, paths: dict[str, Any], dry_run: bool = False, **options: Any) -> Iterator[Any]:
        if dry_run:
            return
        stale = {path: found for path, found in paths.items() if not self._compressed_is_current(path)}
        yield from super().post_process(stale, dry_run=dry_run, **options)

    def _compressed_is_current(self, path: str) -> bool:
        # whitenoise stamps a compressed copy with its file's modification time; a file copied
        # again since is newer.  (A float time, so compared to the millisecond: the copy's is
        # set from the file's float seconds and may differ from it in the last nanoseconds.)
        # A file without a compressed copy (whitenoise found it not worth it) is compressed
        # again: such files are small.
        full = self.path(path)
        try:
            changed = os.stat(full).st_mtime
        except FileNotFoundError:
            return False
        for suffix in (".br", ".gz"):
            try:
                if os.stat(full + suffix).st_mtime >= changed - 1e-3:
                    return True
            except FileNotFoundError:
                continue
        return False
