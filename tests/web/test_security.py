"""Log-in everywhere, throttled log-ins, CSRF, clickjacking, cookies and production settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

LOGIN = "/accounts/login/"
PUBLIC = (
    "/accounts/login/",
    "/accounts/invitation/",
    "/accounts/password-reset/",
    "/accounts/reset/",
    # Answers only a half-done password log-in; otherwise back to the log-in page
    # (tests/organisations/test_second_factor.py).
    "/accounts/second-factor/",
    # Out to the identity provider and back (tests/organisations/test_oidc.py).
    "/oidc/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/api/",
    "/registry/",
    "/public/",
)
# Open by design: the API's description and the engine as a service; the registry's own pages.
OPEN_API = ("/api/openapi.json", "/api/docs", "/api/calculate", "/api/registry/intervention-types/")
PASSWORD = "ett-riktigt-losenord-42"


def _sample_paths(patterns: list[object] | None = None, prefix: str = "") -> list[str]:
    """One concrete path for every route in the URLconf, converters filled with sample values."""
    out = []
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if not isinstance(p.pattern, RoutePattern):  # the admin's regex routes are covered by /admin/
            continue
        route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m.group(1) == "int" else "x", str(p.pattern))
        if isinstance(p, URLResolver):
            out += _sample_paths(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern):
            out.append("/" + prefix + route)
    return out


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("testanvandare", password=PASSWORD)


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/applications/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/applications/"


@pytest.mark.django_db
def test_log_in_required_everywhere_but_the_public_pages(client):
    paths = [*_sample_paths(), "/admin/", "/admin/auth/user/", "/no-such-page/"]
    assert "/applications/" in paths and len(paths) > 5
    for path in paths:
        if path.startswith(PUBLIC):
            continue
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, (method, path, response.status_code)
            assert response["Location"].startswith(f"{LOGIN}?next="), path


@pytest.mark.django_db
@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_public_pages_open_without_log_in():
    client = Client()  # built after the override, so whitenoise serves from the finders
    assert client.get(LOGIN).status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 200 and health.content == b"ok"
    assert client.get("/static/socialinvest/site.css").status_code == 200


@pytest.mark.django_db
def test_log_in_works(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_csrf_enforced(user):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 403
    client.force_login(user)
    assert client.post("/accounts/logout/").status_code == 403
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 403


@pytest.mark.django_db
def test_security_headers(client, user):
    response = client.get(LOGIN)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    client.force_login(user)
    assert client.get("/")["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_session_cookie_is_http_only(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def _import_settings(env_overrides: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_SETTINGS_MODULE="socialinvest.config.settings.prod", SOCIALINVEST_VAR_DIR=str(tmp_path))
    env.update(env_overrides)
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.DEBUG)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_production_settings_refuse_to_start_without_secret_key(tmp_path):
    result = _import_settings({}, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr
    result = _import_settings({"SECRET_KEY": "x" * 50}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "False"]


@pytest.mark.django_db
def test_content_security_policy_and_no_store(client, user):
    """Issue #10, item 5: a CSP without inline script on every page; nothing a logged-in user sees
    is kept by the browser or a proxy."""
    anonymous = client.get(LOGIN)
    policy = anonymous["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src")).split()
    assert script_src == ["script-src", "'self'"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    client.force_login(user)
    for path in ("/", "/accounts/password_change/"):
        response = client.get(path)
        assert "no-store" in response["Cache-Control"], path
        assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("style-src")[0]
    # A refusal and a missing page are also not cached, and carry the policy.
    missing = client.get("/finns-inte/")
    assert missing.status_code == 404 and "no-store" in missing["Cache-Control"]
    assert "Content-Security-Policy" in missing


def test_templates_have_no_inline_script():
    """Scripts come from files served by the application: the policy allows no inline script."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "src" / "socialinvest"
    inline = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for m in re.finditer(r"<script\b([^>]*)>", text):
            attrs = m.group(1)
            if "src=" not in attrs and "application/json" not in attrs:
                inline.append(f"{template.relative_to(root)}: {m.group(0)}")
        inline += [f"{template.relative_to(root)}: on…=" for _ in re.finditer(r"\son[a-z]+=\"", text)]
    assert inline == []


def test_production_settings_send_hsts_with_subdomains(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="socialinvest.config.settings.prod",
        SOCIALINVEST_VAR_DIR=str(tmp_path),
        SECRET_KEY="k3Jw9-Zq8Lm2Vx7Rt5Pn4Bc6Hd1Fg0Ys3Ua8We7Qi2Oj5Ke9Tl4Mr6Nb1Cv8Dx0Ez",
        ALLOWED_HOSTS="fond.example.se",
    )
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.split() == ["31536000", "True"], result.stderr
    check = subprocess.run(
        [sys.executable, "-m", "socialinvest.cli.main", "manage", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    # The one warning left is the one the README explains (HSTS preload is the municipality's call).
    assert re.findall(r"\(security\.\w+\)", check.stdout + check.stderr) == ["(security.W021)"]
    readme = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")
    with open(readme, encoding="utf-8") as f:
        assert "security.W021" in f.read()


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_a_refusal_is_logged_once_in_one_line(client, world, capsys):
    """Issue #10, item 18: every 403 logged a full traceback, and each 403/404 line twice."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)  # handlers bound to the captured stderr
    from socialinvest.applications import actions

    app = actions.do_create_application(
        fund=world.fund, title="Insats", lead_unit=world.school, co_units=[], acting_user=world.applicant
    )
    try:
        client.force_login(world.outsider)
        capsys.readouterr()
        assert client.get("/finns-inte/").status_code == 404
        assert client.get(f"/applications/{app.pk}/").status_code == 403
        err = capsys.readouterr().err
    finally:
        logging.config.dictConfig(settings.LOGGING)
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err
    assert sum("Not Found: /finns-inte/" in line for line in lines) == 1
    assert sum("Forbidden" in line for line in lines) == 1
    assert len(lines) == 2, lines
