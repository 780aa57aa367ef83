"""A Scrapy spider loader that makes one spider per source of ``config/sources.yaml``."""

from __future__ import annotations

import builtins

from scrapy import Request, Spider
from scrapy.settings import BaseSettings

from pipeline.crawl.spiders.source_spider import spider_class_for
from pipeline.sources import enabled_sources, load_sources


class SourceSpiderLoader:
    """Implements Scrapy's SpiderLoader protocol over configured sources instead of modules."""

    def __init__(self, settings: BaseSettings) -> None:
        path = settings.get("NEWSARCHIVE_SOURCES") or None
        sources = load_sources(path)
        self._spiders: dict[str, type[Spider]] = {
            s.name: spider_class_for(s) for s in enabled_sources(sources)
        }

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SourceSpiderLoader:
        return cls(settings)

    def load(self, spider_name: str) -> type[Spider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            known = ", ".join(sorted(self._spiders)) or "none"
            raise KeyError(
                f"Spider not found: {spider_name} (configured sources: {known})"
            ) from None

    def list(self) -> list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request: Request) -> builtins.list[str]:
        return [name for name, cls in self._spiders.items() if cls.handles_request(request)]

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"SourceSpiderLoader({self.list()})"
