"""Turn one HTML page into clean article text and metadata.

``extract(html, url, options)`` is the whole public surface; the modules behind it each own
one step: ``decode`` (bytes to text), ``parse`` (text to tree), ``clean`` and ``purpose``
(remove page furniture), ``blocks`` and ``content`` (find the article's container),
``soup`` (BeautifulSoup cleans the container and collects its paragraphs; ``souptree``
builds its tree from lxml, leaving out what ``prune`` judges furniture), ``junk``
(junk lines), and ``metadata`` with ``titles``, ``authors``, ``dates``, ``jsonld`` and
``language``; ``attribution`` reads op-ed trailers and ``kinds`` the article type.
"""

from typing import TYPE_CHECKING

from pipeline.lazy import lazy_exports

if TYPE_CHECKING:
    from pipeline.extract.api import ExtractedPage, ExtractOptions, extract
else:  # imported on first use (pipeline/lazy.py says why)
    __getattr__ = lazy_exports(
        __name__,
        {
            "api": ("ExtractedPage", "ExtractOptions", "extract"),
        },
    )

__all__ = ["ExtractOptions", "ExtractedPage", "extract"]
