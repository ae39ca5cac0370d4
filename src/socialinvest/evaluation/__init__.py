"""Evaluation statistics for follow-up: pure Python on numpy/scipy, no Django.

Difference-in-differences and before/after estimates from aggregated group data,
aggregation of pseudonymised individual-level uploads, and the ex-post calculation
(efterkalkyl) with its forecast-against-outcome attribution by parameter.

* :mod:`.did` — DiD and before/after estimates, the effect for a scenario outcome
  (cells, problems and validation in :mod:`.cells`);
* :mod:`.upload` — a pseudonymised ``id,group,period,value`` CSV to aggregates;
* :mod:`.expost` — the ex-post scenario and :func:`~.expost.explain_difference`
  (Shapley values in :mod:`.attribution`).
"""
