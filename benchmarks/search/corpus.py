"""Synthetic but realistic news articles for the search benchmark, generated deterministically.

Articles look like the archive's: 20 outlets, opinion/news/world/business/sport sections, a pool
of authors, dates over twelve years with more recent years busier, English bodies of 150-450
words built from topic-specific sentences (so words co-occur the way they do in news, and
phrases like "security council" exist), a few German and French pieces, and about 4% syndicated
copies of an earlier article (new headline, trimmed or re-signed body) so that near-duplicate
grouping has real work.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from pipeline.items import Article

SOURCES = [
    "harbor_ledger", "bay_courier", "northern_tribune", "eastgate_post", "river_herald",
    "valley_times", "coastal_daily", "metro_observer", "capital_journal", "lakeside_news",
    "summit_gazette", "prairie_star", "island_voice", "granite_record", "pacific_wire",
    "atlantic_review", "midland_chronicle", "delta_dispatch", "highland_mail", "union_sentinel",
]  # fmt: skip
SECTIONS = ["news", "opinion", "world", "business", "sport"]
SECTION_WEIGHTS = [40, 20, 20, 12, 8]

FIRST = ["Anna", "Omar", "Li", "Grace", "Igor", "Maria", "James", "Fatima", "Tomas", "Priya",
         "Samuel", "Elena", "David", "Aisha", "Kenji", "Laura", "Pedro", "Nina", "Ahmed",
         "Chloe"]  # fmt: skip
LAST = ["Haddad", "Whitlock", "Ivanov", "Chen", "Navarro", "Okafor", "Schmidt", "Rossi", "Kowalski",
        "Ellery", "Moreau", "Tanaka", "Silva", "Novak", "Byrne", "Larsen", "Costa", "Weber", "Ali",
        "Park", "Grant", "Duarte", "Fischer", "Murphy", "Hughes"]  # fmt: skip

TOPICS: dict[str, dict[str, list[str]]] = {
    "diplomacy": {
        "subject": [
            "the foreign minister",
            "the Security Council",
            "the ambassador",
            "the president",
            "negotiators",
            "the United Nations",
            "allies in Europe",
        ],
        "verb": [
            "called for",
            "warned against",
            "agreed on",
            "rejected",
            "welcomed",
            "postponed talks on",
            "proposed",
        ],
        "object": [
            "new sanctions",
            "the return of weapons inspectors",
            "a ceasefire",
            "a resolution on disarmament",
            "closer cooperation",
            "a peace plan",
            "an arms control treaty",
            "humanitarian corridors",
        ],
        "place": [
            "Iraq",
            "Iran",
            "Moscow",
            "Washington",
            "Geneva",
            "Brussels",
            "Beijing",
            "Kyiv",
            "the Middle East",
            "the Balkans",
        ],
    },
    "city": {
        "subject": [
            "the mayor",
            "the city council",
            "the port authority",
            "residents",
            "the transit agency",
            "the planning board",
            "building inspectors",
        ],
        "verb": [
            "approved",
            "delayed",
            "debated",
            "cut funding for",
            "announced",
            "opened an inquiry into",
            "voted against",
        ],
        "object": [
            "the waterfront rezoning",
            "a new seawall",
            "ferry fares",
            "the library budget",
            "crane inspections",
            "affordable housing",
            "the dredging contract",
            "bus lanes",
        ],
        "place": [
            "Harbor City",
            "the Fish Market",
            "Eastgate",
            "the old docks",
            "downtown",
            "the north shore",
            "city hall",
        ],
    },
    "economy": {
        "subject": [
            "the central bank",
            "economists",
            "shareholders",
            "the finance ministry",
            "small businesses",
            "the largest employers",
            "trade unions",
        ],
        "verb": [
            "raised",
            "forecast",
            "questioned",
            "lowered",
            "reported",
            "negotiated",
            "warned about",
        ],
        "object": [
            "interest rates",
            "inflation",
            "quarterly profits",
            "a wage agreement",
            "automation at the port",
            "energy prices",
            "the housing market",
            "export tariffs",
        ],
        "place": [
            "the eurozone",
            "Asia",
            "the region",
            "global markets",
            "the United States",
            "the manufacturing belt",
        ],
    },
    "climate": {
        "subject": [
            "scientists",
            "the environment agency",
            "farmers",
            "coastal towns",
            "insurers",
            "the climate panel",
            "engineers",
        ],
        "verb": [
            "measured",
            "predicted",
            "adapted to",
            "called for action on",
            "studied",
            "underestimated",
            "prepared for",
        ],
        "object": [
            "rising sea levels",
            "record heat",
            "flood defenses",
            "drought",
            "carbon emissions",
            "wildfire risk",
            "storm surges",
            "a flood plan",
        ],
        "place": [
            "the coast",
            "the delta",
            "southern Europe",
            "the Arctic",
            "the river basin",
            "low-lying districts",
        ],
    },
    "sport": {
        "subject": [
            "the home side",
            "the coach",
            "the captain",
            "the league",
            "fans",
            "the visiting team",
            "the referee",
        ],
        "verb": ["won", "lost", "criticised", "celebrated", "appealed", "secured", "missed"],
        "object": [
            "the championship",
            "a late penalty",
            "the derby",
            "promotion",
            "a record transfer",
            "the final",
            "a second straight title",
        ],
        "place": [
            "the stadium",
            "the capital",
            "the harbor ground",
            "extra time",
            "the second half",
            "the away leg",
        ],
    },
}
TOPIC_OF_SECTION = {
    "news": ["city", "economy", "climate"],
    "opinion": ["diplomacy", "city", "climate", "economy"],
    "world": ["diplomacy", "climate"],
    "business": ["economy"],
    "sport": ["sport"],
}
CONNECTIVES = ["On Tuesday,", "Last week,", "According to officials,", "In a statement,",
               "Critics say", "Meanwhile,", "For now,", "Earlier this year,", "Privately,",
               "Still,"]  # fmt: skip
CLOSERS = [
    "The decision is expected to be reviewed next month.",
    "Neither side responded to requests for comment.",
    "The full report will be published later this year.",
    "Observers said the outcome remained uncertain.",
    "A vote is scheduled for the spring session.",
]
FOREIGN = {
    "de": "Die Regierung hat am Dienstag neue Maßnahmen angekündigt, die nach Angaben von "
    "Beobachtern die Verhandlungen über den Haushalt verlängern werden.",
    "fr": "Le gouvernement a annoncé mardi de nouvelles mesures qui, selon les observateurs, "
    "prolongeront les négociations sur le budget de la ville.",
}

START = datetime(2014, 1, 1, tzinfo=UTC)
SPAN_DAYS = 12 * 365


def _sentence(rng: random.Random, topic: str) -> str:
    t = TOPICS[topic]
    subject = rng.choice(t["subject"])
    text = (
        f"{rng.choice(CONNECTIVES)} {subject} {rng.choice(t['verb'])} "
        f"{rng.choice(t['object'])} in {rng.choice(t['place'])}"
    )
    if rng.random() < 0.4:
        text += f", citing {rng.randint(2, 950)} {rng.choice(['cases', 'pages', 'jobs', 'votes'])}"
    return text + "."


def _body(rng: random.Random, topic: str, language: str) -> str:
    if language != "en":
        return "\n\n".join(FOREIGN[language] for _ in range(rng.randint(3, 6)))
    paragraphs = []
    for _ in range(rng.randint(4, 9)):
        sentences = [_sentence(rng, rng.choice([topic, topic, topic, "city"]))]
        sentences += [_sentence(rng, topic) for _ in range(rng.randint(1, 3))]
        paragraphs.append(" ".join(sentences))
    paragraphs.append(rng.choice(CLOSERS))
    return "\n\n".join(paragraphs)


def _title(rng: random.Random, topic: str) -> str:
    t = TOPICS[topic]
    words = f"{rng.choice(t['subject'])} {rng.choice(t['verb'])} {rng.choice(t['object'])}"
    return words[0].upper() + words[1:]


def articles(count: int, seed: int = 20261128) -> Iterator[Article]:
    """``count`` articles, the same ones for the same seed."""
    rng = random.Random(seed)
    authors = [f"{f} {last}" for f in FIRST for last in LAST]  # 500 names
    recent: list[Article] = []
    fetched = datetime(2026, 11, 1, tzinfo=UTC)
    for n in range(count):
        source = rng.choice(SOURCES)
        # Later years are busier: square-root spread of the day offset.
        day = int(SPAN_DAYS * rng.random() ** 0.7)
        published = START + timedelta(days=day, minutes=rng.randint(0, 1439))
        if recent and rng.random() < 0.04:
            original = rng.choice(recent)
            paragraphs = original.body.split("\n\n")
            body = "\n\n".join([*paragraphs[:-1], f"This article first appeared in {source}."])
            title = original.title if rng.random() < 0.5 else f"{original.title}, experts say"
            section, authors_of = original.section, original.authors
            language, published = original.language, (original.published_at or published)
            published += timedelta(days=rng.randint(0, 3))
        else:
            section = rng.choices(SECTIONS, SECTION_WEIGHTS)[0]
            topic = rng.choice(TOPIC_OF_SECTION[section])
            language = "en" if rng.random() < 0.97 else rng.choice(["de", "fr"])
            body = _body(rng, topic, language)
            title = _title(rng, topic)
            authors_of = rng.sample(authors, 1 if rng.random() < 0.85 else 2)
        url = f"https://{source.replace('_', '-')}.example/{section}/{published:%Y/%m/%d}/a{n}/"
        doc_id = hashlib.sha256(url.encode()).hexdigest()[:32]
        article = Article(
            id=doc_id,
            url=url,
            canonical_url=url,
            source=source,
            title=title,
            body=body,
            authors=list(authors_of),
            published_at=published,
            updated_at=None,
            section=section,
            language=language,
            fetched_at=fetched,
            content_hash=hashlib.sha256(body.encode()).hexdigest(),
        )
        recent.append(article)
        if len(recent) > 2000:
            recent.pop(0)
        yield article
