"""``socialinvest export`` / ``import``: the demo fund round-trips byte-identically through an empty
database, a second import changes nothing, and a bad file names its problem and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from socialinvest.cli.main import main
from socialinvest.core.models import AuditEvent
from socialinvest.exchange.fund import (
    LEFT_OUT,
    MODELS,
    ORDER,
    ExchangeError,
    dumps,
    export_fund,
    import_fund,
    parse,
)
from socialinvest.funds.models import Fund
from socialinvest.web.demo import load_demo


def row_counts() -> dict[str, int]:
    return {label: apps.get_model(label)._base_manager.count() for label, _seed in MODELS}


def empty_database() -> None:
    call_command("flush", interactive=False, verbosity=0)
    assert not any(row_counts().values())


def import_fails(text: str, *fragments: str) -> ExchangeError:
    before = row_counts()
    with pytest.raises(ExchangeError) as caught:
        import_fund(text)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, message
    assert row_counts() == before  # nothing written
    return caught.value


def tampered(document: dict[str, Any], model: str, field: str, value: Any) -> str:
    doc = json.loads(dumps(document))
    record = next(r for r in doc["records"] if r["model"] == model)
    record["fields"][field] = value
    return dumps(doc)


@pytest.mark.django_db(transaction=True)
def test_demo_fund_round_trips_through_an_empty_database(tmp_path: Path, capsys: Any) -> None:
    load_demo()
    fund, other = Fund.objects.order_by("pk")  # the municipality's fund and the multi-party one
    other_original = dumps(export_fund(other))
    first = tmp_path / "fund.json"
    assert main(["export", "--fund", fund.slug, "--output", str(first)]) == 0
    original = first.read_text(encoding="utf-8")
    document = json.loads(original)
    labels = {r["model"] for r in document["records"]}
    for label in [
        "organisations.organisation",
        "organisations.unit",
        "organisations.membership",
        "auth.user",
        "applications.application",
        "applications.calculationversion",
        "applications.review",
        "applications.decision",
        "ledger.ledgerentry",
        "ledger.ledgerline",
        "ledger.repaymentagreementversion",
        "followup.measurement",
        "followup.expostcalculation",
    ]:
        assert label in labels, label
    users = [r for r in document["records"] if r["model"] == "auth.user"]
    assert users and all("password" not in r["fields"] for r in users)
    assert "socialinvest-demo" not in original and "pbkdf2" not in original

    empty_database()
    # Bad files first: each names the record and field, writes nothing.
    import_fails("{not json", "inte giltig JSON")
    import_fails(
        tampered(document, "ledger.ledgerline", "debit", "tio kronor"), "ledger.ledgerline", ".fields.debit"
    )
    import_fails(
        tampered(document, "applications.application", "fund", 999_999), ".fields.fund", "inte finns i filen"
    )
    import_fails(tampered(document, "applications.application", "status", "no-such-state"), ".fields.status")
    import_fails(tampered(document, "funds.fund", "colour", "blue"), ".fields.colour", "okänt fält")
    unbalanced = json.loads(original)
    line = next(
        r
        for r in unbalanced["records"]
        if r["model"] == "ledger.ledgerline" and r["fields"]["debit"] != "0.00"
    )
    line["fields"]["debit"] = str(float(line["fields"]["debit"]) + 1) + "0"
    import_fails(dumps(unbalanced), "debet", "kredit")
    bad = tmp_path / "bad.json"
    bad.write_text(tampered(document, "ledger.ledgerline", "debit", "tio kronor"), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert ".fields.debit" in err and "Inget importerades." in err
    assert not any(row_counts().values())

    # The round trip: import, export again, the same bytes.
    assert main(["import", str(first)]) == 0
    assert "rader skrivna" in capsys.readouterr().out
    second = tmp_path / "again.json"
    assert main(["export", "--fund", str(fund.pk), "--output", str(second)]) == 0
    assert second.read_text(encoding="utf-8") == original

    # Importing twice changes nothing (no row, not even an audit event).
    counts, events = row_counts(), AuditEvent.objects.count()
    assert main(["import", str(first)]) == 0
    assert "inget skrevs" in capsys.readouterr().out
    assert row_counts() == counts and AuditEvent.objects.count() == events
    assert dumps(export_fund(Fund.objects.get(pk=fund.pk))) + "\n" == original

    # The other fund shares the organisation, units and users: those rows are left alone.
    _fund, written = import_fund(other_original)
    assert 0 < written < len(json.loads(other_original)["records"])
    assert dumps(export_fund(Fund.objects.get(pk=other.pk))) == other_original
    assert dumps(export_fund(Fund.objects.get(pk=fund.pk))) + "\n" == original

    # A different row under a taken key is a conflict, named, and nothing is written.
    import_fails(tampered(document, "funds.fund", "name", "Annan fond"), "funds.fund", "name", "tom databas")

    # A row written after the import gets a key past the imported ones (the sequences were reset;
    # on PostgreSQL the import's own audit event would otherwise collide with an imported one).
    assert AuditEvent.objects.order_by("-pk").first().verb == "exchange.imported"


def test_parse_names_every_problem_without_a_database() -> None:
    with pytest.raises(ExchangeError) as caught:
        parse(
            json.dumps(
                {"format": "other", "version": 2, "records": [{"model": "auth.group", "pk": 1, "fields": {}}]}
            )
        )
    where = [w for w, _m in caught.value.problems]
    assert "format" in where and "version" in where and "records[0].model" in where


def test_every_model_that_names_a_fund_or_its_people_travels_or_says_why_not() -> None:
    """A new model pointing at a user, organisation, unit, fund or application must be added to the
    export (``MODELS``) or to ``LEFT_OUT`` with its reason."""
    anchors = {
        "auth.user",
        "organisations.organisation",
        "organisations.unit",
        "funds.fund",
        "applications.application",
    }
    missing = []
    for model in apps.get_models():
        label = model._meta.label_lower
        targets = {
            f.related_model._meta.label_lower
            for f in model._meta.get_fields()
            if f.concrete and f.is_relation
        }
        if targets & anchors and label not in ORDER and label not in LEFT_OUT:
            missing.append(label)
    assert missing == []


def test_the_import_speaks_english_when_asked(tmp_path, capsys) -> None:
    """Swedish by default, English with --lang en (or an English LANG), like every command."""
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["--lang", "en", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "not valid JSON" in err and "Nothing was imported." in err
    assert main(["import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "inte giltig JSON" in err and "Inget importerades." in err
