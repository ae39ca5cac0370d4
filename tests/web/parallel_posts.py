"""Parallel HTTP posts against a real threaded server on a SQLite file (run by test_sqlite_concurrency).

Usage: python parallel_posts.py N.  Settings: the development ones (SQLite under
$SOCIALINVEST_VAR_DIR), as the demo and a trial run them.  Prints one JSON line:
the status of each parallel post and how many applications were created.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import sys
import threading
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["DJANGO_SETTINGS_MODULE"] = "socialinvest.config.settings.dev"
os.environ["DEBUG"] = "0"
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

PASSWORD = "parallella-poster-42"
settings.ALLOWED_HOSTS = ["127.0.0.1"]
# What is tested is parallel writes to SQLite, not passwords: PBKDF2's deliberate ~0.5 s a hash,
# for every user made and every log-in, took most of the run.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Quiet(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def setup_world(n: int) -> tuple[int, int]:
    from factories import FundFactory, MembershipFactory, OrganisationFactory, UnitFactory, UserFactory

    call_command("migrate", interactive=False, verbosity=0)
    org = OrganisationFactory(name="Exempelstads kommun", slug="exempelstad")
    school = UnitFactory(organisation=org, name="Utbildningsnämnden", actor_id="kommun.utbildning")
    fund = FundFactory(owner=org, name="Sociala investeringsfonden", slug="sif", capital=40_000_000)
    for i in range(n):
        user = UserFactory(username=f"sokande{i}")
        user.set_password(PASSWORD)
        user.save()
        MembershipFactory(user=user, role="applicant", unit=school)
    return fund.pk, school.pk


class Browser:
    def __init__(self, port: int) -> None:
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, form: dict[str, object] | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        conn.close()
        return response.status, text

    def csrf(self, path: str) -> str:
        _status, page = self.request("GET", path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def main(n: int) -> None:
    fund_pk, unit_pk = setup_world(n)
    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    start = threading.Barrier(n)
    statuses: list[int] = [0] * n

    def applicant(i: int) -> None:
        b = Browser(port)
        token = b.csrf("/accounts/login/")
        login = {"csrfmiddlewaretoken": token, "username": f"sokande{i}", "password": PASSWORD}
        b.request("POST", "/accounts/login/", login)
        token = b.csrf("/applications/new/")
        form = {"csrfmiddlewaretoken": token, "fund": fund_pk, "title": f"Insats {i}", "lead_unit": unit_pk}
        start.wait()
        statuses[i], _ = b.request("POST", "/applications/new/", form)

    threads = [threading.Thread(target=applicant, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    server.shutdown()
    from socialinvest.applications.models import Application

    print(json.dumps({"statuses": statuses, "created": Application.objects.count()}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
