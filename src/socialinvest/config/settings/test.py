"""Tests: SQLite in memory by default; DATABASE_URL selects PostgreSQL."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "test-key-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not os.environ.get("DATABASE_URL"):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
# Queued mail runs at once (after the commit) unless a test selects the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
# Tests log administrators in through the form (browser tests too); the second-factor tests
# turn the production default back on with override_settings.
REQUIRE_SECOND_FACTOR = False
