"""The raw archive: every response the spiders receive, with its request, in gzip WARC files.

``WarcArchive`` (a Scrapy extension) writes them through ``RotatingWarcWriter``; each capture's
place (``WarcLocation``: file relative to the archive root, byte offset of its gzip member) goes
into the indexed document, and ``read_capture`` reads it back for re-processing, offline.
"""

from typing import TYPE_CHECKING

from pipeline.lazy import lazy_exports

if TYPE_CHECKING:
    from pipeline.archive.reader import Capture, WarcCheck, check_warc, iter_captures, read_capture
    from pipeline.archive.writer import RotatingWarcWriter, WarcLocation, warc_root
else:  # imported on first use (pipeline/lazy.py says why)
    __getattr__ = lazy_exports(
        __name__,
        {
            "reader": ("Capture", "WarcCheck", "check_warc", "iter_captures", "read_capture"),
            "writer": ("RotatingWarcWriter", "WarcLocation", "warc_root"),
        },
    )

__all__ = [
    "Capture",
    "RotatingWarcWriter",
    "WarcCheck",
    "WarcLocation",
    "check_warc",
    "iter_captures",
    "read_capture",
    "warc_root",
]
