"""What an import reads: WARC files named by path, folder, glob, http(s) URL or CC-NEWS month.

Every input becomes a *location*: an absolute path or an http(s) URL. ``open_at`` opens one at
a byte offset (a seek, or an HTTP ``Range`` request), which is what lets a part of a large file,
or an interrupted import, start reading in the middle without downloading what comes before.

``cc-news:YYYY-MM[..YYYY-MM]`` lists each month's files through
``crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz`` under a base URL (``NEWSARCHIVE_CC_NEWS_URL``).
CC-NEWS names each file after the time its first capture was written
(``CC-NEWS-20240115083012-01234.warc.gz``) and fills files in time order, so a capture-date range
(``--from``/``--to``) also drops the files that cannot hold a capture inside it, unread.
"""

from __future__ import annotations

import glob
import gzip
import re
import urllib.request
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, cast
from urllib.parse import urljoin

from pipeline.exceptions import ConfigError

__all__ = [
    "CC_NEWS_PREFIX",
    "cc_news_locations",
    "expand_inputs",
    "is_remote",
    "open_at",
    "size_of",
]

CC_NEWS_PREFIX = "cc-news:"
_MONTHS = re.compile(r"^(\d{4})-(\d{2})(?:\.\.(\d{4})-(\d{2}))?$")
_FILE_TIME = re.compile(r"CC-NEWS-(\d{14})-\d+\.warc(?:\.gz)?$")
_WARC_NAMES = ("*.warc.gz", "*.warc")
#: Seconds an HTTP read may stall before the stream counts as broken.
HTTP_TIMEOUT = 60.0
USER_AGENT = "newsarchive-import (+https://github.com/newsarchive/newsarchive)"


def is_remote(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def expand_inputs(
    arguments: Sequence[str],
    *,
    cc_news_url: str,
    captured_from: date | None = None,
    captured_to: date | None = None,
) -> list[str]:
    """The locations named by ``arguments``, in order, each once.

    A folder gives its ``*.warc.gz`` and ``*.warc`` files (recursively, in name order), a glob
    the files it matches; a path that matches nothing is an error rather than an empty import.
    """
    found: list[str] = []
    for argument in arguments:
        if argument.startswith(CC_NEWS_PREFIX):
            found += cc_news_locations(
                argument[len(CC_NEWS_PREFIX) :], cc_news_url, captured_from, captured_to
            )
        elif is_remote(argument):
            found.append(argument)
        else:
            found += _local(argument)
    return list(dict.fromkeys(found))


def _local(argument: str) -> list[str]:
    path = Path(argument).expanduser()
    if path.is_dir():
        found = {p for name in _WARC_NAMES for p in path.rglob(name) if p.is_file()}
        if not found:
            raise ConfigError(f"{argument}: no *.warc.gz or *.warc files in this folder")
        return [str(p.resolve()) for p in sorted(found)]
    if path.is_file():
        return [str(path.resolve())]
    # A glob may be absolute (/data/cc/*.warc.gz), which Path.glob does not take.
    matches = sorted(Path(m) for m in glob.glob(str(path), recursive=True))  # noqa: PTH207
    files = [str(m.resolve()) for m in matches if m.is_file()]
    if not files:
        raise ConfigError(f"{argument}: no such file, folder or matching files")
    return files


def cc_news_locations(
    spec: str,
    base_url: str,
    captured_from: date | None = None,
    captured_to: date | None = None,
) -> list[str]:
    """The URLs of CC-NEWS files of the months in ``spec`` (``2024-01`` or ``2024-01..2024-03``)."""
    months = _months(spec)
    base = base_url if base_url.endswith("/") else base_url + "/"
    urls: list[str] = []
    for year, month in months:
        listing = urljoin(base, f"crawl-data/CC-NEWS/{year:04d}/{month:02d}/warc.paths.gz")
        with _open_url(listing, 0) as response:
            text = gzip.decompress(response.read()).decode("utf-8")
        paths = [line.strip() for line in text.splitlines() if line.strip()]
        urls += [urljoin(base, p.lstrip("/")) for p in paths]
    return _within(urls, captured_from, captured_to)


def _months(spec: str) -> list[tuple[int, int]]:
    match = _MONTHS.match(spec.strip())
    if match is None:
        raise ConfigError(f"cc-news:{spec}: expected cc-news:YYYY-MM or cc-news:YYYY-MM..YYYY-MM")
    first = (int(match.group(1)), int(match.group(2)))
    last = (int(match.group(3)), int(match.group(4))) if match.group(3) else first
    if not (1 <= first[1] <= 12 and 1 <= last[1] <= 12) or last < first:
        raise ConfigError(f"cc-news:{spec}: not a month range")
    months: list[tuple[int, int]] = []
    year, month = first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _within(urls: list[str], start: date | None, end: date | None) -> list[str]:
    """Drop CC-NEWS files that hold no capture in ``[start, end]`` (days, inclusive).

    A file holds the captures from its own name's time up to the next file's: it is dropped
    when it starts after ``end`` or when the next file starts before ``start``. Files whose
    names carry no time are kept (their captures are filtered one by one).
    """
    if start is None and end is None:
        return urls
    times = [_file_time(u) for u in urls]
    order = sorted((t, i) for i, t in enumerate(times) if t is not None)
    following: dict[int, datetime] = {
        i: order[n + 1][0] for n, (_, i) in enumerate(order) if n + 1 < len(order)
    }
    kept: list[str] = []
    for i, url in enumerate(urls):
        began = times[i]
        if began is not None:
            if end is not None and began.date() > end:
                continue
            nxt = following.get(i)
            if start is not None and nxt is not None and nxt < datetime.combine(start, _MIDNIGHT):
                continue
        kept.append(url)
    return kept


_MIDNIGHT = datetime.min.time()


def _file_time(url: str) -> datetime | None:
    match = _FILE_TIME.search(url)
    return datetime.strptime(match.group(1), "%Y%m%d%H%M%S") if match else None


def size_of(location: str) -> int | None:
    """The length of a file in bytes, or ``None`` when a server does not say."""
    if not is_remote(location):
        return Path(location).stat().st_size
    request = urllib.request.Request(location, method="HEAD", headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
        length = response.headers.get("Content-Length")
    return int(length) if length and length.isdigit() else None


def open_at(location: str, offset: int) -> BinaryIO:
    """A binary stream of ``location`` from byte ``offset`` on (read sequentially only)."""
    if not is_remote(location):
        fh = Path(location).open("rb")  # noqa: SIM115 - the caller closes it
        fh.seek(offset)
        return fh
    return _open_url(location, offset)


def _open_url(url: str, offset: int) -> BinaryIO:
    headers = {"User-Agent": USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    request = urllib.request.Request(url, headers=headers)
    response = urllib.request.urlopen(request, timeout=HTTP_TIMEOUT)
    if offset and response.status != 206:
        # The server ignored the range: skip to the offset (slow, but still correct).
        _discard(response, offset)
    return cast(BinaryIO, response)


def _discard(stream: BinaryIO, count: int) -> None:
    while count > 0:
        chunk = stream.read(min(count, 1 << 20))
        if not chunk:
            raise OSError("the stream ended before the requested offset")
        count -= len(chunk)
