"""collectstatic compresses a static file once, and again only when it changed
(socialinvest.core.staticfiles): ``serve`` and the demo run it at every start."""

from __future__ import annotations

import gzip
import os

from django.core.management import call_command

from socialinvest.config.settings import base

CSS = "body { color: #222; margin: 0 auto; }\n" * 200


def _configure(settings, tmp_path):
    """Production's static files storage, with one source folder of the test's own."""
    source = tmp_path / "source"
    source.mkdir()
    settings.STORAGES = base.STORAGES
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "static"
    return source


def _collect() -> None:
    call_command("collectstatic", interactive=False, verbosity=0)


def test_a_file_is_compressed_once_and_again_when_it_changes(tmp_path, settings):
    source = _configure(settings, tmp_path)
    (source / "site.css").write_text(CSS)

    _collect()
    gz = tmp_path / "static" / "site.css.gz"
    assert gzip.decompress(gz.read_bytes()).decode() == CSS

    # Unchanged: not compressed again (a marker put in the compressed copy, with its time, stays).
    stamp = gz.stat()
    gz.write_bytes(gzip.compress(b"marker"))
    os.utime(gz, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    _collect()
    assert gzip.decompress(gz.read_bytes()) == b"marker"

    # Changed: copied and compressed again.
    changed = CSS.replace("#222", "#333")
    (source / "site.css").write_text(changed)
    later = stamp.st_mtime_ns + 10**10
    os.utime(source / "site.css", ns=(later, later))
    _collect()
    assert (tmp_path / "static" / "site.css").read_text() == changed
    assert gzip.decompress(gz.read_bytes()).decode() == changed


def test_a_missing_compressed_copy_is_made_again(tmp_path, settings):
    source = _configure(settings, tmp_path)
    (source / "site.css").write_text(CSS)
    _collect()
    for suffix in (".gz", ".br"):
        (tmp_path / "static" / f"site.css{suffix}").unlink(missing_ok=True)
    _collect()
    assert gzip.decompress((tmp_path / "static" / "site.css.gz").read_bytes()).decode() == CSS


def test_source_maps_are_not_compressed(tmp_path, settings):
    source = _configure(settings, tmp_path)
    (source / "bundle.js.map").write_text('{"mappings": "' + "AAAA," * 5000 + '"}')
    _collect()
    assert (tmp_path / "static" / "bundle.js.map").exists()
    assert not (tmp_path / "static" / "bundle.js.map.gz").exists()
