"""The national evidence registry, and a fund's link to it.

An instance with ``SOCIALINVEST_REGISTRY = True`` *is* a registry: funds publish evaluated
interventions to it over the API (:mod:`.api`), and per intervention type it pools them
with a random-effects meta-analysis (:mod:`socialinvest.evaluation.meta`) on a WSIPP-style
page.  Every instance is also a registry *client* (:mod:`.client`, ``REGISTRY_URL`` and
``REGISTRY_TOKEN``): a fund publishes from its evaluation page, fetches the pooled
estimate as an application's effect, and records which estimate — local, pooled or
empirical-Bayes shrunken — its ex-post calculation uses.
"""
