"""The crawler: registry → polite fetching → discovery → evidential archive → state DB + queue.

Modules: `registry` (publishers, YAML/CSV), `fetch` (httpx, robots.txt, spacing, retries),
`discover` (list pages, report links, attachments, shown dates), `match` (titles → publishers),
`archive` (WARC + SHA-256 store), `models`/`state` (tables and their writes), `queue` (for the
indexer), `engine` (one run), `scheduler` (APScheduler), `cli` (`nianbao crawl|registry|scheduler`).
"""
