"""Log-in throttling (django-axes): per username and client address, shared by every worker.

One user's failed log-ins never lock another user out, also when everyone arrives from the
same proxy address; a forged X-Forwarded-For is ignored unless the proxy is configured as
trusted; and the limit holds across several gunicorn workers (the counters live in the
shared database cache, not in each process).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.test import Client, override_settings

LOGIN = "/accounts/login/"
PASSWORD = "ett-riktigt-losenord-42"
THROTTLED = "För många misslyckade inloggningar"


@pytest.fixture
def users(django_user_model):
    return [django_user_model.objects.create_user(name, password=PASSWORD) for name in ("anna", "bertil")]


def _post(client: Client, username: str, password: str, **extra: str):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


@pytest.mark.django_db
def test_one_users_failures_never_lock_another_user_out(users):
    client = Client()  # every request from 127.0.0.1, as behind a proxy on the same host
    # The fifth failure locks (AXES_FAILURE_LIMIT = 5).
    assert [_post(client, "anna", "fel-losenord").status_code for _ in range(5)] == [200] * 4 + [429]
    locked = _post(client, "anna", PASSWORD)
    assert locked.status_code == 429 and THROTTLED in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Bertil, from the very same address, logs in.
    assert _post(Client(), "bertil", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_escape_the_lock(users):
    for i in range(5):
        _post(Client(), "anna", "fel", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
    assert _post(Client(), "anna", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_configured_proxy_the_forwarded_client_address_counts(users):
    for _ in range(5):
        _post(Client(), "anna", "fel", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _post(Client(), "anna", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    # Anna from her own desk (another client address) is not locked out by the attacker's failures.
    assert _post(Client(), "anna", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 302


def test_client_address_only_from_a_trusted_proxy(rf):
    from socialinvest.core.client_ip import client_ip

    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.0.0.1")
    with override_settings(TRUSTED_PROXIES=[]):
        assert client_ip(request) == "192.0.2.1"
    with override_settings(TRUSTED_PROXIES=["192.0.2.0/24"]):
        assert client_ip(request) == "10.0.0.1"
        chain = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.1, 192.0.2.9")
        assert client_ip(chain) == "10.0.0.1"  # the client cannot choose: the left-most part is theirs
        junk = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="not-an-address")
        assert client_ip(junk) == "192.0.2.1"


# -- several gunicorn workers ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 after log-in is the answer we look for, not a page to follow


def _opener() -> urllib.request.OpenerDirector:
    jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    return urllib.request.build_opener(jar, _NoRedirect)


def _log_in(base: str, username: str, password: str) -> int:
    """A fresh browser (cookie jar, new connection): fetch the form, post it, return the status."""
    opener = _opener()
    page = opener.open(base + LOGIN, timeout=120).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(base + LOGIN, data=data.encode(), headers={"Referer": base + LOGIN})
    try:
        return opener.open(request, timeout=120).status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_limit_holds_across_several_gunicorn_workers(tmp_path: Path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    # The development settings with a fast password hasher (the real one takes a second per
    # log-in on a busy machine, and this test logs in a dozen times).
    (tmp_path / "throttle_settings.py").write_text(
        "from socialinvest.config.settings.dev import *  # noqa: F403\n"
        'PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]\n'
    )
    env.update(
        DJANGO_SETTINGS_MODULE="throttle_settings",
        PYTHONPATH=os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", "")]),
        SOCIALINVEST_VAR_DIR=str(tmp_path),
        DEBUG="0",
        PYTHONUNBUFFERED="1",
    )
    manage = [sys.executable, "-m", "django"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=300)
    create = (
        "from django.contrib.auth import get_user_model\n"
        "for name in ('anna', 'bertil'):\n"
        f"    get_user_model().objects.create_user(name, password={PASSWORD!r})\n"
        "assert get_user_model().objects.count() == 2\n"
    )
    subprocess.run([*manage, "shell", "-c", create], env=env, check=True, timeout=120)
    port = _free_port()
    workers = 4
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "socialinvest.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            # As `socialinvest serve` runs it: the app loaded once, the workers forked from it.
            "--preload",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        statuses = [_log_in(base, "anna", "fel-losenord") for _ in range(5)]
        assert statuses == [200] * 4 + [429]  # the fifth failure locks, whichever worker counted
        # With a counter per worker, 5 × workers attempts would get through; each of these
        # new connections may land on any worker, and every one is refused.
        refused = [_log_in(base, "anna", PASSWORD) for _ in range(2 * workers)]
        assert refused == [429] * (2 * workers)
        assert _log_in(base, "bertil", PASSWORD) == 302
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=120)
