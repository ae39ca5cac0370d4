"""Swedish is the source language; English is the second.  The catalogue is complete and compiled."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.utils import translation

from socialinvest.applications.models import Application
from socialinvest.applications.states import Status
from socialinvest.organisations.models import Role

LOCALE = Path(__file__).parents[2] / "src" / "socialinvest" / "locale" / "en" / "LC_MESSAGES"
LOGIN = "/accounts/login/"


def read_po(path: Path) -> list[tuple[list[str], str, list[str]]]:
    """(flags, msgid, msgstrs) of every entry but the header; plural entries have several msgstrs."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        flags: list[str] = []
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += [f.strip() for f in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif line.startswith(("msgid ", "msgstr", "msgctxt ", "msgid_plural ")):
                key, _sep, value = line.partition(" ")
                fields[key] = ast.literal_eval(value)
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            msgstrs = [v for k, v in fields.items() if k.startswith("msgstr")]
            entries.append((flags, fields["msgid"], msgstrs))
    return entries


def test_every_string_is_translated_and_none_is_fuzzy():
    entries = read_po(LOCALE / "django.po")
    assert len(entries) > 100
    untranslated = [msgid for _f, msgid, msgstrs in entries if not all(m.strip() for m in msgstrs)]
    fuzzy = [msgid for flags, msgid, _s in entries if "fuzzy" in flags]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for _flags, msgid, msgstrs in read_po(LOCALE / "django.po"):
        found = (
            [compiled.gettext(msgid)]
            if len(msgstrs) == 1
            else [compiled.ngettext(msgid, "", n) for n in (1, 2)]
        )
        assert found == msgstrs, f"django.mo is stale for {msgid!r}: run scripts/update_translations.sh"


def test_code_and_model_strings_in_english():
    with translation.override("en"):
        assert translation.gettext("Logga in") == "Log in"
        assert str(Status.GRANTED.label) == "Granted"
        assert str(Status.RETURNED.label) == "Returned for completion"
        assert str(Role.PREPARATION.label) == "Preparation group"
        assert str(Application._meta.verbose_name) == "application"
        assert str(Application._meta.get_field("requested_amount").verbose_name) == "amount requested (SEK)"
    with translation.override("sv"):
        assert str(Status.GRANTED.label) == "Beviljad"


@pytest.mark.django_db
def test_login_page_is_swedish_by_default(client):
    body = client.get(LOGIN).content.decode()
    assert "Logga in" in body and "Log in" not in body
    assert '<html lang="sv">' in body


@pytest.mark.django_db
def test_switching_to_english_with_the_language_form(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    body = client.get(LOGIN).content.decode()
    assert "Log in" in body and "Logga in" not in body
    assert '<html lang="en">' in body
    client.post("/i18n/setlang/", {"language": "sv", "next": LOGIN})
    assert "Logga in" in client.get(LOGIN).content.decode()


@pytest.mark.django_db
def test_browser_language_english(client):
    body = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in" in body and "Logga in" not in body


@pytest.mark.django_db
def test_home_page_in_both_languages(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("testanvandare", password="ett-losenord-42"))
    body = client.get("/").content.decode()
    assert "Logga ut" in body and "Att göra" in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Log out" in body and "To do" in body
    assert "Logga ut" not in body
