"""The fixture site at scale: thousands of generated, ordinary news stories on top of the catalog.

Why: distributed-crawl tests need a site large enough that several workers really share the work
(>= 2,000 articles), while the hand-written 31-article catalog that other tests check exactly
stays as it is. Stories are listed only in the news sitemap (not the RSS feed, which stays
short). Their text comes from a seeded generator, so every run builds the same site, and every
paragraph is different: the boilerplate learner (which drops lines repeated across a source's
pages) and the near-duplicate detector see ordinary, distinct articles.

Publish them before the server starts (``scaled_site``): publishing renders the changed pages
once per publish, which is quadratic when the site is already serving.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from pipeline.local.fixture_site.model import FixtureArticle, Template, discovery
from pipeline.local.fixture_site.server import FixtureSite


def _vocabulary(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_WORDS = _vocabulary(
    "harbor council ferry budget school river bridge market mayor tenants museum library "
    "festival rainfall orchard factory union contract hospital clinic nurses students teachers "
    "railway station tunnel airport runway fishermen quota lighthouse storm flood levee "
    "reservoir drought farmers harvest bakery brewery shipyard dockworkers warehouse pension "
    "taxes zoning housing rents landlord permit inspectors audit court judge jury verdict "
    "appeal police patrol firefighters volunteers charity donors gallery theater orchestra "
    "choir stadium league coach season referee marathon cyclists ferries buses tram "
    "commuters traffic parking pavement streetlights sewer water pipes utility grid solar "
    "turbines wind coastline dunes wetlands birds salmon oysters kelp tides pier boardwalk "
    "tourists hotels restaurants chefs markets vendors licenses fees ordinance petition "
    "referendum ballot election candidates debate survey residents neighbors district ward "
    "committee hearing minutes agenda motion amendment vote delay plan proposal report study "
    "engineers architects contractors cranes scaffolding renovation heritage facade archive "
    "records census migration newcomers language classes scholarship university laboratory "
    "researchers vaccine pharmacy doctors ambulance shelter winter heating fuel prices wages"
)
_VERBS = _vocabulary(
    "approved delayed rejected announced reviewed funded opened closed questioned praised "
    "criticized expanded reduced measured surveyed inspected repaired replaced proposed "
    "postponed welcomed doubled halved restored protested"
)
_LINKS = _vocabulary("while after because although since before until whereas and but")
FIRST_DAY = datetime(2019, 1, 1, 8, 0, tzinfo=UTC)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(3, 6))]
    words.append(rng.choice(_VERBS))
    words += [rng.choice(_WORDS) for _ in range(rng.randint(2, 5))]
    words.append(rng.choice(_LINKS))
    words += [rng.choice(_WORDS) for _ in range(rng.randint(3, 6))]
    words.append(rng.choice(_VERBS))
    text = " ".join(words)
    return f"The {text}, officials said on day {rng.randint(1, 9999)} of the review."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))


def scaled_article(index: int, seed: int = 0) -> FixtureArticle:
    """The ``index``-th generated story (the same for the same index and seed)."""
    rng = random.Random(f"{seed}:{index}")
    title_words = [rng.choice(_WORDS) for _ in range(rng.randint(4, 7))]
    title = " ".join(title_words).capitalize() + f" ({index})"
    body = tuple(_paragraph(rng) for _ in range(rng.randint(3, 6)))
    published = FIRST_DAY + timedelta(hours=7 * index, minutes=rng.randint(0, 59))
    return FixtureArticle(
        section=rng.choice(("news", "world")),
        slug=f"{'-'.join(title_words[:4])}-{index:05d}",
        title=title,
        description=body[0][:120],
        authors=(rng.choice(("Dana Whitfield", "Omar Castillo", "Priya Raman", "Lena Okafor")),),
        published=published,
        body=body,
        template=Template.MODERN,
        discovery=discovery("sitemap"),
    )


def scaled_articles(count: int, seed: int = 0) -> list[FixtureArticle]:
    """``count`` generated stories, each at its own URL."""
    return [scaled_article(i, seed) for i in range(count)]


def scaled_site(count: int, *, seed: int = 0, host: str = "127.0.0.1") -> FixtureSite:
    """A not-yet-started FixtureSite with the catalog plus ``count`` generated stories."""
    site = FixtureSite(host=host)
    for article in scaled_articles(count, seed):
        site.publish(article)
    return site
