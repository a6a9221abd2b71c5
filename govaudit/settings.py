"""Scrapy settings for govaudit.

Every GOVAUDIT_* setting is listed here with its default and a one-line comment.
Each can be overridden with ``-s NAME=VALUE`` on the command line or with an
environment variable of the same name (read below, once, at import).
Secrets (a PostgreSQL password) come only from the environment: put them in
GOVAUDIT_DATABASE_URL there, never in this file.
"""

from __future__ import annotations

import os
from pathlib import Path

from govaudit.crawl.redact import install_log_redaction

install_log_redaction()  # no password of a -s GOVAUDIT_DATABASE_URL=... in Scrapy's settings dump or any log

BOT_NAME = "govaudit"
SPIDER_MODULES = ["govaudit.spiders"]
NEWSPIDER_MODULE = "govaudit.spiders"
COMMANDS_MODULE = "govaudit.commands"  # scrapy rescore / report / registry / db / findings

_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default):
    """Environment override for a GOVAUDIT_* setting (typed like its default)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


# --- govaudit ---------------------------------------------------------------
# SQLAlchemy URL of the results store; default an embedded SQLite file under var/.
GOVAUDIT_DATABASE_URL = _env("GOVAUDIT_DATABASE_URL", f"sqlite:///{_ROOT / 'var' / 'govaudit.sqlite'}")
# Folder that receives one report bundle per run (<dir>/<run id>/index.html).
GOVAUDIT_REPORTS_DIR = _env("GOVAUDIT_REPORTS_DIR", str(_ROOT / "var" / "reports"))
# Folder of rubric YAML files; `-a rubric=NAME` looks up NAME.yaml here.
GOVAUDIT_RUBRICS_DIR = _env("GOVAUDIT_RUBRICS_DIR", str(_ROOT / "rubrics"))
# Rubric used when the spider gets no `-a rubric=`.
GOVAUDIT_DEFAULT_RUBRIC = _env("GOVAUDIT_DEFAULT_RUBRIC", "inspection-2019")
# Folder of the report templates and static assets.
GOVAUDIT_TEMPLATES_DIR = _env("GOVAUDIT_TEMPLATES_DIR", str(_ROOT / "reports"))
# Time zone of the as-of date (监测时间点) default "today".
GOVAUDIT_TIMEZONE = _env("GOVAUDIT_TIMEZONE", "Asia/Shanghai")
# Port `python -m govaudit.demo` serves the demo province on (every 127.0.x.y address); fixed, so a resumed
# crawl finds the same URLs. The crawl itself never reads it.
GOVAUDIT_DEMO_PORT = _env("GOVAUDIT_DEMO_PORT", 18080)
# Highest column depth followed from the home page (1 = navigation columns, 2 = their sub-columns...).
GOVAUDIT_MAX_COLUMN_DEPTH = _env("GOVAUDIT_MAX_COLUMN_DEPTH", 2)
# Most columns audited per site outside the rubric's branches (guards against link farms and calendar traps);
# columns the rubric scores (data/crawl_plan.yaml priority_categories and their sub-columns) are not counted.
GOVAUDIT_MAX_COLUMNS_PER_SITE = _env("GOVAUDIT_MAX_COLUMNS_PER_SITE", 60)
# Safety cap on the rubric-branch columns of one site (a provincial portal has 100-300 columns).
GOVAUDIT_MAX_KEY_COLUMNS_PER_SITE = _env("GOVAUDIT_MAX_KEY_COLUMNS_PER_SITE", 300)
# Most sites crawled at once (0 = no cap); below it a new site starts only while the downloader has room,
# so sites finish (and are scored) progressively.
GOVAUDIT_MAX_SITES_IN_FLIGHT = _env("GOVAUDIT_MAX_SITES_IN_FLIGHT", 200)
# Bytes of one page the extractors read (a larger page is cut and the cut recorded): bounds the time one
# hostile page costs the crawl. Real list and home pages are 50-500 KB.
GOVAUDIT_MAX_PARSE_BYTES = _env("GOVAUDIT_MAX_PARSE_BYTES", 1_000_000)
# Seconds one page may take to parse (all its extractors); a page over it is recorded on its column as not
# read, and the crawl goes on.
GOVAUDIT_PARSE_TIMEOUT = _env("GOVAUDIT_PARSE_TIMEOUT", 20.0)
# Parse worker processes: pages are parsed off the reactor in them, on every core (0 = in the crawl process,
# on the reactor thread, without the time limit: for in-process tests and debugging only).
GOVAUDIT_PARSE_WORKERS = _env("GOVAUDIT_PARSE_WORKERS", os.cpu_count() or 1)
# Most list entries, link-check candidates, column links and letters kept from one page (the rest is noted).
GOVAUDIT_MAX_ENTRIES_PER_PAGE = _env("GOVAUDIT_MAX_ENTRIES_PER_PAGE", 1000)
GOVAUDIT_MAX_LINKS_PER_PAGE = _env("GOVAUDIT_MAX_LINKS_PER_PAGE", 2000)
GOVAUDIT_MAX_COLUMNS_PER_PAGE = _env("GOVAUDIT_MAX_COLUMNS_PER_PAGE", 200)
GOVAUDIT_MAX_LETTERS_PER_PAGE = _env("GOVAUDIT_MAX_LETTERS_PER_PAGE", 500)
# Most list pages followed per column (pagination stops earlier once the rubric windows are covered).
GOVAUDIT_MAX_LIST_PAGES = _env("GOVAUDIT_MAX_LIST_PAGES", 5)
# Most list pages followed per letters (留言) column, looking for unanswered letters older than 3 months.
GOVAUDIT_MAX_LETTER_PAGES = _env("GOVAUDIT_MAX_LETTER_PAGES", 20)
# Days of history a column's pages must cover before pagination stops (longest rubric window).
GOVAUDIT_HISTORY_DAYS = _env("GOVAUDIT_HISTORY_DAYS", 366)
# Links checked per non-home page for link availability (home page links are all checked).
GOVAUDIT_LINK_SAMPLE_PER_PAGE = _env("GOVAUDIT_LINK_SAMPLE_PER_PAGE", 5)
# Most links checked per site in total.
GOVAUDIT_MAX_LINKS_PER_SITE = _env("GOVAUDIT_MAX_LINKS_PER_SITE", 150)
# Most service-guide (办事指南) pages fetched per site.
GOVAUDIT_MAX_GUIDES_PER_SITE = _env("GOVAUDIT_MAX_GUIDES_PER_SITE", 10)
# Most article pages fetched per site (meta-tag and date checks).
GOVAUDIT_MAX_ARTICLES_PER_SITE = _env("GOVAUDIT_MAX_ARTICLES_PER_SITE", 5)
# Render columns with headless Chromium when the raw HTML has no list but scripts ("auto"), "never" or "always".
GOVAUDIT_RENDER_JS = _env("GOVAUDIT_RENDER_JS", "auto")
# Render the report bundle when the crawl closes.
GOVAUDIT_REPORT_ON_CLOSE = _env("GOVAUDIT_REPORT_ON_CLOSE", True)
# Seconds between progress lines in the log.
GOVAUDIT_PROGRESS_INTERVAL = _env("GOVAUDIT_PROGRESS_INTERVAL", 30.0)
# Items buffered by the store pipeline before a flush (a finished site always flushes).
GOVAUDIT_STORE_BATCH = _env("GOVAUDIT_STORE_BATCH", 200)
# Redis URL shared by the workers of a distributed audit (scrapy-redis queue + site ledger); "" = one machine.
GOVAUDIT_REDIS_URL = _env("GOVAUDIT_REDIS_URL", "")
# Several crawler processes share one run a whole site at a time, through SQL (govaudit.parallel sets it; no
# Redis, PostgreSQL across machines): every worker claims sites from the run's run_sites rows.
GOVAUDIT_SHARE_SITES = _env("GOVAUDIT_SHARE_SITES", False)
# Distributed and shared sites: seconds a worker's lease lasts (renewed three times as often); a worker that
# stops renewing it (killed) has its unfinished sites crawled again by another.
GOVAUDIT_WORKER_LEASE = _env("GOVAUDIT_WORKER_LEASE", 10.0)
# Distributed: seconds a joining worker (-a join=RUN) waits for the seeding worker to open the run.
GOVAUDIT_JOIN_WAIT = _env("GOVAUDIT_JOIN_WAIT", 120.0)
# Distributed: seconds a worker with nothing pending waits for every site to be scored before closing.
GOVAUDIT_SETTLE_GRACE = _env("GOVAUDIT_SETTLE_GRACE", 60.0)

# --- evidence archive: WARC of every response, screenshots, retention (govaudit/archive; docs/OPERATIONS.md) -
# Folder of the evidence: <dir>/<run id>/*.warc.gz and <dir>/<run id>/screenshots/.
GOVAUDIT_EVIDENCE_DIR = _env("GOVAUDIT_EVIDENCE_DIR", str(_ROOT / "var" / "evidence"))
# Archive every response the audit downloads as WARC (request + response records, indexed in SQL).
GOVAUDIT_ARCHIVE_ENABLED = _env("GOVAUDIT_ARCHIVE_ENABLED", True)
# A WARC file is closed and the next one started once it passes this many MB.
GOVAUDIT_ARCHIVE_ROTATE_MB = _env("GOVAUDIT_ARCHIVE_ROTATE_MB", 100)
# Bodies larger than this many bytes are not archived (headers only, WARC-Truncated: length).
GOVAUDIT_ARCHIVE_MAX_BODY = _env("GOVAUDIT_ARCHIVE_MAX_BODY", 4 * 1024 * 1024)
# gzip level of the WARC records (1 fastest .. 9 smallest).
GOVAUDIT_ARCHIVE_GZIP_LEVEL = _env("GOVAUDIT_ARCHIVE_GZIP_LEVEL", 6)
# Responses waiting for the archive thread before the crawl waits for it.
GOVAUDIT_ARCHIVE_QUEUE = _env("GOVAUDIT_ARCHIVE_QUEUE", 256)
# Take screenshots (home page, pages behind veto/deduction findings) when the crawl closes.
GOVAUDIT_SCREENSHOTS_ENABLED = _env("GOVAUDIT_SCREENSHOTS_ENABLED", True)
# Most screenshots per run (home pages first, then veto pages, then deduction pages).
GOVAUDIT_SCREENSHOTS_MAX = _env("GOVAUDIT_SCREENSHOTS_MAX", 200)
# Most MB of screenshots per run; once reached, no more are taken.
GOVAUDIT_SCREENSHOTS_MAX_MB = _env("GOVAUDIT_SCREENSHOTS_MAX_MB", 200)
# Tallest full-page screenshot in CSS pixels (a longer page is cut there).
GOVAUDIT_SCREENSHOT_MAX_HEIGHT = _env("GOVAUDIT_SCREENSHOT_MAX_HEIGHT", 6000)
# Screenshot image format: "jpeg" (about half the size and four times faster to encode) or "png" (lossless).
GOVAUDIT_SCREENSHOT_FORMAT = _env("GOVAUDIT_SCREENSHOT_FORMAT", "jpeg")
# JPEG quality of the screenshots (1-100).
GOVAUDIT_SCREENSHOT_QUALITY = _env("GOVAUDIT_SCREENSHOT_QUALITY", 80)
# Screenshots taken side by side: contexts of the crawl's Chromium for those left at the crawl's end (two: ~10%
# sooner at 300 sites, ~100 MB more), browsers of their own without the archive (~150 MB each).
GOVAUDIT_SCREENSHOT_CONCURRENCY = _env("GOVAUDIT_SCREENSHOT_CONCURRENCY", 1)
# A page that is not in the archive is opened on the live site for its screenshot (False: skipped).
GOVAUDIT_SCREENSHOT_LIVE_FALLBACK = _env("GOVAUDIT_SCREENSHOT_LIVE_FALLBACK", False)
# Days archives and screenshots are kept after their run started (`scrapy prune`); results are kept.
GOVAUDIT_EVIDENCE_RETENTION_DAYS = _env("GOVAUDIT_EVIDENCE_RETENTION_DAYS", 400)

# --- operator input (registries, findings files): refused past these limits -----------------------------
# Largest registry / findings file accepted, on disk and (XLSX) unpacked.
GOVAUDIT_INPUT_MAX_BYTES = _env("GOVAUDIT_INPUT_MAX_BYTES", 50 * 1024 * 1024)
# Deepest nesting accepted in a YAML file (YAML aliases are always refused).
GOVAUDIT_YAML_MAX_DEPTH = _env("GOVAUDIT_YAML_MAX_DEPTH", 40)
# Most rows and columns read from a registry spreadsheet, and cells its merged ranges may cover in total.
GOVAUDIT_XLSX_MAX_ROWS = _env("GOVAUDIT_XLSX_MAX_ROWS", 100_000)
GOVAUDIT_XLSX_MAX_COLUMNS = _env("GOVAUDIT_XLSX_MAX_COLUMNS", 200)
GOVAUDIT_XLSX_MAX_MERGED_CELLS = _env("GOVAUDIT_XLSX_MAX_MERGED_CELLS", 1_000_000)

# --- hostile sites: scope, addresses, rate limits, rendering (govaudit/crawl; docs/OPERATIONS.md) ----------
# Allow loopback/private/link-local destinations the registry does not name (tests on 127.0.0.x only).
GOVAUDIT_ALLOW_PRIVATE_HOSTS = _env("GOVAUDIT_ALLOW_PRIVATE_HOSTS", False)
# Seconds waited after a 429 that names no Retry-After.
GOVAUDIT_RATE_LIMIT_WAIT = _env("GOVAUDIT_RATE_LIMIT_WAIT", 5.0)
# Longest wait for one Retry-After (a longer one is waited this long).
GOVAUDIT_RATE_LIMIT_MAX_WAIT = _env("GOVAUDIT_RATE_LIMIT_MAX_WAIT", 60.0)
# Tries of one request after a 429/503-with-Retry-After before it is recorded as rate limited.
GOVAUDIT_RATE_LIMIT_TRIES = _env("GOVAUDIT_RATE_LIMIT_TRIES", 3)
# Seconds of waiting one site may cost in total; then its rate-limited requests are recorded as such.
GOVAUDIT_RATE_LIMIT_BUDGET = _env("GOVAUDIT_RATE_LIMIT_BUDGET", 300.0)
# Pages rendered in Chromium at once (the cap of the one browser context).
GOVAUDIT_MAX_RENDERS = _env("GOVAUDIT_MAX_RENDERS", 4)
# Renders one Chromium tab serves before it is closed (a new tab costs about as much as a render); 1 = a new
# tab for every render. A render that fails closes its tab.
GOVAUDIT_RENDER_TAB_USES = _env("GOVAUDIT_RENDER_TAB_USES", 20)
# Seconds a rendering tab may wait unused before it is closed (it holds a renderer process, about 40 MB);
# 0 = kept until its last use.
GOVAUDIT_RENDER_TAB_IDLE_S = _env("GOVAUDIT_RENDER_TAB_IDLE_S", 30.0)
# Chromium and its Playwright driver (about 300 MB) stop when no render or screenshot has used them this long
GOVAUDIT_BROWSER_IDLE_S = _env("GOVAUDIT_BROWSER_IDLE_S", 60.0)
# A Unix socket in a folder only this user can enter: the run's owner renders there for the other workers of
# the machine, which then start no browser (set by `python -m govaudit.parallel`; empty: each renders itself)
GOVAUDIT_RENDER_SOCKET = _env("GOVAUDIT_RENDER_SOCKET", "")
# Data segment (RLIMIT_DATA) of each Chromium process, MB: bounds a script's allocation bomb.
GOVAUDIT_RENDER_MEMORY_MB = _env("GOVAUDIT_RENDER_MEMORY_MB", 1024)
# V8 old-space (JS heap) limit of a rendered page, MB.
GOVAUDIT_RENDER_JS_HEAP_MB = _env("GOVAUDIT_RENDER_JS_HEAP_MB", 512)
# Resource types a rendered page does not load (not needed to read its lists and menus).
GOVAUDIT_RENDER_SKIP_TYPES = _env("GOVAUDIT_RENDER_SKIP_TYPES", "image,media,font")

# --- daily monitoring (scrapy crawl monitor; docs/OPERATIONS.md "An office's calendar") ---------------
# Thresholds of the first-seen ledger and of the alerts (YAML); "" = govaudit/data/monitoring.yaml.
GOVAUDIT_MONITOR_RULES = _env("GOVAUDIT_MONITOR_RULES", "")
# Recipients of alerts and digests per region / organizer / site (YAML); "" = alerts are recorded, not sent.
GOVAUDIT_ALERT_RECIPIENTS = _env("GOVAUDIT_ALERT_RECIPIENTS", "")
# SMTP server of the alert e-mails ("" = no e-mail); the password only from the environment (GOVAUDIT_SMTP_PASSWORD).
GOVAUDIT_SMTP_HOST = _env("GOVAUDIT_SMTP_HOST", "")
# Its port.
GOVAUDIT_SMTP_PORT = _env("GOVAUDIT_SMTP_PORT", 25)
# Sender address of the alert e-mails.
GOVAUDIT_SMTP_FROM = _env("GOVAUDIT_SMTP_FROM", "govaudit@localhost")
# Upgrade the SMTP connection with STARTTLS.
GOVAUDIT_SMTP_STARTTLS = _env("GOVAUDIT_SMTP_STARTTLS", False)
# SMTP login ("" = none).
GOVAUDIT_SMTP_USER = _env("GOVAUDIT_SMTP_USER", "")
# Seconds an SMTP server or webhook may take to accept a message.
GOVAUDIT_NOTIFY_TIMEOUT = _env("GOVAUDIT_NOTIFY_TIMEOUT", 20.0)
# Times a message that failed is tried again (at later checks) before it is given up.
GOVAUDIT_NOTIFY_ATTEMPTS = _env("GOVAUDIT_NOTIFY_ATTEMPTS", 5)
# Send the day's digest at the end of the daily pass (else only `scrapy monitor digest` sends it).
GOVAUDIT_MONITOR_DIGEST_ON_CLOSE = _env("GOVAUDIT_MONITOR_DIGEST_ON_CLOSE", True)

# --- crawling manners ----------------------------------------------------------
# Politeness is per site: many sites in parallel, few requests at once on each.
ROBOTSTXT_OBEY = False  # government sites are public records; the rubric requires checking them
USER_AGENT = "Mozilla/5.0 (compatible; govaudit/0.1; +government website inspection)"
CONCURRENT_REQUESTS = _env("CONCURRENT_REQUESTS", 64)
CONCURRENT_REQUESTS_PER_DOMAIN = _env("CONCURRENT_REQUESTS_PER_DOMAIN", 4)
# Scrapy's downloader starts a slot's whole queue at once under the asyncio reactor; this one keeps the limit
DOWNLOADER = "govaudit.crawl.downloader.SlotLimitedDownloader"
CONCURRENT_ITEMS = 10  # stack-notes: 100 starts too many tasks per response
DOWNLOAD_DELAY = _env("DOWNLOAD_DELAY", 0.0)
DOWNLOAD_TIMEOUT = _env("DOWNLOAD_TIMEOUT", 15)  # the rubric's 15 s "cannot open" limit
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 1
# 429 is left to govaudit's RateLimitRetry (it waits Retry-After); Scrapy's retry would re-send it at once
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = True
HTTPERROR_ALLOW_ALL = True  # 404/403/500 are evidence, the spider records them
AUTOTHROTTLE_ENABLED = _env("AUTOTHROTTLE_ENABLED", False)
DNS_TIMEOUT = 10

# Requests stay in memory; JOBDIR records only the run id: a resumed run re-crawls its unfinished sites.
SCHEDULER = "govaudit.crawl.scheduler.MemoryQueueScheduler"
DUPEFILTER_CLASS = "scrapy.dupefilters.BaseDupeFilter"  # every audit request is dont_filter (claims dedupe)
# Seconds after which a crawl's run lock is stale when its owner stopped sending heartbeats (other hosts).
GOVAUDIT_RUN_LEASE = _env("GOVAUDIT_RUN_LEASE", 120.0)

# --- safety (stack-notes) -------------------------------------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- components -------------------------------------------------------------------
ITEM_PIPELINES = {
    "govaudit.pipelines.classify.ColumnClassifyPipeline": 200,
    "govaudit.pipelines.store.StorePipeline": 500,
    "govaudit.pipelines.scoring.ScoringPipeline": 800,
}
DOWNLOADER_MIDDLEWARES = {
    # between RetryMiddleware (550) and the redirect middlewares (580/600): waits Retry-After, then retries
    "govaudit.crawl.ratelimit.RateLimitRetry": 560,
    # sees every request and redirect hop (after the redirect middlewares build them) and every 3xx first
    "govaudit.crawl.guard.ScopeGuard": 610,
    # nearest the download handler: a rendered request gets a tab another render has finished with
    "govaudit.crawl.tabs.ReuseRenderTabs": 950,
    # every layer costs each request a trip through the chain: off where govaudit has no use for it
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,  # ScopeGuard decides scope (no allowed_domains)
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,  # no site is crawled with a password
}
SPIDER_MIDDLEWARES = {
    # column depth is the spider's own (GOVAUDIT_MAX_COLUMN_DEPTH); Scrapy's depth is neither limited nor read
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,  # a development aid, a cost per output
}
EXTENSIONS = {
    "govaudit.crawl.jobdir.PrivateJobDir": 50,  # JOBDIR 0700, refused when others could write to it
    "govaudit.extensions.run_lifecycle.RunLifecycle": 100,  # opens the run; at close: scores what is left, status
    "govaudit.crawl.renderservice.RenderService": 110,  # the owner renders for the machine's other workers
    "govaudit.archive.capture.ArchiveCapture": 120,  # WARC of every response; index flushed at close
    "govaudit.distributed.closing.DistributedClose": 150,  # a distributed worker closes once every site is scored
    "govaudit.extensions.progress.ProgressLog": 500,
    "govaudit.archive.shotstream.Screenshots": 850,  # as sites are scored; completed after scoring, before the report
    "govaudit.extensions.report.ReportOnClose": 900,
    "govaudit.extensions.summary.RunSummary": 950,  # the command's last lines and exit status
}
STATS_DUMP = _env("STATS_DUMP", False)  # the run summary ends the output; -s STATS_DUMP=True for Scrapy's stats

# --- scrapy-playwright on Debian's Chromium (only requests with meta["playwright"]) ---
DOWNLOAD_HANDLERS = {
    "http": "govaudit.crawl.browser.SharedBrowserHandler",
    "https": "govaudit.crawl.browser.SharedBrowserHandler",
    # only http(s): a file:// link in a pager must never read local files into a report
    "file": None,
    "data": None,
    "ftp": None,
    "s3": None,
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": _env("GOVAUDIT_CHROMIUM", "/usr/bin/chromium"),
    "headless": True,
    "args": ["--disable-gpu", "--disable-quic"],
}
# one context (govaudit.crawl.render.CONTEXT: no downloads, no service workers) holding every render
PLAYWRIGHT_MAX_CONTEXTS = 1
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = GOVAUDIT_MAX_RENDERS
PLAYWRIGHT_ABORT_REQUEST = "govaudit.crawl.render.abort_request"  # other hosts, private addresses, images
PLAYWRIGHT_BROWSER_PROVIDER = "govaudit.crawl.browser.LimitedChromiumProvider"  # shared; memory limits
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 20000
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# distributed audits: requests in Redis as JSON, never pickle (whoever writes to Redis must not run code)
SCHEDULER_SERIALIZER = "govaudit.crawl.jsonqueue"

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = _env("LOG_LEVEL", "INFO")
