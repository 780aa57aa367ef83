"""Backfill: import WARC files (CC-NEWS, any web archive) into the archive beside the live crawl.

``newsarchive import`` reads WARC and WARC.gz files -- local paths, folders, globs, http(s) URLs
streamed part by part, and ``cc-news:YYYY-MM[..YYYY-MM]`` listings -- and turns each HTML
``response`` record with status 200 into a document through the crawl's own path
(``pipeline.documents``, ``pipeline.index.write_batch``): same ids, same boilerplate, same
near-duplicate groups, and the capture's ``WARC-Date`` as the fetch time that versions it, so an
older capture never overwrites a newer one wherever it came from.

Modules, one concept each: ``inputs`` (what to read and how to open it at a byte offset),
``parts`` (large files cut into parts that start on a record), ``records`` (FastWARC records
with damage detection and re-synchronisation), ``select`` (what is skipped before extraction,
and why), ``ledger`` (finished parts and offsets, so an interrupted import resumes), ``tally``
(the counts and the balanced summary), ``worker`` (one part: read, extract, write), ``run``
(worker processes, progress, summary) and ``cli`` (the command).
"""
