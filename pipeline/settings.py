"""Scrapy settings of newsarchive: polite by default, every stage of the item pipeline in order.

Environment variables (``NEWSARCHIVE_*``) override the few values operators tune; anything else can
be overridden per run with Scrapy's ``-s NAME=VALUE``.
"""

from __future__ import annotations

import os

from pipeline import __version__

BOT_NAME = "newsarchive"
USER_AGENT = os.environ.get(
    "NEWSARCHIVE_USER_AGENT",
    f"newsarchive/{__version__} (news archive crawler; +https://github.com/newsarchive/newsarchive)",
)

# Sources are configuration: one spider per entry of config/sources.yaml.
SPIDER_LOADER_CLASS = "pipeline.crawl.spiders.loader.SourceSpiderLoader"
NEWSARCHIVE_SOURCES = os.environ.get("NEWSARCHIVE_SOURCES", "")

# Politeness.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% around DOWNLOAD_DELAY, so requests do not tick like a clock
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # Scrapy's default is 1 GiB
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

ITEM_PIPELINES = {
    "pipeline.crawl.pipelines.ValidatePipeline": 100,
    "pipeline.crawl.pipelines.ExtractPipeline": 200,
    "pipeline.crawl.pipelines.DedupePipeline": 300,
    "pipeline.crawl.pipelines.IndexPipeline": 400,
}
EXTENSIONS = {
    "pipeline.crawl.ledger.RunLedger": 100,
    "pipeline.crawl.progress.Progress": 110,
    # Every response, with its request, into gzip WARC files under <data dir>/warc/<source>/.
    "pipeline.archive.extension.WarcArchive": 120,
    # Per-source extraction health of the run into the run history (pipeline/health/).
    "pipeline.health.extension.HealthRecorder": 130,
}

# newsarchive's own settings. Each is declared here once, with its default; the components read
# them without fallbacks of their own (as Scrapy's components read its default_settings), so a
# crawler built without this module (tests, benchmarks) must load it: pipeline.crawl.runner's
# crawl_settings() or own_settings(). tests/unit/test_settings.py fails on an undeclared one.
NEWSARCHIVE_DATA_DIR = os.environ.get("NEWSARCHIVE_DATA_DIR", "var")
# The alias articles are written to and searched (pipeline/index/schema.py: alias -> index).
NEWSARCHIVE_INDEX = os.environ.get("NEWSARCHIVE_INDEX", "news")
# False: crawl, extract and dedupe without writing to Elasticsearch (IndexPipeline not configured).
NEWSARCHIVE_INDEX_ENABLED = True
# 500: the fastest in benchmarks/index's sweep of 100/200/500/1000, for raw _bulk and the writer.
NEWSARCHIVE_BULK_BATCH_SIZE = 500
# ... or after this many seconds, whichever comes first (pipeline/crawl/pipelines.py,
# IndexPipeline): a document is searchable within seconds of its fetch, and a killed crawl
# re-fetches at most this much work (the URL store settles pages after each written batch).
# 0: by size only.
NEWSARCHIVE_BULK_FLUSH_SECONDS = 5.0
NEWSARCHIVE_BULK_MAX_RETRIES = 5
NEWSARCHIVE_PROGRESS_INTERVAL = 10.0
# Pages larger than this are skipped as validate/too_large before extraction (bytes).
NEWSARCHIVE_MAX_ARTICLE_BYTES = 5 * 1024 * 1024
# At most this many entries are read from one feed or sitemap (a hostile one can list millions).
NEWSARCHIVE_MAX_DISCOVERY_ITEMS = 50_000
# Learn each source's recurring lines (pipeline/boilerplate/) and strip them from articles.
NEWSARCHIVE_LEARN_BOILERPLATE = True
# Near-duplicate articles: Jaccard similarity of word 5-shingles at or above this (the value of
# pipeline.index.neardup.THRESHOLD, which reprocess uses; a unit test keeps the two equal).
NEWSARCHIVE_NEARDUP_THRESHOLD = 0.8
# Keep an interrupted run's JOBDIR and continue it next time (the scheduler's runs; --resumable).
NEWSARCHIVE_RESUMABLE = False
# Incremental crawls (pipeline/crawl/state/): conditional GETs and feed/sitemap date skips from a
# per-data-dir SQLite URL store, at NEWSARCHIVE_URL_STORE when set.
NEWSARCHIVE_INCREMENTAL = True
NEWSARCHIVE_URL_STORE = ""
# extract() in this many worker processes (pipeline/extract/pool.py), so it neither stalls the
# reactor nor leaves cores idle; 0 runs it inline. At most NEWSARCHIVE_EXTRACT_IN_FLIGHT pages are
# handed to the workers at once (0: four per worker). See benchmarks/RESULTS.md for the gain.
NEWSARCHIVE_EXTRACT_WORKERS = os.cpu_count() or 1
NEWSARCHIVE_EXTRACT_IN_FLIGHT = 0
# The workers' CPU priority below the crawl process (os.nice), so they do not slow the reactor
# thread that paces the crawl (pipeline/extract/pool.py; gain in benchmarks/RESULTS.md).
NEWSARCHIVE_EXTRACT_NICENESS = 10
# Raw archive (pipeline/archive/): gzip WARC files under <data dir>/warc/<source>/ unless set.
NEWSARCHIVE_WARC_ENABLED = True
NEWSARCHIVE_WARC_DIR = os.environ.get("NEWSARCHIVE_WARC_DIR", "")
# A WARC file is closed and the next one started past this size (bytes; the value of
# pipeline.archive.writer.DEFAULT_MAX_BYTES, the writer's own default; a test keeps them equal).
NEWSARCHIVE_WARC_MAX_BYTES = 512 * 1024 * 1024
# Distributed mode (pipeline/crawl/distributed/, docs/distributed.md): a Redis URL turns it on;
# every worker of a run (same run name) shares one request queue and one seen-set there.
NEWSARCHIVE_REDIS_URL = os.environ.get("NEWSARCHIVE_REDIS_URL", "")
NEWSARCHIVE_RUN_NAME = os.environ.get("NEWSARCHIVE_RUN_NAME", "")  # default: today's UTC date
NEWSARCHIVE_LEASE_SECONDS = 120.0  # a taken request comes back to the queue after this
NEWSARCHIVE_DISTRIBUTED_IDLE_CLOSE = 30.0  # queue and leases empty this long: workers close
NEWSARCHIVE_DISTRIBUTED_KEEP_SECONDS = 86400  # a finished run's keys expire after this
NEWSARCHIVE_SEEN_CAPACITY = 10_000_000  # Bloom filter: URLs per source and run ...
NEWSARCHIVE_SEEN_ERROR_RATE = 1e-4  # ... at this false-positive rate: 22.9 MiB, 13 hashes
# Backfill (`newsarchive import`, pipeline/backfill/, docs/backfill.md): where cc-news: inputs
# list their files (crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz under it); worker processes over
# the files (a large per-record-gzip file is read as parts of this many bytes, one part per task,
# so that one big file also keeps every worker busy); documents per bulk write and checkpoint.
NEWSARCHIVE_CC_NEWS_URL = os.environ.get("NEWSARCHIVE_CC_NEWS_URL", "https://data.commoncrawl.org/")
NEWSARCHIVE_IMPORT_WORKERS = os.cpu_count() or 1
NEWSARCHIVE_IMPORT_PART_BYTES = int(os.environ.get("NEWSARCHIVE_IMPORT_PART_BYTES", str(8 << 20)))
NEWSARCHIVE_IMPORT_BATCH_SIZE = int(os.environ.get("NEWSARCHIVE_IMPORT_BATCH_SIZE", "200"))

# Extraction health per source and run (pipeline/health/, docs/health.md): recorded by every
# crawl and re-processing into <data dir>/state/scheduler.sqlite3; False records nothing.
NEWSARCHIVE_HEALTH_ENABLED = True
NEWSARCHIVE_HEALTH_SHORT_BODY_WORDS = 50  # a body shorter than this counts as short
# The alert rule (pipeline/health/alerts.py), Media Cloud's counted in runs: the mean of the last
# WINDOW runs outside mean - LOW_SIGMAS*sigma .. mean + HIGH_SIGMAS*sigma of the BASELINE runs
# before them (plus TOLERANCE: absolute for shares, a fraction of the mean for volume), judged
# once the baseline has MIN_BASELINE runs of at least MIN_DOCUMENTS documents each.
NEWSARCHIVE_HEALTH_WINDOW_RUNS = 1
NEWSARCHIVE_HEALTH_BASELINE_RUNS = 12
NEWSARCHIVE_HEALTH_MIN_BASELINE_RUNS = 2
NEWSARCHIVE_HEALTH_MIN_DOCUMENTS = 5
NEWSARCHIVE_HEALTH_LOW_SIGMAS = 1.5
NEWSARCHIVE_HEALTH_HIGH_SIGMAS = 2.0
NEWSARCHIVE_HEALTH_SHARE_TOLERANCE = 0.10
NEWSARCHIVE_HEALTH_VOLUME_TOLERANCE = 0.25
# Alerts are POSTed as JSON here by the scheduler (empty: log only). The crawl's SSRF rules apply:
# an internal address must be listed in NEWSARCHIVE_ALLOWED_NETWORKS.
NEWSARCHIVE_HEALTH_WEBHOOK_URL = os.environ.get("NEWSARCHIVE_HEALTH_WEBHOOK_URL", "")

LOG_LEVEL = os.environ.get("NEWSARCHIVE_LOG_LEVEL", "INFO")
LOGSTATS_INTERVAL = 60.0

# Link following from articles is bounded: a source's own sections and feeds are the entry points.
DEPTH_LIMIT = 4
LOG_FORMATTER = "pipeline.crawl.logformat.ConciseLogFormatter"

# Revisit policy for recent articles (pipeline/crawl/state/revisit.py): AGE=INTERVAL steps,
# youngest first, after NewsDiffs (every 15 min while under 3 h old, then hourly, every 3 h,
# every 3 days, every 30 days); age counts from the first capture. A due article is fetched
# (conditional GET) even when its feed date has not moved, and asked for even when nothing
# links to it any more. Empty: no revisits.
NEWSARCHIVE_REVISIT = "3h=15m 1d=1h 7d=3h 30d=3d *=30d"
SPIDER_MIDDLEWARES = {
    # Known articles now due for a revisit, after the source's own start requests.
    "pipeline.crawl.state.revisit.RevisitStart": 900,
}

# Crawl safety (pipeline/crawl/safety/): the crawler reads URLs written by strangers.
# Internal addresses (loopback, private, link-local, 100.64/10...) are refused at dial time unless
# listed here: comma-separated CIDR or CIDR:PORT, e.g. "127.0.0.1:8765" for the fixture site.
NEWSARCHIVE_ALLOWED_NETWORKS = os.environ.get("NEWSARCHIVE_ALLOWED_NETWORKS", "")
# Longer URLs are refused as url_too_long: what browsers and Scrapy's URLLENGTH_LIMIT have used
# (pipeline.crawl.safety.netpolicy.DEFAULT_MAX_URL_LENGTH, AddressPolicy's own; a test keeps them
# equal).
NEWSARCHIVE_MAX_URL_LENGTH = 2083
TWISTED_DNS_RESOLVER = "pipeline.crawl.safety.resolver.GuardedResolver"
# Only http(s): Scrapy would otherwise fetch file://, ftp://, s3:// and data: URLs.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}
DOWNLOADER_MIDDLEWARES = {
    "pipeline.crawl.safety.middleware.SafetyMiddleware": 40,  # before OffsiteMiddleware (50)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "pipeline.crawl.safety.robots.Rfc9309RobotsMiddleware": 100,
    # The redirect guard sees 3xx before RedirectMiddleware.
    "pipeline.crawl.safety.middleware.RedirectGuardMiddleware": 700,
    # Incremental crawls: conditional GETs and feed/sitemap date skips from the URL store.
    "pipeline.crawl.state.middleware.IncrementalMiddleware": 580,
    # robots.txt Crawl-delay for single-machine crawls (fleet politeness does it in fleet mode).
    "pipeline.crawl.crawldelay.CrawlDelayMiddleware": 940,
    # Fleet-wide politeness through Redis; inactive unless NEWSARCHIVE_REDIS_URL or
    # NEWSARCHIVE_FLEET_REDIS_URL is set. Last before the downloader, so cached, refused or
    # robots-denied requests never take a slot.
    "pipeline.crawl.distributed.politeness.FleetPolitenessMiddleware": 950,
}
# The longest robots.txt Crawl-delay a single-machine crawl honours, in seconds (0: ignore
# Crawl-delay); pipeline/crawl/crawldelay.py.
NEWSARCHIVE_MAX_CRAWL_DELAY = 60.0
# With NEWSARCHIVE_REDIS_URL set, DOWNLOAD_DELAY (with its jitter) and
# CONCURRENT_REQUESTS_PER_DOMAIN hold per host for the whole fleet, and robots.txt Crawl-delay is
# honoured up to this cap (seconds). See docs/politeness.md.
NEWSARCHIVE_FLEET_MAX_CRAWL_DELAY = 60.0
# Shared politeness without a shared frontier (independent crawls hitting the same hosts).
NEWSARCHIVE_FLEET_REDIS_URL = os.environ.get("NEWSARCHIVE_FLEET_REDIS_URL", "")
NEWSARCHIVE_FLEET_KEY_PREFIX = "newsarchive:politeness"
# Redis down: True = fall back to per-process politeness (logged, counted); False = wait for it.
NEWSARCHIVE_FLEET_FAIL_OPEN = True
# A proxy would dial on our behalf, out of the guarded resolver's sight.
HTTPPROXY_ENABLED = False
# Over-long URLs are refused (and recorded) by SafetyMiddleware rather than dropped silently.
URLLENGTH_LIMIT = 0
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 507, 520, 521, 522, 523, 524]  # never cache

# `newsarchive sources discover` and `sources try` (pipeline/discover/): a plain HTTP client, not
# a crawl, with the crawl's robots.txt rules, SSRF policy (NEWSARCHIVE_ALLOWED_NETWORKS), size cap
# (DOWNLOAD_MAXSIZE), redirect limit (REDIRECT_MAX_TIMES) and Crawl-delay cap. Every request counts
# against the budget (robots.txt and redirect hops too); --max-requests overrides it per run.
NEWSARCHIVE_DISCOVER_MAX_REQUESTS = 30
# Seconds between two requests of discover/try (robots.txt Crawl-delay wins when longer).
NEWSARCHIVE_DISCOVER_DELAY = float(os.environ.get("NEWSARCHIVE_DISCOVER_DELAY", "1.0"))
NEWSARCHIVE_DISCOVER_TIMEOUT = 15.0  # seconds per request (connect and each read)

# Adaptive polling (pipeline/schedule/adaptive.py) of sources with `poll:` in sources.yaml.
# Bounds when `poll:` leaves one out (intervals as in sources.yaml).
NEWSARCHIVE_POLL_MIN = "10m"
NEWSARCHIVE_POLL_MAX = "1d"
# New articles a poll should bring: the interval tends to (this) / (observed arrival rate).
NEWSARCHIVE_POLL_TARGET_NEW = 1.0
# A poll that brings nothing new lengthens the interval by this factor.
NEWSARCHIVE_POLL_GROWTH = 1.5
# A failed poll lengthens the interval by this factor (back-off) ...
NEWSARCHIVE_POLL_ERROR_BACKOFF = 2.0
# ... and after this many failures in a row the source is disabled until the scheduler is started
# with --retry-disabled (`newsarchive runs` shows why).
NEWSARCHIVE_POLL_MAX_FAILURES = int(os.environ.get("NEWSARCHIVE_POLL_MAX_FAILURES", "5"))
