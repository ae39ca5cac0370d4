"""The engine's problem messages in Swedish.

The engine speaks English (``must be between 0 and 1, got 1.4``) so that the
CLI, the API and log files stay stable.  A person filling in the calculation
form reads Swedish: each *shape* of message the engine produces has a regular
expression here and a gettext-marked Swedish template.  A message that matches
no shape is shown as it is (a safe fallback, never an error).

The shapes come from ``engine/errors.py`` (pydantic's rules), ``scenario.py``,
``distributions.py``, ``resolve.py``, ``loading.py`` and ``portfolio.py``;
``tests/applications/test_calculation_messages.py`` checks one message of each.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

NUMBER = r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?"
_NUMBER_RE = re.compile(rf"^{NUMBER}$")


def num(text: str) -> str:
    """``1.4`` → ``1,4``, ``-0.5`` → ``−0,5``; anything that is not a plain number is kept."""
    text = text.strip()
    if _NUMBER_RE.match(text):
        return text.replace(".", ",").replace("-", "−")
    return text


def _or(text: str) -> str:
    """``'a', 'b' or 'c'`` → ``'a', 'b' eller 'c'`` (lists of options and years)."""
    return re.sub(r" (?:or|and) ", " " + _("eller") + " ", text)


def _hint(text: str) -> str:
    """``a, b, c`` (resolve) or ``'a' or 'b'`` (catalogue) → ``a, b eller c``."""
    if " or " not in text and ", " in text:
        head, _sep, last = text.rpartition(", ")
        return f"{head} {_('eller')} {last}"
    return _or(text)


def _and(text: str) -> str:
    return text.replace(" and ", " " + _("och") + " ")


def _got(text: str) -> str:
    """The tail after ``got``: ``1.4``, ``low -0.2`` or ``high 1.4``, as a Swedish clause."""
    m = re.match(r"^(low|high) (.+)$", text)
    if m:
        if m.group(1) == "low":
            return _("men lägsta värdet är %(value)s") % {"value": num(m.group(2))}
        return _("men högsta värdet är %(value)s") % {"value": num(m.group(2))}
    kinds = {"dict": _("en tabell"), "list": _("en lista"), "bytes": _("binärdata")}
    return _("men är %(value)s") % {"value": kinds.get(text, num(text))}


KINDS = {
    "a whole number": N_("ett heltal"),
    "a number": N_("ett tal"),
    "text": N_("text"),
    "true or false": N_("sant eller falskt (true/false)"),
    "a list": N_("en lista"),
    "a mapping of keys to values": N_("en tabell med nycklar och värden"),
    "a finite number": N_("ett ändligt tal"),
}


def _kind(text: str) -> str:
    return _(KINDS[text])


def _scenario_kind(text: str) -> str:
    if text == "empty":
        return _("tom")
    return {"a list": _("en lista"), "a str": _("text")}.get(text, text)


Convert = Callable[[str], str]


@dataclass(frozen=True)
class Shape:
    """One message shape: a pattern, its Swedish template and how to convert each group."""

    pattern: re.Pattern[str]
    template: str
    convert: dict[str, Convert]


def _shape(pattern: str, template: str, **convert: Convert) -> Shape:
    return Shape(re.compile(f"^{pattern}$"), template, convert)


def _translated(text: str) -> str:
    return translate(text)


N = NUMBER
KIND = "|".join(re.escape(k) for k in KINDS)
SHAPES: tuple[Shape, ...] = (
    # errors.py: pydantic's rules
    _shape(r"is required", N_("måste fyllas i")),
    _shape(r"unknown key", N_("okänd uppgift – fältet finns inte i scenarioformatet")),
    _shape(r"must not be empty", N_("får inte vara tomt")),
    _shape(r"must be at most (?P<n>\d+) characters", N_("får vara högst %(n)s tecken")),
    _shape(
        r"(?P<value>.+) is not a valid id \(lower-case letters, digits, '_' and '\.'\)",
        N_("%(value)s är inte ett giltigt id (små bokstäver a–z, siffror, '_' och '.')"),
    ),
    _shape(
        r"must be one of (?P<expected>.+), got (?P<got>.+)",
        N_("måste vara något av %(expected)s, %(got)s"),
        expected=_or,
        got=_got,
    ),
    _shape(
        rf"must be (?P<kind>{KIND}), got (?P<got>.+)",
        N_("måste vara %(kind)s, %(got)s"),
        kind=_kind,
        got=_got,
    ),
    _shape(rf"must be (?P<kind>{KIND})", N_("måste vara %(kind)s"), kind=_kind),
    # resolve.py: a year offset outside the horizon (before the general range rule)
    _shape(
        rf"must be between (?P<low>{N}) and (?P<high>{N}) \(horizon (?P<horizon>\d+)\), got (?P<got>{N})",
        N_(
            "måste vara ett år mellan %(low)s och %(high)s (tidshorisonten är %(horizon)s år), men är %(got)s"
        ),
        got=num,
    ),
    # scenario.py: ranges of uncertain parameters; errors.py: ge/gt/le/lt
    _shape(
        rf"must be between (?P<low>{N}) and (?P<high>{N}), got (?P<got>.+)",
        N_("måste vara mellan %(low)s och %(high)s, %(got)s"),
        low=num,
        high=num,
        got=_got,
    ),
    _shape(
        rf"must be at least (?P<b>{N}), got (?P<got>.+)",
        N_("måste vara minst %(b)s, %(got)s"),
        b=num,
        got=_got,
    ),
    _shape(
        rf"must be at most (?P<b>{N}), got (?P<got>.+)", N_("får vara högst %(b)s, %(got)s"), b=num, got=_got
    ),
    _shape(
        rf"must be greater than (?P<b>{N}), got (?P<got>.+)",
        N_("måste vara större än %(b)s, %(got)s"),
        b=num,
        got=_got,
    ),
    _shape(
        rf"must be less than (?P<b>{N}), got (?P<got>.+)",
        N_("måste vara mindre än %(b)s, %(got)s"),
        b=num,
        got=_got,
    ),
    _shape(rf"must be (?P<n>{N}), got (?P<got>.+)", N_("måste vara %(n)s, %(got)s"), got=_got),
    _shape(
        r"must be a rate or \{steps: \[\.\.\.\]\}, got (?P<got>.+)",
        N_("måste vara en räntesats eller en lista med steg, %(got)s"),
        got=_got,
    ),
    _shape(
        r"must be a number or a distribution, got (?P<got>.+)",
        N_("måste vara ett tal eller en fördelning, %(got)s"),
        got=_got,
    ),
    # scenario.py: structure
    _shape(r"needs the cost for at least one actor", N_("behöver kostnaden för minst en aktör")),
    _shape(
        r"give either 'year' or 'years', not both and not neither",
        N_("ange ett år eller flera år (inte både ”year” och ”years”, och inte ingetdera)"),
    ),
    _shape(r"'years' must list at least one year", N_("ange minst ett år")),
    _shape(r"'years' lists a year twice", N_("samma år står två gånger")),
    _shape(r"needs at least one step", N_("behöver minst en räntesats")),
    _shape(r"the first step must start 'from: 0'", N_("den första räntesatsen måste gälla från år 0")),
    _shape(
        r"steps must be in increasing order of 'from', each year once",
        N_("räntesatserna måste stå i ordning efter startår, varje år en gång"),
    ),
    # distributions.py
    _shape(
        rf"low \((?P<low>{N})\) must not exceed high \((?P<high>{N})\)",
        N_("lägsta värdet (%(low)s) får inte vara större än högsta värdet (%(high)s)"),
        low=num,
        high=num,
    ),
    _shape(
        rf"needs low ≤ mode ≤ high, got low (?P<low>{N}), mode (?P<mode>{N}), high (?P<high>{N})",
        N_(
            "kräver lägsta ≤ troligaste ≤ högsta värde, men lägsta är %(low)s, "
            "troligaste %(mode)s och högsta %(high)s"
        ),
        low=num,
        mode=num,
        high=num,
    ),
    _shape(
        rf"high must be greater than low, both are (?P<value>{N})",
        N_("högsta värdet måste vara större än lägsta, båda är %(value)s"),
        value=num,
    ),
    _shape(
        rf"sd too large for a beta with mean (?P<mean>{N}): must be below (?P<limit>{N}), got (?P<sd>{N})",
        N_(
            "standardavvikelsen är för stor för en betafördelning med medelvärdet %(mean)s: "
            "den måste vara under %(limit)s, men är %(sd)s"
        ),
        mean=num,
        limit=num,
        sd=num,
    ),
    _shape(
        r"a distribution needs 'dist' \(one of (?P<names>.+)\)",
        N_("en fördelning behöver ”dist” (någon av %(names)s)"),
    ),
    _shape(
        r"unknown distribution (?P<name>.+); use one of (?P<names>.+)",
        N_("okänd fördelning %(name)s; använd någon av %(names)s"),
    ),
    # scenario.py: transfers (version 2)
    _shape(
        r"(?P<fields>.+): needs 'version: 2' \(version 1 has no transfers\)",
        N_("%(fields)s: kräver 'version: 2' (version 1 har inga transfereringar)"),
    ),
    _shape(
        r"must be an actor id or a map from paying actor to receiving actor",
        N_("måste vara ett aktörs-id eller en tabell från betalande till mottagande aktör"),
    ),
    _shape(
        r"name at least one paying actor, or leave it out",
        N_("ange minst en betalande aktör, eller ta bort uppgiften"),
    ),
    _shape(
        r"(?P<id>'.*') is not one of this item's actors under 'cost'",
        N_("%(id)s är inte en av postens aktörer under 'cost'"),
    ),
    _shape(
        r"(?P<id>'.*') cannot pay a transfer to itself",
        N_("%(id)s kan inte betala en transferering till sig själv"),
    ),
    # resolve.py and catalogue.py: references
    _shape(
        r"unknown actor (?P<id>'.*'); did you mean (?P<hint>.+)\?",
        N_("okänd aktör %(id)s; menade du %(hint)s?"),
        hint=_hint,
    ),
    _shape(r"unknown actor (?P<id>'.*')", N_("okänd aktör %(id)s")),
    _shape(
        r"unknown cost item (?P<id>'.*'); did you mean (?P<hint>.+)\?",
        N_("okänd kostnadspost %(id)s; menade du %(hint)s?"),
        hint=_hint,
    ),
    _shape(r"unknown cost item (?P<id>'.*')", N_("okänd kostnadspost %(id)s")),
    _shape(
        r"no price index for (?P<years>.+); add it under price_index",
        N_("prisindex saknas för %(years)s; lägg till det under Prisindex"),
        years=_and,
    ),
    # loading.py: reading a file
    _shape(r"file is empty", N_("filen är tom")),
    _shape(
        r"invalid YAML at line (?P<line>\d+): control character (?P<char>U\+[0-9A-F]+) is not allowed",
        N_("ogiltig YAML på rad %(line)s: styrtecknet %(char)s är inte tillåtet"),
    ),
    _shape(
        r"invalid YAML at line (?P<line>\d+), column (?P<column>\d+): (?P<what>.+)",
        N_("ogiltig YAML på rad %(line)s, kolumn %(column)s: %(what)s"),
        what=_translated,
    ),
    _shape(r"invalid YAML: (?P<what>.+)", N_("ogiltig YAML: %(what)s"), what=_translated),
    _shape(
        r"invalid JSON at line (?P<line>\d+), column (?P<column>\d+): (?P<what>.+)",
        N_("ogiltig JSON på rad %(line)s, kolumn %(column)s: %(what)s"),
        what=_translated,
    ),
    _shape(r"invalid JSON: (?P<what>.+)", N_("ogiltig JSON: %(what)s"), what=_translated),
    _shape(r"nested more than (?P<n>\d+) levels deep", N_("nästlad i mer än %(n)s nivåer")),
    _shape(r"nested too deeply", N_("för djupt nästlad")),
    _shape(
        r"key (?P<key>.+) appears twice \(lines (?P<a>\d+) and (?P<b>\d+)\)",
        N_("nyckeln %(key)s förekommer två gånger (rad %(a)s och %(b)s)"),
    ),
    _shape(
        r"key (?P<key>.+) appears twice in one object",
        N_("nyckeln %(key)s förekommer två gånger i samma objekt"),
    ),
    _shape(
        r"cannot read (?P<value>.+) as (?P<kind>\w+) \((?P<reason>.+)\)",
        N_("kan inte läsa %(value)s som %(kind)s (%(reason)s)"),
    ),
    _shape(
        r"not UTF-8 text \(it starts with a UTF-16 byte-order mark\); save it as UTF-8",
        N_("filen är inte UTF-8-text (den börjar med en UTF-16-markering); spara den som UTF-8"),
    ),
    _shape(
        r"not a text file \(it contains binary data\)",
        N_("filen är inte en textfil (den innehåller binärdata)"),
    ),
    _shape(
        r"not UTF-8 text \(byte (?P<n>\d+) cannot be decoded\)",
        N_("filen är inte UTF-8-text (byte %(n)s kan inte avkodas)"),
    ),
    _shape(
        r"a scenario must be a mapping of keys to values, got (?P<kind>.+)",
        N_("ett scenario måste vara en tabell med nycklar och värden, men filen är %(kind)s"),
        kind=_scenario_kind,
    ),
    _shape(
        r"(?P<path>.+) is a directory, not a scenario file", N_("%(path)s är en mapp, inte en scenariofil")
    ),
    _shape(
        r"file is too large \((?P<size>\d+) bytes; at most (?P<limit>\d+)\)",
        N_("filen är för stor (%(size)s byte; högst %(limit)s)"),
    ),
    _shape(
        r"file is too large \(more than (?P<limit>\d+) bytes\)",
        N_("filen är för stor (mer än %(limit)s byte)"),
    ),
    _shape(r"no such file: (?P<path>.+)", N_("filen finns inte: %(path)s")),
    _shape(r"cannot read (?P<path>.+): permission denied", N_("kan inte läsa %(path)s: behörighet saknas")),
    _shape(r"cannot read (?P<path>.+): (?P<reason>.+)", N_("kan inte läsa %(path)s: %(reason)s")),
    # portfolio.py
    _shape(r"a portfolio needs at least one scenario", N_("en portfölj behöver minst ett scenario")),
)

# ``key 'abc' must be a whole number``: a key that fails its rule; the rule is translated on its own.
_BAD_KEY = re.compile(r"^key (?P<key>.+?) (?P<rule>(?:must|is) .+)$")


def translate(message: str) -> str:
    """The Swedish text of one engine message; the message itself when no shape matches.

    In English (the language switcher) the engine's own text is shown.
    """
    if (get_language() or "sv").startswith("en"):
        return message
    for shape in SHAPES:
        m = shape.pattern.match(message)
        if m:
            values = {k: shape.convert.get(k, str)(v) for k, v in m.groupdict().items() if v is not None}
            return _(shape.template) % values
    m = _BAD_KEY.match(message)
    if m:
        rule = translate(m.group("rule"))
        if rule != m.group("rule"):
            return _("nyckeln %(key)s: %(rule)s") % {"key": m.group("key"), "rule": rule}
    return message


def matches_a_shape(message: str) -> bool:
    """Whether a message has a Swedish template (tests use it to find shapes not yet covered)."""
    return any(s.pattern.match(message) for s in SHAPES) or bool(
        _BAD_KEY.match(message) and matches_a_shape(_BAD_KEY.match(message).group("rule"))  # type: ignore[union-attr]
    )
