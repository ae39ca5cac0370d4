"""Reports built from a calculation: the audit workbook (``xlsx``).

Import the writers from their modules (``socialinvest.reports.xlsx``), so that
importing this package does not pull in XlsxWriter.
"""
