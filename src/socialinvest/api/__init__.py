"""The REST API (django-ninja): the same selectors, services and permission verdicts as the pages.

Authenticated by per-user tokens (:mod:`.models`, stored hashed, with a scope and an
expiry); errors in one JSON shape (:mod:`.errors`); rate-limited per token
(:mod:`.ratelimit`); the engine as a service at ``POST /api/calculate``.
"""
