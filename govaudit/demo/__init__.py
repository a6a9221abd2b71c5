"""The demo province 示范省: a deterministic, seeded set of government sites with planted defects, a
generator and a loopback server that writes an ordinary registry file. Nothing outside this package imports
it; the crawl sees only the registry file and the served pages. Its answer key lives in tests/demo.

    python -m govaudit.demo audit [-- scrapy args]      serve, audit, stop (see __main__.py)
    from govaudit.demo.province import build_province
    from govaudit.demo.server import DemoServer
"""
