"""The ledger's write pages: disbursements, agreements, repayments, corrections and the journal."""
