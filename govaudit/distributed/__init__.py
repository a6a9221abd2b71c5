"""Distributed audits: several workers share one run over scrapy-redis (the request queue) and a Redis
site ledger (outstanding requests, claims, budgets), with PostgreSQL as the common store.

ledger.py      per-site counters, in memory (one machine) or in Redis (shared)
scheduling.py  scrapy-redis settings and the per-run queue keys
closing.py     when a worker may close: nothing pending anywhere and every site scored
"""
