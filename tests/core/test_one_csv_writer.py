"""Every CSV the application writes goes through one writer, which neutralises formula cells
(``= + - @``, tab, CR) — a party named ``=cmd|' /C calc'!A0`` must not become a formula."""

from __future__ import annotations

import re
from pathlib import Path

import socialinvest

ROOT = Path(socialinvest.__file__).parent
WRITER = "reports/csv_export.py"


def test_only_the_one_writer_writes_csv():
    writers = [
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]
    assert writers == [WRITER]
