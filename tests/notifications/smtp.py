"""A real SMTP server on 127.0.0.1 (aiosmtpd) that accepts or refuses, as a test asks."""

from __future__ import annotations

import socket
from email import message_from_bytes
from typing import Any

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self) -> None:
        self.refuse = False
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "554 5.7.1 Refused by the test's mail server"
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalSMTP:
    def __init__(self) -> None:
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> LocalSMTP:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Any]:
        return self.handler.messages
