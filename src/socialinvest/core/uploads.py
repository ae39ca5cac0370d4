"""The check every attachment passes: a name, a size, and no personnummer anywhere in its text.

The fund holds no personal data, so a file is only taken when all of its text can be
read and checked.  What "all of its text" means per type (why: each is a way a
number once got through):

* plain text (``.txt .csv .tsv .md .json .xml .yaml .yml``): decoded by its byte-order
  mark (UTF-8, UTF-16, UTF-32); without one, read as UTF-8 (else Windows-1252) *and* as
  UTF-16 of both byte orders;
* Office Open XML and OpenDocument (``.docx .xlsx .pptx .odt .ods .odp``): *every*
  XML part of the zip (headers, footers, comments, footnotes, inline and numeric
  cells, not only the body or the shared strings), entities decoded, and any
  Office/OpenDocument file embedded in it, the same way;
* PDF: the text of every page and the document information, with pypdf (a
  maintained parser: PDF text lives in compressed streams behind font encodings).

Any other type (``.doc .xls .gz .zip`` images …) is refused with a message naming the
accepted types: its text cannot be checked.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from socialinvest.identity import find_personnummer

TEXT_SUFFIXES = frozenset({".txt", ".csv", ".tsv", ".md", ".json", ".xml", ".yaml", ".yml"})
ZIP_XML_SUFFIXES = frozenset({".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"})
PDF_SUFFIXES = frozenset({".pdf"})
ACCEPTED_SUFFIXES = TEXT_SUFFIXES | ZIP_XML_SUFFIXES | PDF_SUFFIXES

MAX_EXTRACTED_BYTES = 64 * 1024 * 1024  # a zip bomb stops here
MAX_NESTING = 3  # documents embedded in documents
_TAG = re.compile(rb"<[^>]*>")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class Unreadable(Exception):
    """The file is not what its name says, or is too large to unpack."""


class UncheckableType(Exception):
    """A file type whose text cannot be checked."""


def accepted_types() -> str:
    """The accepted file types, for messages: '.csv, .docx, …'."""
    return ", ".join(sorted(ACCEPTED_SUFFIXES))


def decode_text(raw: bytes) -> str:
    """Bytes of a text file as text: by its byte-order mark, else UTF-8, else Windows-1252."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def text_readings(raw: bytes) -> Iterator[str]:
    """Every way a text file without a byte-order mark may be meant: also as UTF-16 of either order.

    Guessing the encoding would let a file through whose guess was wrong; a number found in
    a misreading is as good as refused, and the misreadings of a clean file are noise.
    """
    yield decode_text(raw)
    if not any(raw.startswith(bom) for bom, _encoding in _BOMS) and len(raw) >= 2:
        even = raw[: len(raw) // 2 * 2]
        yield even.decode("utf-16-le", errors="replace")
        yield even.decode("utf-16-be", errors="replace")


def _xml_texts(xml: bytes) -> Iterator[str]:
    """An XML part's text twice: tags as nothing (a number split over runs) and as spaces (cells)."""
    joined = html.unescape(decode_text(_TAG.sub(b"", xml)))
    spaced = html.unescape(decode_text(_TAG.sub(b" ", xml)))
    yield joined
    yield spaced


def _zip_texts(raw: IO[bytes], depth: int = 0) -> Iterator[str]:
    budget = MAX_EXTRACTED_BYTES
    try:
        with zipfile.ZipFile(raw) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                suffix = PurePath(info.filename).suffix.lower()
                if info.file_size > budget:
                    raise Unreadable("too large")
                with archive.open(info) as member:
                    data = member.read(budget + 1)
                budget -= len(data)
                if budget < 0:
                    raise Unreadable("too large")
                if suffix in {".xml", ".rels", ".vml"} or data.lstrip()[:5] == b"<?xml":
                    yield from _xml_texts(data)
                elif suffix in ZIP_XML_SUFFIXES and depth < MAX_NESTING:
                    yield from _zip_texts(io.BytesIO(data), depth + 1)
                elif suffix in PDF_SUFFIXES:
                    yield from _pdf_texts(io.BytesIO(data))
                elif suffix in TEXT_SUFFIXES:
                    yield from text_readings(data)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise Unreadable(str(exc)) from None


def _pdf_texts(raw: IO[bytes]) -> Iterator[str]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(raw)
        if reader.is_encrypted:
            raise Unreadable("encrypted")
        for key, value in (reader.metadata or {}).items():
            yield f"{key} {value}"
        for page in reader.pages:
            yield page.extract_text() or ""
    except Unreadable:
        raise
    except Exception as exc:  # a hostile PDF can make the parser fail in any way: refuse it
        raise Unreadable(str(exc)) from None


def file_texts(name: str, raw: IO[bytes]) -> Iterator[str]:
    """Every text of a file to check, by its type (``UncheckableType``, ``Unreadable`` when it cannot be)."""
    suffix = PurePath(name).suffix.lower()
    raw.seek(0)
    if suffix in TEXT_SUFFIXES:
        yield from text_readings(raw.read())
    elif suffix in ZIP_XML_SUFFIXES:
        yield from _zip_texts(raw)
    elif suffix in PDF_SUFFIXES:
        yield from _pdf_texts(raw)
    else:
        raise UncheckableType(suffix)


def file_sha256(upload: Any) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def check_upload(upload: Any) -> str:
    """The upload's file name, once the file passes the checks every attachment must pass.

    Refused (``ValidationError`` on ``file``) when it has no name, is empty or larger than
    ``settings.ATTACHMENT_MAX_BYTES``, is of a type whose text cannot be checked, cannot be
    read as its type, or when its name or any of its text holds a personnummer.
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
    try:
        found = any(find_personnummer(text) for text in file_texts(name, upload))
    except UncheckableType:
        raise ValidationError(
            {
                "file": _(
                    "Filtypen kan inte kontrolleras för personuppgifter och tas inte emot. "
                    "Tillåtna filtyper: %(types)s."
                )
                % {"types": accepted_types()}
            }
        ) from None
    except Unreadable:
        raise ValidationError({"file": _("Filen kunde inte läsas som ett dokument av sin typ.")}) from None
    finally:
        upload.seek(0)
    if found:
        raise ValidationError(
            {
                "file": _(
                    "Filen innehåller ett personnummer. Fonden får inte innehålla personuppgifter – "
                    "ta bort det och ladda upp filen igen."
                )
            }
        )
    return name
