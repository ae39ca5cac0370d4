"""Small real documents for upload tests: .docx, .xlsx and PDF written byte by byte.

Each puts text where real files keep it (Word's runs, headers and comments; Excel's shared
strings, inline strings and numeric cells; a PDF page's content stream), so the upload check
is tested against the structure, not against our own extractor.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape


def _zip(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        for name, xml in parts.items():
            z.writestr(name, xml)
    return buffer.getvalue()


def docx(*paragraphs: list[str], header: str = "", comment: str = "") -> bytes:
    """A .docx whose paragraphs are made of the given runs (Word often splits numbers across runs).

    The header and comment are put in as XML (so a test can write an entity such as ``&#45;``).
    """
    body = "".join(
        "<w:p>" + "".join(f"<w:r><w:t>{escape(run)}</w:t></w:r>" for run in runs) + "</w:p>"
        for runs in paragraphs
    )
    document = f'<?xml version="1.0"?><w:document xmlns:w="w"><w:body>{body}</w:body></w:document>'
    parts = {"word/document.xml": document}
    if header:
        parts["word/header1.xml"] = f'<w:hdr xmlns:w="w"><w:p><w:r><w:t>{header}</w:t></w:r></w:p></w:hdr>'
    if comment:
        parts["word/comments.xml"] = (
            f'<w:comments xmlns:w="w"><w:comment><w:p><w:r><w:t>{comment}</w:t></w:r></w:p>'
            "</w:comment></w:comments>"
        )
    return _zip(parts)


def xlsx(*, shared: str = "", inline: str = "", number: str = "") -> bytes:
    """An .xlsx with the text as a shared string, an inline string or a numeric cell."""
    cells = '<c r="A1" t="n"><v>5</v></c>'
    if shared:
        cells += '<c r="B1" t="s"><v>0</v></c>'
    if inline:
        cells += f'<c r="C1" t="inlineStr"><is><t>{escape(inline)}</t></is></c>'
    if number:
        cells += f'<c r="D1"><v>{number}</v></c>'
    parts = {
        "xl/worksheets/sheet1.xml": f'<worksheet><sheetData><row r="1">{cells}</row></sheetData></worksheet>',
        "xl/sharedStrings.xml": f"<sst><si><t>{escape(shared)}</t></si></sst>",
    }
    return _zip(parts)


def pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII) in Helvetica, with a correct cross-reference table."""
    literal = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 72 720 Td ({literal}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
