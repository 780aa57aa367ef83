"""Looking at a site before (and while) it is a configured source.

``sources discover URL`` finds a site's feeds and sitemaps and proposes its URL patterns
(``site.discover``, ``shapes.propose``, ``stanza.render_stanza``); ``sources try NAME`` previews
what a source's article pages extract to (``preview``). Both use ``fetch.Fetcher``, a plain HTTP
client with the crawl's robots.txt, SSRF and size rules. ``cli.register_sources_actions`` adds
the two commands to the ``sources`` group; this package's ``__init__`` imports nothing so that
the CLI can register them cheaply.
"""
