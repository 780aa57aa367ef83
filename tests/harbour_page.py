"""A small article of the fixture outlet *Harbour Gazette* for extraction specifications.

Two paragraphs of plain news prose that every extraction rule keeps, so a test can put the shape
it specifies around or inside them and read what the body became.
"""

from __future__ import annotations

from pipeline.extract import ExtractOptions, extract

PROSE = (
    "<p>The harbour council voted on Thursday to close the old ferry pier for repairs, after "
    "engineers found that two of its supports had rusted through completely.</p>"
    "<p>Repairs are expected to take eight months and to cost about four million, most of it "
    "paid from the port's reserve fund, the council's treasurer said.</p>"
)
URL = "https://www.harbour-gazette.example/politics/pier"


def body_of(article: str, head: str = "", url: str = URL) -> list[str]:
    """The body paragraphs of ``article`` put in an ``<article>``, with ``head`` in <head>."""
    html = f"<html><head>{head}</head><body><article>{article}</article></body></html>"
    return extract(html, url, ExtractOptions()).body.split("\n\n")
