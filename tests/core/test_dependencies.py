"""The dependency lists are what CI tested, each package named once (issue #10: pypdf and
WeasyPrint were declared twice, and merges had left constraints.txt with doubled lines)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    """A distribution's name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]).lower()


def test_every_dependency_is_declared_once():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    names = [_name(r) for r in declared]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_every_dependency_is_pinned_once_in_the_constraints():
    lines = [
        line.strip()
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    pins = {}
    for line in lines:
        name, _, version = line.partition("==")
        assert version, f"constraints.txt: {line!r} is not an exact pin"
        assert _name(name) not in pins, f"constraints.txt: {name} pinned twice"
        pins[_name(name)] = version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        assert _name(requirement) in pins, f"{requirement} has no pin in constraints.txt"
