"""pydantic's plugin look-up, skipped by the calculation commands (unless the user sets it).

The first pydantic model a process builds looks for pydantic plugins: the module
that does so (``pydantic.plugin._loader``) imports :mod:`importlib.metadata` (with
``email``, ``zipfile`` and ``csv``: ~22 ms) and then reads the entry points of every
installed distribution (~8 ms, more in a larger environment).  That is some 30 ms of
the ~0.4 s a ``socialinvest calc`` takes, for plugins (validation observers such as
logfire's) that a calculation from the command line has no use for.

pydantic's own switch is ``PYDANTIC_DISABLE_PLUGINS`` (``__all__``, ``1`` or ``true``:
no plugins).  It skips the scan, but not the import: pydantic 2.x imports
``importlib.metadata`` at the top of the module that reads the variable.  So
:func:`skip_plugin_lookup` sets the variable *and* puts a stand-in for that module in
``sys.modules`` which answers "no plugins" while the variable says so, and hands over
to pydantic's own module otherwise.

It does nothing when the user has set the variable (to any value: an empty one keeps
every plugin), or when pydantic has already looked (the module is imported).  Only
the command line's engine commands call it, and only when it runs as the program
(:func:`socialinvest.cli.main.main` without arguments): tests calling ``main([...])``
and the web commands keep pydantic's default.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Iterable
from typing import Any

VARIABLE = "PYDANTIC_DISABLE_PLUGINS"
LOADER = "pydantic.plugin._loader"
# The values for which pydantic's get_plugins() returns no plugins (pydantic 2.x).
DISABLED = ("__all__", "1", "true")


def _pydantic_loader() -> types.ModuleType:
    """pydantic's own plugin loader, in place of the stand-in."""
    if isinstance(sys.modules.get(LOADER), _StandIn):
        del sys.modules[LOADER]
    return importlib.import_module(LOADER)


class _StandIn(types.ModuleType):
    """``pydantic.plugin._loader`` while plugins are disabled: no plugins, no import of
    :mod:`importlib.metadata`.  Anything else is pydantic's own module's."""

    def get_plugins(self) -> Iterable[Any]:
        if os.environ.get(VARIABLE) in DISABLED:
            return ()
        loader: Any = _pydantic_loader()  # the variable was changed since: pydantic decides
        plugins: Iterable[Any] = loader.get_plugins()
        return plugins

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for ``__path__`` and the like
            raise AttributeError(name)
        return getattr(_pydantic_loader(), name)


def skip_plugin_lookup() -> bool:
    """Disable pydantic's plugins in this process unless the user chose; ``True`` if done."""
    if VARIABLE in os.environ or LOADER in sys.modules:
        return False
    os.environ[VARIABLE] = "__all__"  # also for the processes this one starts (portfolio workers)
    sys.modules[LOADER] = _StandIn(LOADER, __doc__)
    return True
