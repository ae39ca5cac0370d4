"""The CLI speaks the user's language; these tests check the engine's own (English)
messages, so they run under an English locale unless a test says otherwise
(``--lang sv``, or its own environment)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
