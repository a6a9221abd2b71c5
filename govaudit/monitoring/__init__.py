"""Daily monitoring (日常监管): a cheap daily pass over every running site (`scrapy crawl monitor`), the
first-seen ledger kept across runs, suspected forged dates, alerts, and the data of the monthly report.

    rules.py      thresholds (govaudit/data/monitoring.yaml) and the rubric windows they refer to
    plan.py       what a site's pass starts from: its column map (from the last full audit) and ledger
    listing.py    a first page against the one read before: new, pushed down, taken off
    payload.py    lists built by scripts: their data endpoint, read directly once a render showed it
    pagedate.py   the date an article page gives itself
    sitepass.py   one site's pass as the responses arrive; its result is one item (SitePassItem)
    store.py      that item into SQL (column map and validators, ledger, flags, site day)
    pipeline.py   the monitor's pipeline; extension.py  alerts, digest and summary when the pass closes
    alerts.py     lines crossed and cleared, one open alert per site, condition and subject
    notify.py     recipients (YAML), e-mail over SMTP, JSON webhook, the daily digest; check.py ties them
    cadence.py    real update cadence per column from the ledger
"""
