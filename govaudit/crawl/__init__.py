"""Crawl-time mechanics shared by the spiders: per-site request accounting (when is a site finished),
and the site scope (which hosts belong to a site)."""
