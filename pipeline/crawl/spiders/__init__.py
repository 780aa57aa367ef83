"""Generic spiders built from configured sources."""

from pipeline.crawl.spiders.source_spider import SourceSpider, spider_class_for

__all__ = ["SourceSpider", "spider_class_for"]
