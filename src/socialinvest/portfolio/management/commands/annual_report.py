"""`socialinvest manage annual_report --fund ID --year Y`: the annual aggregated follow-up as PDF or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from socialinvest.funds.models import Fund
from socialinvest.portfolio import annual
from socialinvest.portfolio.report_views import annual_pdf_bytes, annual_xlsx_bytes


class Command(BaseCommand):
    help = (
        "Write the fund's annual aggregated follow-up (årlig samlad uppföljning) for a year as PDF or XLSX."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fund", type=int, required=True, help="the fund's id")
        parser.add_argument("--year", type=int, required=True, help="the year to report")
        parser.add_argument("--format", choices=("pdf", "xlsx"), default="pdf")
        parser.add_argument("--output", type=Path, help="file to write (default: <fund>-<year>.<format>)")

    def handle(self, *args: Any, **options: Any) -> None:
        fund = Fund.objects.select_related("owner").filter(pk=options["fund"]).first()
        if fund is None:
            raise CommandError(f"--fund: no fund with id {options['fund']}")
        year, fmt = options["year"], options["format"]
        try:
            content = annual_pdf_bytes(fund, year) if fmt == "pdf" else annual_xlsx_bytes(fund, year)
        except annual.NoData:
            raise CommandError(f"--year: the fund {fund.name!r} has nothing to report for {year}") from None
        path = options["output"] or Path(f"{slugify(fund.name)}-{year}.{fmt}")
        path.write_bytes(content)
        self.stdout.write(f"{path} ({len(content):,} bytes)")
