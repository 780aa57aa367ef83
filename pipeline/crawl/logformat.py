"""Log lines that name the URL and the reason, not the repr of a whole page's bytes."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

from pipeline.crawl.ledger import Skip


class ConciseLogFormatter(LogFormatter):
    """Scrapy's formatter, except that items are named by URL: their repr holds whole pages."""

    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        if isinstance(exception, Skip):
            result["msg"] = "skipped (%(reason)s): %(url)s"
            result["args"] = {"reason": exception.reason, "url": exception.url}
        else:
            result["msg"] = "dropped (%(exception)s): %(url)s"
            result["args"] = {"exception": exception, "url": getattr(item, "url", "?")}
        return result

    def scraped(
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        result = super().scraped(item, response, spider)
        result["msg"] = "stored %(url)s"
        result["args"] = {"url": getattr(item, "url", "?")}
        return result

    def item_error(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        result = super().item_error(item, exception, response, spider)
        result["msg"] = "error processing %(url)s"
        result["args"] = {"url": getattr(item, "url", "?")}
        return result
