from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.servers.basehttp import WSGIServer

# The live server's listen backlog (10) would reset some of 50 simultaneous connections before
# Django sees them; a production server (gunicorn: 2048) queues them.
WSGIServer.request_queue_size = 128


@dataclass
class Receiver:
    """A local HTTP endpoint for webhooks: answers the queued statuses, then 200."""

    url: str
    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def bodies(self) -> list[dict]:
        return [json.loads(body) for _, body in self.received]


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    """A plain-http webhook endpoint on 127.0.0.1, which the sender may reach only when allowed
    (private networks and http are development settings)."""
    settings.LENDPORTAL_WEBHOOK_ALLOW_PRIVATE = True
    settings.LENDPORTAL_WEBHOOK_ALLOW_HTTP = True
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers.items()), body))
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
