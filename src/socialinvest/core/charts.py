"""What every chart shares: the vega-embed bundle the pages load (never a CDN), its version,
and the number format for the active language.

The specs themselves are built where their data lives (a calculation's flows in
:mod:`socialinvest.applications.calculation_charts`); altair and vl-convert are imported on
first use, since they take a while to load.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path
from typing import Any

from django.conf import settings

from . import formatting


def vega_lite_version() -> str:
    """The Vega-Lite version altair writes specs for, as vl-convert names it (``6.4``)."""
    import altair as alt

    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"{major}.{minor}"


@functools.cache
def bundle_version() -> str:
    import vl_convert

    return f"{vl_convert.__version__}-vl{vega_lite_version()}"


def format_locale() -> dict[str, Any]:
    """d3's number format for the active language (``sv-SE`` or ``en-US``), for vega-embed's
    ``formatLocale``: chart axes write numbers as the page around them does."""
    return _format_locale("en-US" if formatting.language() == "en" else "sv-SE")


@functools.cache
def _format_locale(name: str) -> dict[str, Any]:
    import vl_convert

    return dict(vl_convert.get_format_locale(name))


def _cache_dir() -> Path:
    return Path(settings.VAR_DIR) / "cache"


@functools.cache
def vega_bundle() -> tuple[bytes, bytes]:
    """Vega, Vega-Lite and vega-embed as one script (and gzipped), built by vl-convert.

    Building takes seconds, so both are kept on disk under ``VAR_DIR/cache``
    (keyed by version) and in memory.  The script sets ``window.vegaEmbed``.
    """
    import vl_convert

    path = _cache_dir() / f"vega-bundle-{bundle_version()}.js"
    gz_path = path.with_name(path.name + ".gz")
    try:
        return path.read_bytes(), gz_path.read_bytes()
    except OSError:
        pass
    raw = vl_convert.javascript_bundle(vl_version=vega_lite_version()).encode("utf-8")
    compressed = gzip.compress(raw, compresslevel=9, mtime=0)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for target, content in ((gz_path, compressed), (path, raw)):
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_bytes(content)
            tmp.replace(target)
    except OSError:
        pass  # a read-only disk: keep them in memory only
    return raw, compressed
