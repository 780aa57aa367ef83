"""newsarchive: crawl news sources, strip boilerplate, index clean articles into Elasticsearch."""

__version__ = "0.1.0"
