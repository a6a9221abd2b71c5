"""Crawl-time mechanics shared by the spiders: per-site request accounting (when is a site finished), site
admission and budgets, and crawl safety: which hosts a site's crawl may reach (scope), the downloader
middlewares that enforce it on every request and redirect hop, rate-limit handling, rendering limits, and
the safe serialisation of queued requests. See docs/OPERATIONS.md, "Hostile sites"."""
