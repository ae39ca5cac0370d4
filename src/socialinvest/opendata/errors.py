"""One error type for everything that can go wrong bringing open data in.

The message is English for logs and the command line's ``--lang en``; ``code``
and ``params`` let the web layer say the same in the user's language.
"""

from __future__ import annotations

from typing import Any


class OpenDataError(Exception):
    """A fetch or a file that cannot be used; nothing has been written.

    Parameters
    ----------
    code : str
        A stable key for the kind of problem (``unreachable``, ``http_status``,
        ``unknown_kpi``, ``unknown_municipality``, ``bad_response``, ``no_data``,
        ``bad_rows``, ``bad_years``, ``bad_code``).
    message : str
        What went wrong, in English.
    params : dict, optional
        The values the message names (status, KPI id, rows …).
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params
