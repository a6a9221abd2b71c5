"""The evidence archive: every response the audit used, kept as WARC (ISO 28500) next to the results.

* warcfile.py   gzip WARC files of a run, one gzip member per record, rotated by size (warcio builds records)
* fetch.py      what one fetched response is, in plain data (built from Scrapy's request/response)
* capture.py    the extension that writes every downloaded response (request + response / revisit /
                rendered DOM) and indexes it in SQL (`archive_records`)
* index.py      finding a record by (run, url) and reading it back (warcio's ArchiveIterator)
* replay.py     a downloader middleware that answers every request from a run's archive (re-extraction)
* reextract.py  `scrapy rescore RUN --reextract`: a replay crawl into a new run, scored as usual
* screenshots.py full-page screenshots of archived pages in Chromium, capture time printed on the image
* shotstream.py  the screenshot extension: sites shot as they are scored, completed to the run's plan at close
* bundle.py     the report bundle's copies: screenshots and small HTML views of the archived pages
* prune.py      retention: expired archives and screenshots removed, results kept

Files live under GOVAUDIT_EVIDENCE_DIR/<run id>/ (WARC files) and <run id>/screenshots/."""
