"""WARC files written by the tests themselves (warcio), and a loopback server for them.

``WarcFile`` writes the records a web archive holds -- warcinfo, request, response (pages,
404s, images), revisit, metadata -- one gzip member each, as CC-NEWS does; ``cut_member``
damages one record in place (a truncated gzip member with intact records after it).
``article_html`` is a small news page of the tests' own writing. ``WarcServer`` serves bytes
over HTTP on 127.0.0.1 with ``HEAD`` and ``Range`` support, like a web-archive bucket.
"""

from __future__ import annotations

import html
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from elasticsearch import Elasticsearch
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parents[1]


def article_html(
    title: str,
    paragraphs: Sequence[str],
    *,
    canonical: str | None = None,
    published: str = "2024-03-01T08:00:00Z",
    author: str = "Morgan Reyes",
) -> str:
    """A news article page: headline, byline, date, paragraphs, some furniture around them."""
    link = f'<link rel="canonical" href="{html.escape(canonical)}">' if canonical else ""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>{link}
<meta property="article:published_time" content="{published}">
<meta name="author" content="{html.escape(author)}"></head>
<body><header><nav><a href="/">Home</a> <a href="/news/">News</a></nav></header>
<main><article><h1>{html.escape(title)}</h1><p class="byline">By {html.escape(author)}</p>
<time datetime="{published}">{published[:10]}</time>
{body}
</article></main><footer><p>All rights reserved.</p></footer></body></html>"""


class WarcFile:
    """Append records to a gzip WARC; ``offsets`` lists where each record starts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = path.open("wb")
        self._writer = WARCWriter(self._fh, gzip=True)
        self.offsets: list[int] = []
        self.kinds: list[str] = []

    def __enter__(self) -> WarcFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._fh.close()

    def _write(self, kind: str, record: object) -> None:
        self.offsets.append(self._fh.tell())
        self.kinds.append(kind)
        self._writer.write_record(record)

    def warcinfo(self) -> None:
        self._write(
            "warcinfo",
            self._writer.create_warcinfo_record(self.path.name, {"software": "tests/warcs.py"}),
        )

    def request(self, url: str, when: datetime) -> None:
        headers = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "x")], is_http_request=True)
        record = self._writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=headers,
            warc_headers_dict={"WARC-Date": _iso(when)},
        )
        self._write("request", record)

    def response(
        self,
        url: str,
        body: str | bytes,
        when: datetime,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        payload = body.encode() if isinstance(body, str) else body
        reason = {200: "OK", 404: "Not Found", 500: "Internal Server Error"}.get(status, "X")
        headers = StatusAndHeaders(
            f"{status} {reason}",
            [("Content-Type", content_type), ("Content-Length", str(len(payload)))],
            protocol="HTTP/1.1",
        )
        record = self._writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(payload),
            length=len(payload),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": _iso(when)},
        )
        self._write("response", record)

    def revisit(self, url: str, when: datetime) -> None:
        record = self._writer.create_warc_record(
            url,
            "revisit",
            payload=io.BytesIO(b""),
            length=0,
            warc_headers_dict={
                "WARC-Date": _iso(when),
                "WARC-Profile": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
                "WARC-Refers-To-Target-URI": url,
            },
        )
        self._write("revisit", record)

    def metadata(self, url: str, when: datetime, text: str) -> None:
        data = text.encode()
        record = self._writer.create_warc_record(
            url,
            "metadata",
            payload=io.BytesIO(data),
            length=len(data),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Date": _iso(when)},
        )
        self._write("metadata", record)


def cut_member(path: Path, start: int, end: int, keep: float = 0.5) -> None:
    """Truncate the gzip member ``[start, end)`` of ``path`` to ``keep`` of its bytes, in place,
    leaving the members after it intact: a damaged record in the middle of a file."""
    data = path.read_bytes()
    cut = start + int((end - start) * keep)
    path.write_bytes(data[:cut] + data[end:])


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class WarcServer:
    """Serve ``files`` (URL path -> bytes) on 127.0.0.1 with HEAD and ``Range: bytes=N-``."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.requests: list[tuple[str, str, str]] = []  # (method, path, Range header)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return

            def do_HEAD(self) -> None:
                self._answer(send_body=False)

            def do_GET(self) -> None:
                self._answer(send_body=True)

            def _answer(self, send_body: bool) -> None:
                wanted = self.headers.get("Range", "")
                server.requests.append((self.command, self.path, wanted))
                data = server.files.get(self.path)
                if data is None:
                    self.send_error(404)
                    return
                start = 0
                if wanted.startswith("bytes=") and wanted.endswith("-"):
                    start = int(wanted[len("bytes=") : -1])
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(data) - start))
                self.send_header("Content-Type", "application/octet-stream")
                self.end_headers()
                if send_body:
                    self.wfile.write(data[start:])

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> WarcServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def records_of(files: Sequence[WarcFile]) -> Iterator[str]:
    """The kind of every record written to ``files``."""
    for warc in files:
        yield from warc.kinds


def run_import(
    *args: str, es_url: str, data_dir: Path, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], str]:
    cmd = [
        sys.executable, "-m", "pipeline.cli", "import", *args, "--json",
        "--data-dir", str(data_dir), "--progress-every", "1",
    ]  # fmt: skip
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
        check=False,
        env={**os.environ, "ELASTICSEARCH_URL": es_url, **(env or {})},
    )
    try:
        summary = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"no summary\n{proc.stdout}\n{proc.stderr[-4000:]}") from exc
    return proc.returncode, summary, proc.stderr


def stored(es: Elasticsearch, alias: str) -> dict[str, dict[str, Any]]:
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=1000, seq_no_primary_term=True, version=True)["hits"]
    return {h["_id"]: {**h["_source"], "_seq_no": h["_seq_no"]} for h in hits["hits"]}


def duplicated_canonical_urls(es: Elasticsearch, alias: str) -> list[Any]:
    es.indices.refresh(index=alias)
    response = es.search(
        index=alias,
        size=0,
        aggs={"twice": {"terms": {"field": "canonical_url", "min_doc_count": 2, "size": 100}}},
    )
    return list(response["aggregations"]["twice"]["buckets"])
