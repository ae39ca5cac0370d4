"""A real OpenID Connect provider for the tests: a second Django process running django-oauth-toolkit.

``OIDC_TEST_PORT=… OIDC_TEST_DB=… python oidc_provider.py REDIRECT_URI CLIENT_ID CLIENT_SECRET``
migrates its own SQLite database, creates one confidential client (authorization code with
PKCE, RS256-signed ID tokens, consent skipped) and the people listed in ``OIDC_TEST_PEOPLE``
(``user:password:email``, comma-separated), then serves on 127.0.0.1:PORT.  Its issuer is ``http://127.0.0.1:PORT/o``.
This module is the process's settings (its URLs: oidc_provider_urls.py).
"""

from __future__ import annotations

import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PORT = os.environ.get("OIDC_TEST_PORT", "0")
SECRET_KEY = "oidc-test-provider-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "oidc_provider_urls"
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ.get("OIDC_TEST_DB", ":memory:")}
}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {}}]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/login/"
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _KEY.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode(),
    "OIDC_ISS_ENDPOINT": f"http://127.0.0.1:{PORT}/o",
    "SCOPES": {"openid": "OpenID Connect", "email": "E-mail", "profile": "Profile"},
    "OAUTH2_VALIDATOR_CLASS": "oidc_provider_claims.EmailClaims",
    "PKCE_REQUIRED": True,
}


def main() -> None:
    redirect_uri, client_id, client_secret = sys.argv[1:4]
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from oauth2_provider.models import Application

    for spec in filter(None, os.environ.get("OIDC_TEST_PEOPLE", "").split(",")):
        username, password, email = spec.split(":")
        get_user_model().objects.create_user(username, email=email, password=password)
    Application.objects.create(
        name="Socialinvest",
        client_id=client_id,
        client_secret=client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    call_command("runserver", f"127.0.0.1:{PORT}", use_reloader=False, use_threading=True, skip_checks=True)


if __name__ == "__main__":
    main()
