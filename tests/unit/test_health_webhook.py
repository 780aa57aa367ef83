"""The alert webhook obeys the crawl's SSRF rules, and posts one JSON body when it may."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from pipeline.exceptions import WebhookRefused
from pipeline.health.alerts import Alert
from pipeline.health.notify import alert_body, post_webhook

ALERT = Alert("harbor", "no_author", 1.0, 0.05, 0.0, 0.15, 3)


@pytest.fixture
def receiver() -> Iterator[tuple[int, list[dict[str, Any]]]]:
    bodies: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1]), bodies
    server.shutdown()
    server.server_close()


def test_an_allowed_loopback_receiver_gets_the_json_body(
    receiver: tuple[int, list[dict[str, Any]]],
) -> None:
    port, bodies = receiver
    body = alert_body("harbor", [ALERT])
    assert post_webhook(f"http://127.0.0.1:{port}/hook", body, f"127.0.0.1:{port}") == 200
    assert bodies == [json.loads(json.dumps(body))]
    assert bodies[0]["measures"] == ["no_author"] and bodies[0]["run_id"] == 3


def test_loopback_is_refused_unless_the_allowlist_names_it(
    receiver: tuple[int, list[dict[str, Any]]],
) -> None:
    port, bodies = receiver
    with pytest.raises(WebhookRefused, match="loopback"):
        post_webhook(f"http://127.0.0.1:{port}/hook", {}, "")
    with pytest.raises(WebhookRefused, match="loopback"):  # another port is not this one
        post_webhook(f"http://127.0.0.1:{port}/hook", {}, "127.0.0.1:1")
    with pytest.raises(WebhookRefused, match="loopback"):  # a name resolving to loopback
        post_webhook(f"http://localhost:{port}/hook", {}, "")
    assert bodies == []


def test_the_metadata_service_and_other_schemes_are_refused() -> None:
    with pytest.raises(WebhookRefused, match="metadata"):
        post_webhook("http://169.254.169.254/latest/", {}, "")
    with pytest.raises(WebhookRefused, match="scheme"):
        post_webhook("file:///etc/passwd", {}, "")
    with pytest.raises(WebhookRefused, match="loopback"):  # 2130706433 is 127.0.0.1
        post_webhook("http://2130706433/", {}, "")
