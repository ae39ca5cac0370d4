"""The fund's owners' view: the portfolio dashboard and the reports built on it.

Above ``ledger`` and ``followup`` (it reads every app below it and no app below
imports it).  Its figures are computed once per change and stored
(:mod:`.store`), so a page view reads one row.
"""
