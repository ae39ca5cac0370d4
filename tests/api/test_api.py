"""The API: tokens, the error shape, the same verdicts as the pages, calculate = the CLI, idempotent money."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from api_helpers import ApiClient, token_for
from django.test import override_settings
from django.utils import timezone
from ledger_helpers import key

from socialinvest.api.actions import do_revoke_api_token, hash_secret
from socialinvest.api.models import ApiToken
from socialinvest.core.models import AuditEvent
from socialinvest.ledger import actions as ledger
from socialinvest.ledger.models import Disbursement, LedgerEntry

EXAMPLE = Path(__file__).parents[2] / "examples" / "alla-barn-i-skolan.yaml"
pytestmark = pytest.mark.django_db


def test_token_is_stored_hashed_and_shown_once(world: Any) -> None:
    secret = token_for(world.fund_admin, "read")
    stored = ApiToken.objects.get(user=world.fund_admin)
    assert stored.token_hash == hash_secret(secret)
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert AuditEvent.objects.filter(verb="api_token.create", target_id=str(stored.pk)).exists()


def test_revoked_expired_and_unknown_tokens_get_401(world: Any) -> None:
    secret = token_for(world.fund_admin, "read")
    assert ApiClient(secret).get("/api/funds").status_code == 200
    do_revoke_api_token(token=ApiToken.objects.get(user=world.fund_admin), acting_user=world.fund_admin)
    revoked = ApiClient(secret).get("/api/funds")
    assert revoked.status_code == 401
    assert revoked.json()["errors"][0]["loc"] == []
    expired = token_for(world.auditor, "read")
    ApiToken.objects.filter(user=world.auditor).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert ApiClient(expired).get("/api/funds").status_code == 401
    assert ApiClient("si_not-a-token").get("/api/funds").status_code == 401
    assert ApiClient().get("/api/funds").status_code == 401


def test_only_the_user_revokes_their_token(world: Any) -> None:
    token_for(world.fund_admin, "read")
    token = ApiToken.objects.get(user=world.fund_admin)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_revoke_api_token(token=token, acting_user=world.auditor)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_creation_validates_every_field(world: Any) -> None:
    from django.core.exceptions import ValidationError

    from socialinvest.api.actions import do_create_api_token

    with pytest.raises(ValidationError) as caught:
        do_create_api_token(
            user=world.fund_admin,
            name=" ",
            scope="admin",
            expires_at=timezone.now() - dt.timedelta(days=1),
            acting_user=world.fund_admin,
        )
    assert set(caught.value.message_dict) == {"name", "scope", "expires_at"}
    assert not ApiToken.objects.exists()


def test_calculate_returns_the_cli_json(world: Any) -> None:
    cli = subprocess.run(
        [sys.executable, "-m", "socialinvest.cli.main", "calc", str(EXAMPLE), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    import yaml

    document = json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    response = ApiClient().post("/api/calculate", raw=document.encode())
    assert response.status_code == 200, response.content[:500]
    assert response.json() == json.loads(cli.stdout)


def test_calculate_bad_input_names_the_field(world: Any) -> None:
    response = ApiClient().post("/api/calculate", {"name": "x", "price_year": 2024, "horizon": 0})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert ["body", "horizon"] in [e["loc"] for e in errors]
    broken = ApiClient().post("/api/calculate", raw=b"{not json")
    assert broken.status_code == 422
    assert "invalid JSON" in broken.json()["errors"][0]["msg"]


@pytest.mark.parametrize(
    ("role", "sees_fund", "sees_application", "sees_ledger"),
    [
        ("fund_admin", True, True, True),
        ("auditor", True, True, True),
        ("preparer", True, True, True),
        ("decision_maker", True, True, True),
        ("council", True, True, True),
        ("applicant", False, True, False),
        ("outsider", False, False, False),
    ],
)
def test_the_api_sees_what_the_pages_let_the_user_see(
    world: Any, granted: Any, role: str, sees_fund: bool, sees_application: bool, sees_ledger: bool
) -> None:
    client = ApiClient(token_for(getattr(world, role), "read"))
    fund_id, app_id = world.fund.pk, granted.pk
    funds = client.get("/api/funds").json()
    assert (fund_id in [f["id"] for f in funds["items"]]) == sees_fund
    assert (client.get(f"/api/funds/{fund_id}").status_code == 200) == sees_fund
    listed = client.get("/api/applications").json()["items"]
    assert (app_id in [a["id"] for a in listed]) == sees_application
    assert (client.get(f"/api/applications/{app_id}").status_code == 200) == sees_application
    assert (client.get(f"/api/applications/{app_id}/decision").status_code == 200) == sees_application
    calculations = client.get(f"/api/applications/{app_id}/calculations")
    assert (calculations.status_code == 200) == sees_application
    assert (client.get(f"/api/funds/{fund_id}/ledger-entries").status_code == 200) == sees_ledger
    assert (client.get(f"/api/funds/{fund_id}/disbursements").status_code == 200) == sees_ledger


MATRIX_PATHS = [
    "/api/funds/{fund}",
    "/api/funds/{fund}/ledger-entries",
    "/api/funds/{fund}/disbursements",
    "/api/funds/{fund}/repayment-agreements",
    "/api/applications/{app}",
    "/api/applications/{app}/calculations",
    "/api/applications/{app}/calculations/1",
    "/api/applications/{app}/decision",
    "/api/applications/{app}/followup-plan",
    "/api/applications/{app}/measurements",
    "/api/applications/{app}/evaluations",
]


@pytest.mark.parametrize("path", MATRIX_PATHS)
@pytest.mark.parametrize("who", ["admin", "applicant"])
def test_a_token_of_another_organisation_sees_nothing(
    world: Any, granted: Any, other_org: Any, path: str, who: str
) -> None:
    client = ApiClient(token_for(getattr(other_org, who), "write"))
    response = client.get(path.format(fund=world.fund.pk, app=granted.pk))
    assert response.status_code == 404, response.content
    assert response.json() == {"errors": [{"loc": [], "msg": "Finns inte."}]}
    assert world.fund.pk not in [f["id"] for f in client.get("/api/funds").json()["items"]]
    assert granted.pk not in [a["id"] for a in client.get("/api/applications").json()["items"]]
    # The own fund's admin sees the same path.
    own = ApiClient(token_for(world.fund_admin, "read")).get(path.format(fund=world.fund.pk, app=granted.pk))
    assert own.status_code in (200, 404)  # a plan/decision may not exist yet, but never 401/403/5xx


def test_pagination_and_filtering(world: Any, granted: Any) -> None:
    client = ApiClient(token_for(world.fund_admin, "read"))
    page = client.get("/api/applications", limit=1, offset=0).json()
    assert page["count"] >= 1 and len(page["items"]) == 1
    assert client.get("/api/applications", status="granted").json()["count"] >= 1
    assert client.get("/api/applications", status="draft_idea", fund=world.fund.pk).json()["count"] == 0
    bad = client.get("/api/applications", limit="many")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["query", "limit"]


def _planned(world: Any, granted: Any) -> Disbursement:
    rows = ledger.do_plan_disbursements(
        application=granted, rows=[{"year": 2025, "amount": "100000"}], acting_user=world.fund_admin
    )
    return rows[0]


def test_paying_is_idempotent_and_uses_the_services(world: Any, granted: Any) -> None:
    planned = _planned(world, granted)
    admin = ApiClient(token_for(world.fund_admin, "write"))
    k = key()
    approve = admin.post(f"/api/disbursements/{planned.pk}/approve", **{"Idempotency-Key": k})
    assert approve.status_code == 200, approve.content
    assert approve.json()["status"] == "approved"
    pay_key = key()
    first = admin.post(f"/api/disbursements/{planned.pk}/pay", {}, **{"Idempotency-Key": pay_key})
    again = admin.post(f"/api/disbursements/{planned.pk}/pay", {}, **{"Idempotency-Key": pay_key})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert LedgerEntry.objects.filter(disbursement=planned).count() == 1
    reused = admin.post(
        f"/api/disbursements/{planned.pk}/pay", {"paid_on": "2025-01-02"}, **{"Idempotency-Key": pay_key}
    )
    assert reused.status_code == 422


def test_writes_need_a_key_a_write_scope_and_the_pages_permission(world: Any, granted: Any) -> None:
    planned = _planned(world, granted)
    path = f"/api/disbursements/{planned.pk}/approve"
    no_key = ApiClient(token_for(world.fund_admin, "write")).post(path)
    assert no_key.status_code == 422
    assert no_key.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    read_only = ApiClient(token_for(world.auditor, "read")).post(path, **{"Idempotency-Key": key()})
    assert read_only.status_code == 403
    auditor = ApiClient(token_for(world.auditor, "write")).post(path, **{"Idempotency-Key": key()})
    assert auditor.status_code == 403
    assert auditor.json()["errors"][0]["msg"]
    planned.refresh_from_db()
    assert planned.status == "planned"


@override_settings(API_RATE_LIMIT=(3, 60))
def test_rate_limit_per_token(world: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    client = ApiClient(token_for(world.fund_admin, "read"))
    codes = [client.get("/api/funds").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = ApiClient(token_for(world.auditor, "read"))
    assert other.get("/api/funds").status_code == 200
    cache.clear()


def test_openapi_and_offline_docs(world: Any) -> None:
    from django.test import Client

    schema = Client().get("/api/openapi.json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/calculate" in document["paths"]
    assert "Scenario" in document["components"]["schemas"]
    docs = Client().get("/api/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower()
    # Every script and stylesheet is one of ours, served from the installed packages' static files:
    # nothing is fetched from another host when the page opens.
    import re

    from django.contrib.staticfiles import finders

    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert assets, html[:500]
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset


def test_every_error_has_the_one_json_shape_also_those_django_answers(world: Any, client: Any) -> None:
    """405 (a method the path does not take), 404 (no route) and the API's own errors alike."""
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(world.fund_admin, 'write')}"}
    cases = [
        ("put", "/api/calculate", 405),
        ("delete", "/api/funds", 405),
        ("post", "/api/funds", 405),
        ("get", "/api/no-such-thing", 404),
        ("get", "/api/funds/999999", 404),
        ("get", "/api/funds", 200),
    ]
    for method, path, status in cases:
        response = getattr(client, method)(path, **auth)
        assert response.status_code == status, (method, path)
        assert response["Content-Type"].startswith("application/json"), (method, path)
        if status >= 400:
            errors = response.json()["errors"]
            assert errors and all(set(e) == {"loc", "msg"} and e["msg"] for e in errors), (method, path)
    response = client.put("/api/calculate", **auth)
    assert "POST" in response["Allow"] and "PUT" in response.json()["errors"][0]["msg"]


def test_the_users_own_page_for_tokens_is_linked_from_every_page(world: Any, client: Any) -> None:
    client.force_login(world.applicant)
    page = client.get("/").content.decode()
    assert 'href="/api/tokens/"' in page
    soon = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    created = client.post("/api/tokens/", {"name": "Skript", "scope": "read", "expires_on": soon})
    assert (
        created.status_code == 200 and ApiToken.objects.filter(user=world.applicant, name="Skript").exists()
    )
    token = ApiToken.objects.get(user=world.applicant, name="Skript")
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/tokens/999999/revoke/").status_code == 405  # a page: not rewritten
    assert not client.get("/api/tokens/999999/revoke/")["Content-Type"].startswith("application/json")


def test_a_nul_character_is_refused_naming_the_field_and_writes_nothing(world: Any, settings: Any) -> None:
    """PostgreSQL cannot store U+0000 in text (it answered 500): the API refuses it up front."""
    settings.SOCIALINVEST_REGISTRY = True
    client = ApiClient(token_for(world.fund_admin, "write"))
    query = client.get("/api/registry/intervention-types/school-attendance/pooled", outcome="betyg\x00")
    assert query.status_code == 422
    assert query.json()["errors"][0]["loc"] == ["query", "outcome"]
    before = AuditEvent.objects.count()
    body = client.post(f"/api/funds/{world.fund.pk}/applications", {"title": "Idé\x00", "co_unit_ids": []})
    assert body.status_code == 422
    assert body.json()["errors"] == [{"loc": ["body", "title"], "msg": body.json()["errors"][0]["msg"]}]
    assert "NUL" in body.json()["errors"][0]["msg"]
    assert AuditEvent.objects.count() == before
