"""A stand-in for Kolada on 127.0.0.1: a real HTTP server answering recorded responses.

Routes map a request path (without the query) to a list of answers, served in
turn (the last one repeats): ``(status, body)`` where body is a JSON-able object
or raw bytes, or ``("sleep", seconds)`` to stall past the client's timeout.
``{base}`` inside a body is replaced by the server's own API root, so recorded
``next_url`` links lead back to it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RECORDED = Path(__file__).parent / "opendata" / "recorded"


def recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


class KoladaStandIn:
    def __init__(self) -> None:
        self.routes: dict[str, list[tuple[Any, Any]]] = {}
        self.requests: list[str] = []
        self.base = ""

    def route(self, path: str, *answers: tuple[Any, Any]) -> None:
        self.routes["/v3/" + path.lstrip("/")] = list(answers)

    def ok(self, path: str, body: Any) -> None:
        self.route(path, (200, body))


def _handler(stand_in: KoladaStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            stand_in.requests.append(self.path)
            path = self.path.split("?", 1)[0]
            answers = stand_in.routes.get(path)
            if not answers:
                self._send(404, {"error": "not found"})
                return
            status, body = answers.pop(0) if len(answers) > 1 else answers[0]
            if status == "sleep":
                time.sleep(body)
                self._send(200, {"values": []})
                return
            self._send(status, body)

        def _send(self, status: int, body: Any) -> None:
            raw = (
                body
                if isinstance(body, bytes)
                else json.dumps(body).replace("{base}", stand_in.base).encode()
            )
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@contextmanager
def kolada_stand_in() -> Iterator[KoladaStandIn]:
    stand_in = KoladaStandIn()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stand_in))
    server.daemon_threads = True
    stand_in.base = f"http://127.0.0.1:{server.server_address[1]}/v3"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()


def data_page(
    kpi: str, rows: dict[tuple[str, int], float | None], next_url: str | None = None
) -> dict[str, Any]:
    """A data answer in Kolada's documented shape."""
    values = [
        {
            "kpi": kpi,
            "municipality": municipality,
            "period": year,
            "values": [
                {"gender": "T", "status": "" if value is not None else "Saknas", "value": value, "count": 1}
            ],
        }
        for (municipality, year), value in sorted(rows.items())
    ]
    page: dict[str, Any] = {"count": len(values), "values": values}
    if next_url:
        page["next_url"] = next_url
    return page


def serve_kpis(stand_in: KoladaStandIn, kpis: list[str], municipalities: list[str], years: range) -> None:
    """Metadata and one data page per KPI for every municipality and year (for bulk tests and the bench)."""
    where = ",".join(municipalities)
    block = ",".join(str(y) for y in years)
    for n, kpi in enumerate(kpis):
        stand_in.ok(
            f"kpi/{kpi}",
            {"count": 1, "values": [{"id": kpi, "title": f"Nyckeltal {kpi}", "description": ""}]},
        )
        rows = {
            (m, y): round(5 + n + i * 0.5 + (y - years.start) * 0.1, 1)
            for i, m in enumerate(municipalities)
            for y in years
        }
        stand_in.ok(f"data/kpi/{kpi}/municipality/{where}/year/{block}", data_page(kpi, rows))
