"""Development and the demo: DEBUG on, SQLite under var/, e-mail to the console."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = os.environ.get("DEBUG", "1").lower() in ("1", "true", "yes")
# A development-only key; prod.py refuses to start without SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
# The demo writes each mail to a file under var/mail/ so a reader can open them.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
VAR_DIR.mkdir(parents=True, exist_ok=True)
# The demo's administrators log in without a second factor unless REQUIRE_SECOND_FACTOR=1
# (production and a server started with prod.py ask for it): its logins are printed for anyone
# to try.  An administrator may still enrol on /accounts/second-factor/setup/.
REQUIRE_SECOND_FACTOR = os.environ.get("REQUIRE_SECOND_FACTOR", "0").lower() in ("1", "true", "yes", "on")
