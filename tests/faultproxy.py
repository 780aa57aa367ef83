"""A fault-injecting HTTP proxy on loopback, in front of the real Elasticsearch node.

Only for faults a real node cannot be made to produce on demand: a response lost after the node
applied the request, a dropped connection, a 429/413/503 for a whole request, a node that is down.
Everything else passes through to the node unchanged. Each request is recorded (method, path, body),
so tests can check what the client actually sent -- e.g. that every bulk action carries an ``_id``.

One request per upstream connection (``Connection: close`` upstream), client connections kept alive;
the proxy runs its own asyncio loop in a daemon thread.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Seen:
    method: str
    path: str
    body: bytes

    @property
    def is_bulk(self) -> bool:
        return self.path.split("?", 1)[0].endswith("/_bulk")

    def bulk_actions(self) -> list[dict[str, object]]:
        """The action/metadata lines of a bulk body (every other NDJSON line)."""
        lines = [json.loads(line) for line in self.body.splitlines() if line.strip()]
        return [next(iter(line.values())) for line in lines[0::2]]


@dataclass
class Fault:
    """What to do to a request: ``kind`` is status | drop_after_forward | drop | item_429."""

    kind: str
    status: int = 0
    when: Callable[[Seen], bool] = field(default=lambda seen: seen.is_bulk)
    times: int | None = 1  # None: for ever
    every: int = 3  # item_429: which actions of a bulk get a per-item 429


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.up_host = parts.hostname or "127.0.0.1"
        self.up_port = parts.port or 9200
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self.down = False  # every connection closed at once, as a dead node looks to a client
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def inject(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()

    def bulk_requests(self) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.is_bulk]

    def _pick(self, seen: Seen) -> Fault | None:
        with self._lock:
            self.seen.append(seen)
            for fault in self.faults:
                if fault.when(seen):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                    return fault
        return None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while not self.down:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = [ln for ln in lines[1:] if ln]
                length = 0
                for line in headers:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                body = await reader.readexactly(length) if length else b""
                seen = Seen(method, path, body)
                fault = self._pick(seen)
                if fault is not None and fault.kind == "drop":
                    return
                if fault is not None and fault.kind == "status":
                    payload = json.dumps(
                        {
                            "error": {"type": "injected_fault", "reason": f"HTTP {fault.status}"},
                            "status": fault.status,
                        }
                    ).encode()
                    writer.write(
                        f"HTTP/1.1 {fault.status} Injected\r\ncontent-type: application/json\r\n"
                        f"content-length: {len(payload)}\r\n\r\n".encode()
                        + payload
                    )
                    await writer.drain()
                    continue
                if fault is not None and fault.kind == "item_429":
                    writer.write(await self._partial_429(lines[0], headers, body, fault.every))
                    await writer.drain()
                    continue
                response = await self._forward(lines[0], headers, body)
                if fault is not None and fault.kind == "drop_after_forward":
                    return  # the node applied it; the client never hears back
                writer.write(response)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _forward(self, request_line: str, headers: list[str], body: bytes) -> bytes:
        up_reader, up_writer = await asyncio.open_connection(self.up_host, self.up_port)
        kept = [h for h in headers if h.split(":", 1)[0].strip().lower() != "connection"]
        head = "\r\n".join([request_line, *kept, "Connection: close", "", ""]).encode("latin-1")
        up_writer.write(head + body)
        await up_writer.drain()
        response = await up_reader.read()
        up_writer.close()
        # Tell the client the connection stays usable: strip the node's "connection: close".
        head_end = response.find(b"\r\n\r\n")
        head_lines = response[:head_end].split(b"\r\n")
        head_lines = [h for h in head_lines if not h.lower().startswith(b"connection:")]
        return b"\r\n".join(head_lines) + response[head_end:]

    async def _partial_429(
        self, request_line: str, headers: list[str], body: bytes, every: int
    ) -> bytes:
        """Forward all but every ``every``-th action; answer those with a per-item 429.

        What a busy node does under write pressure: the bulk succeeds, some items are rejected
        with ``es_rejected_execution_exception``; those items never reached the index.
        """
        lines = [line for line in body.split(b"\n") if line.strip()]
        pairs = [(lines[i], lines[i + 1]) for i in range(0, len(lines), 2)]
        rejected = {i for i in range(len(pairs)) if i % every == 0}
        kept = b"".join(
            a + b"\n" + b + b"\n" for i, (a, b) in enumerate(pairs) if i not in rejected
        )
        others = [h for h in headers if h.split(":", 1)[0].strip().lower() != "content-length"]
        items_by_pos: dict[int, dict[str, object]] = {}
        if kept:
            raw = await self._forward(request_line, [*others, f"Content-Length: {len(kept)}"], kept)
            forwarded = iter(json.loads(_http_body(raw))["items"])
            for i in range(len(pairs)):
                if i not in rejected:
                    items_by_pos[i] = next(forwarded)
        for i in rejected:
            meta = next(iter(json.loads(pairs[i][0]).values()))
            items_by_pos[i] = {
                "index": {
                    "_index": meta.get("_index"),
                    "_id": meta.get("_id"),
                    "status": 429,
                    "error": {"type": "es_rejected_execution_exception", "reason": "injected"},
                }
            }
        payload = json.dumps(
            {"errors": True, "took": 1, "items": [items_by_pos[i] for i in range(len(pairs))]}
        ).encode()
        return (
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
            + f"content-length: {len(payload)}\r\n\r\n".encode()
            + payload
        )

    async def _serve(self, ready: threading.Event) -> None:
        async def handle(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            if self.down:
                w.close()
                return
            await self._handle(r, w)

        self._server = await asyncio.start_server(handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        ready.set()
        try:
            async with self._server:
                await self._server.serve_forever()
        except asyncio.CancelledError:
            pass  # closed by __exit__

    def __enter__(self) -> FaultProxy:
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._loop.run_until_complete, args=(self._serve(ready),), daemon=True
        )
        self._thread.start()
        ready.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
        self._thread.join(timeout=5)
        self._loop.close()


def _http_body(raw: bytes) -> bytes:
    """The body of a raw HTTP response, de-chunked if needed."""
    head, _, rest = raw.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" not in head.lower():
        return rest
    out = b""
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2 :]
    return out
