"""Evaluation statistics for follow-up: pure Python on numpy/scipy, no Django.

Difference-in-differences and before/after estimates from aggregated group data,
aggregation of pseudonymised individual-level uploads, and the ex-post calculation
(efterkalkyl) with its forecast-against-outcome attribution by parameter.
"""
