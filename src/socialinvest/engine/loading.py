"""Reading scenario files (YAML or JSON) into a validated :class:`Scenario`.

Whatever is wrong — an empty file, a YAML syntax error, binary garbage, a
duplicated key, an unknown key, a value out of range, an unknown actor — ends as
a :class:`ScenarioError` listing each problem with its field path.  Nothing here
lets a traceback through.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .catalogue import Catalogue
from .distributions import shown
from .errors import Problem, ScenarioError, problems_from_validation
from .partial import reference_problems
from .resolve import resolve
from .scenario import Scenario

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 100  # nesting levels; a scenario needs about 5
MAX_ENTRIES = 50_000
"""Keys and list items a scenario file may have: a large real scenario has a few
thousand.  Parsing and validating costs time per entry (PyYAML builds each node in
Python), so a 10 MB file of tiny entries is refused before it is parsed."""
_ENTRY_MARKS = "-:,[{?"  # every key, list item or flow value needs one of these


def _count_entries(text: str) -> int:
    return sum(text.count(c) for c in _ENTRY_MARKS)


def _check_entries(text: str) -> None:
    """Refuse text with more than :data:`MAX_ENTRIES` entries, counted in C on the text.

    The count includes these characters inside scalars (a dash in a name), so it
    can only over-count; at 50 000 that never refuses a real scenario.
    """
    marks = _count_entries(text)
    if marks > MAX_ENTRIES:
        raise ScenarioError(
            [
                Problem(
                    "",
                    f"too many entries: about {marks} keys, list items and values (at most {MAX_ENTRIES}); "
                    "a scenario needs a few hundred",
                )
            ]
        )


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """YAML's safe loader, refusing a key given twice (PyYAML keeps the last silently)."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # ``!!int abc``, a 5000-digit number or ``2024-13-45`` make PyYAML's
        # constructors raise a bare ValueError, without the line.
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            kind = str(node.tag).rsplit(":", 1)[-1]
            reason = str(exc).split(";")[0]
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {shown(node.value)} as {kind} ({reason})", node.start_mark
            ) from None


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:  # ``<<: *defaults`` — merged keys may be overridden
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            continue
        line = key_node.start_mark.line + 1
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key {key!r} appears twice (lines {seen[key]} and {line})",
                key_node.start_mark,
            )
        seen[key] = line
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key {key!r} appears twice in one object")
        out[key] = value
    return out


# A bracket, a quoted scalar (which may hold brackets) or a comment.  A quote opens a
# scalar only where a scalar can start: at the start, after white space or after
# one of ``[ { , :`` (an apostrophe inside ``children's`` is just a character).
_FLOW_TOKENS = re.compile(
    r"""[\[\]{}]"""
    r"""|(?<![^\s\[{,:])'(?:[^']|'')*'"""
    r'|(?<![^\s\[{,:])"(?:[^"\\]|\\.)*"'
    r"""|(?<!\S)#[^\n]*"""
)


def _too_deep(text: str, offset: int) -> ScenarioError:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    where = f"line {line}, column {column}"
    return ScenarioError([Problem("", f"invalid YAML at {where}: nested more than {MAX_DEPTH} levels deep")])


def _check_flow_depth(text: str) -> None:
    """Refuse flow collections (``[…]``, ``{…}``) nested deeper than :data:`MAX_DEPTH`.

    Counted on the text itself, not on libyaml's events: libyaml's scanner reads
    a run of flow openers ahead of the parser and stops at its own limit (1000
    levels since libyaml 0.2.6) before the first event reaches us, so its limit
    and its wording would decide.  Brackets inside quoted scalars and comments do
    not count; a bracket in a plain scalar may be over-counted, which needs more
    than :data:`MAX_DEPTH` unbalanced ones to matter.
    """
    depth = 0
    for match in _FLOW_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(text, match.start())
        elif token in "]}":
            depth = max(depth - 1, 0)


def _check_depth(text: str, max_events: int | None = None) -> None:
    """Refuse YAML nested deeper than :data:`MAX_DEPTH`.

    libyaml's composer recurses in C once per level: ``[[[[…`` some 30 000 deep
    crashes the interpreter (a segfault, not an exception).  Every level needs
    one of ``[ { - ? :``, so most files are cleared by counting those; the
    rest are checked on the parser's event stream, which does not recurse.
    """
    if sum(text.count(c) for c in "[{-?:") <= MAX_DEPTH:
        return
    _check_flow_depth(text)
    depth = 0
    loader = _UniqueKeyLoader(text)
    events = 0
    try:
        while loader.check_event() and (max_events is None or events < max_events):
            events += 1
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
                    raise ScenarioError(
                        [Problem("", f"invalid YAML{where}: nested more than {MAX_DEPTH} levels deep")]
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def parse_text(text: str, *, json_only: bool = False) -> Any:
    """Parse YAML (a superset of JSON) or strict JSON text into Python data."""
    if not text.strip():
        raise ScenarioError([Problem("", "file is empty")])
    if json_only:
        try:
            data = json.loads(text, object_pairs_hook=_unique_pairs)  # C: fast even at 10 MB
            _check_entries(text)
            return data
        except json.JSONDecodeError as exc:
            raise ScenarioError(
                [Problem("", f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")]
            ) from None
        except RecursionError:
            raise ScenarioError([Problem("", "invalid JSON: nested too deeply")]) from None
        except ValueError as exc:  # a key twice, a number with thousands of digits
            raise ScenarioError([Problem("", f"invalid JSON: {_one_line(str(exc).split(';')[0])}")]) from None
    try:
        if _count_entries(text) > MAX_ENTRIES:
            # Nesting too deep is the better message when both hold, and is found early.
            _check_depth(text, max_events=MAX_ENTRIES)
            _check_entries(text)
        _check_depth(text)
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        raise ScenarioError([Problem("", f"invalid YAML{where}: {_one_line(what)}")]) from None
    except yaml.reader.ReaderError as exc:  # a control character
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise ScenarioError(
            [Problem("", f"invalid YAML at line {line}: control character U+{char:04X} is not allowed")]
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem("", f"invalid YAML: {_one_line(exc)}")]) from None
    except RecursionError:
        raise ScenarioError([Problem("", "invalid YAML: nested too deeply")]) from None


def decode(raw: bytes) -> str:
    """Bytes of a scenario file as text, refusing anything that is not UTF-8 text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        message = "not UTF-8 text (it starts with a UTF-16 byte-order mark); save it as UTF-8"
        raise ScenarioError([Problem("", message)])
    if b"\x00" in raw:
        raise ScenarioError([Problem("", "not a text file (it contains binary data)")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem("", f"not UTF-8 text (byte {exc.start} cannot be decoded)")]) from None
    return text


def parse_scenario(data: Any, *, catalogue: Catalogue | None = None) -> Scenario:
    """Validate data (already parsed) into a :class:`Scenario`, references included.

    This is the single validation entry point: the CLI, the API and the web
    forms all call it.

    Raises
    ------
    ScenarioError
        With one :class:`Problem` per thing wrong.
    """
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise ScenarioError([Problem("", f"a scenario must be a mapping of keys to values, got {kind}")])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        # Every problem in one run: the references of what is valid are checked too.
        raise ScenarioError(
            [*problems_from_validation(exc), *reference_problems(data, exc, catalogue)]
        ) from None
    resolve(scenario, catalogue)
    return scenario


def load_scenario(path: str | Path, *, catalogue: Catalogue | None = None) -> Scenario:
    """Read, parse and validate a scenario file (``.yaml``, ``.yml`` or ``.json``)."""
    path = Path(path)
    try:
        if path.is_dir():
            raise ScenarioError([Problem("", f"{path} is a directory, not a scenario file")])
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError([Problem("", f"file is too large ({size} bytes; at most {MAX_FILE_BYTES})")])
        with path.open("rb") as f:  # at most the limit: /dev/zero reports size 0
            raw = f.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ScenarioError([Problem("", f"file is too large (more than {MAX_FILE_BYTES} bytes)")])
    except FileNotFoundError:
        raise ScenarioError([Problem("", f"no such file: {path}")]) from None
    except PermissionError:
        raise ScenarioError([Problem("", f"cannot read {path}: permission denied")]) from None
    except OSError as exc:
        raise ScenarioError([Problem("", f"cannot read {path}: {exc.strerror}")]) from None
    data = parse_text(decode(raw), json_only=path.suffix.lower() == ".json")
    return parse_scenario(data, catalogue=catalogue)


def _without_none(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_none(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_without_none(v) for v in data]
    return data


def dump_scenario(scenario: Scenario, *, fmt: str = "yaml") -> str:
    """Write a scenario back as a file (what the web's "download scenario" gives)."""
    data = _without_none(scenario.as_data())
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if isinstance(data.get("price_index"), dict):  # years as numbers, not quoted '2020'
        data["price_index"] = {int(year): value for year, value in data["price_index"].items()}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
