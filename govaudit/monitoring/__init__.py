"""Daily monitoring (日常监管): a cheap daily pass over every running site (`scrapy crawl monitor`), the
first-seen ledger kept across runs, suspected forged dates, alerts, and the data of the monthly report.

    rules.py      thresholds (govaudit/data/monitoring.yaml) and the rubric windows they refer to
    plan.py       what a site's pass starts from: its column map (from the last full audit) and ledger
    listing.py    a first page against the one read before: new, pushed down, taken off
    sitepass.py   one site's pass as the responses arrive; its result is one item
    store.py      that item into SQL (validators, ledger, flags, site day)
    alerts.py     lines crossed and cleared, one open alert per site, condition and subject
    notify.py     recipients (YAML), e-mail over SMTP, JSON webhook, the daily digest
    cadence.py    real update cadence per column from the ledger
"""
