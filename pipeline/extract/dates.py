"""Publication and update dates: where a page states them, and how to read them safely.

Pages state dates in many places that disagree in reliability, so candidates are tried in a
fixed order of trust: JSON-LD, ``<meta>`` tags, microdata, ``<time datetime>``, visible stamps
("Last Updated: 07/27/2016"), relative stamps ("Updated 2 hours ago"), and finally a
``/yyyy/mm/dd/`` URL. The first candidate that parses and is plausible wins; its origin goes
into ``date_source`` so that downstream code can weigh it.

Plausible means: a full date (a lone copyright year is never a date), not before 1900, and not
after the moment the page was fetched (a "future" date is a template or timezone bug).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

import lxml.etree
from dateutil import parser as dateutil_parser
from lxml.html import HtmlElement

from pipeline.extract.jsonld import JsonObject, text_value
from pipeline.extract.junk import DATE_TEXT, STAMP_VERB_START, STAMP_VERBS, UPDATE_WORDS
from pipeline.extract.meta_tags import MetaTags
from pipeline.extract.purpose import inside_other_content

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)

# <meta> keys naming the publication / update date, most specific first.
_PUBLISHED_META = (
    "article:published_time",
    "article:published",
    "og:published_time",
    "published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "originalpublicationdate",
    "article_date_original",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "pubdate",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.published",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "displaydate",
    "date",
)
_UPDATED_META = (
    "article:modified_time",
    "article:modified",
    "og:updated_time",
    "modified_time",
    "updated_time",
    "datemodified",
    "dateupdated",
    "article.updated",
    "dc.date.modified",
    "dcterms.modified",
    "lastmod",
    "last-modified",
)
_TZ_OFFSETS_HOURS = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "UT": 0,
    "WET": 0,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "MEZ": 1,
    "MESZ": 2,
    "EET": 2,
    "EEST": 3,
    "MSK": 3,
    "IST": 5.5,
    "JST": 9,
    "KST": 9,
    "AEST": 10,
    "AEDT": 11,
    "EST": -5,
    "EDT": -4,
    "ET": -5,
    "CST": -6,
    "CDT": -5,
    "CT": -6,
    "MST": -7,
    "MDT": -6,
    "MT": -7,
    "PST": -8,
    "PDT": -7,
    "PT": -8,
    "AKST": -9,
    "HST": -10,
}
_TZINFOS = {name: timezone(timedelta(hours=h)) for name, h in _TZ_OFFSETS_HOURS.items()}

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_EPOCH = re.compile(r"\d{10}(?:\d{3})?")
_DOTTED = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b")
_DOTTED_TIME = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{2})(?![\d.])")
_HAS_DAY = re.compile(rf"{DATE_TEXT}|\d{{4}}-\d{{1,2}}-\d{{1,2}}", re.IGNORECASE)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:[/-]|$)")
_UPDATED_WORDS = re.compile(UPDATE_WORDS, re.IGNORECASE)
_STAMP_VERB = re.compile(STAMP_VERB_START + STAMP_VERBS, re.IGNORECASE)
_DATE_AFTER_VERB = re.compile(rf"(?:\s+(?:on|at|am|le|el|il))?\s*:?\s*({DATE_TEXT})", re.IGNORECASE)
_RELATIVE_STAMP = re.compile(
    r"(?P<verb>updated|published|posted)\s*:?\s*(?P<count>\d+|an?|one)\s+"
    r"(?P<unit>minute|min|hour|hr|day|week)s?\s+ago\b",
    re.IGNORECASE,
)
_NON_LETTERS = re.compile(r"[^a-z]")
_LOOSE_PUBLISHED_KEY = re.compile(r"publi(?:shed|cation)|pubdate|datecreated|firstpub")
_LOOSE_UPDATED_KEY = re.compile(r"modified|updated|lastmod")
_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—·•»]\s+|\s*[|·•»]\s*")
_WHOLE_DATE = re.compile(DATE_TEXT, re.IGNORECASE)
_UNIT_SECONDS = {"minute": 60, "min": 60, "hour": 3600, "hr": 3600, "day": 86400, "week": 604800}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A date string found on the page: which date it claims to be, and where it was found."""

    kind: str  # "published" | "updated"
    raw: str
    source: str  # "json-ld" | "meta" | "microdata" | "time" | "visible" | "relative" | "url"


@dataclass(slots=True)
class PageDates:
    """The chosen dates (in the offset the page gave, else UTC) and the source of each."""

    published: datetime | None = None
    updated: datetime | None = None
    sources: dict[str, str] = field(default_factory=dict)


def choose_dates(
    candidates: Iterable[Candidate], *, latest: datetime, dayfirst: bool = False
) -> PageDates:
    """First plausible candidate per kind, in the order given (most trusted first)."""
    dates = PageDates()
    for candidate in candidates:
        if candidate.kind in dates.sources:
            continue
        when = parse_date(candidate.raw, dayfirst=dayfirst)
        if when is None or not EARLIEST <= when <= latest:
            continue
        if candidate.kind == "published":
            dates.published = when
        else:
            dates.updated = when
        dates.sources[candidate.kind] = candidate.source
    return dates


def parse_date(raw: str, *, dayfirst: bool = False) -> datetime | None:
    """A timezone-aware datetime for a full date string, or None.

    An offset the page states is kept as written; a date without one is taken as UTC.
    """
    raw = raw.strip()
    if not raw:
        return None
    if _EPOCH.fullmatch(raw):
        seconds = int(raw[:10])
        return datetime.fromtimestamp(seconds, tz=UTC)
    parsed: datetime | None = None
    if _ISO_DAY.match(raw):
        try:
            parsed = datetime.fromisoformat(raw.replace(" ", "T", 1) if "T" not in raw else raw)
        except ValueError:
            parsed = None
    if parsed is None:
        if not _HAS_DAY.search(raw):
            return None  # a bare year or month is not a date
        parsed = _parse_free_text(raw, dayfirst=dayfirst or bool(_DOTTED.search(raw)))
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    # The publisher's own offset is kept: it is the same instant as UTC, but converting would
    # move a story published at 00:30 in Moscow to the previous calendar day.
    return parsed


def _parse_free_text(raw: str, *, dayfirst: bool) -> datetime | None:
    """dateutil for "July 27, 2016 10:12 AM EDT" and friends; None when it cannot."""
    raw = _DOTTED_TIME.sub(r"\1:\2", raw)  # "10.12 BST" is a time in British style
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return dateutil_parser.parse(raw, dayfirst=dayfirst, tzinfos=_TZINFOS, fuzzy=True)
        except (ValueError, OverflowError, TypeError):
            return None


def jsonld_candidates(articles: Iterable[JsonObject]) -> Iterator[Candidate]:
    """datePublished/dateCreated and dateModified of the page's Article objects."""
    for obj in articles:
        for key, kind in (
            ("datePublished", "published"),
            ("dateCreated", "published"),
            ("dateModified", "updated"),
        ):
            value = text_value(obj.get(key))
            if value:
                yield Candidate(kind, value, "json-ld")


def meta_candidates(metas: MetaTags) -> Iterator[Candidate]:
    """Dates in ``<meta>`` tags (Open Graph, Dublin Core, Parse.ly, ...), most specific first.

    Templates spell the same key many ways ("article:published_time", "article:published:time",
    "article.published-time"), so keys are compared with their punctuation removed.
    """
    by_letters: dict[str, str] = {}
    for key, value in metas.items():
        by_letters.setdefault(_letters(key), value)
    for kind, keys in (("published", _PUBLISHED_META), ("updated", _UPDATED_META)):
        for key in keys:
            found = metas.get(key) or by_letters.get(_letters(key))
            if found:
                yield Candidate(kind, found, "meta")


def loose_meta_candidates(metas: MetaTags) -> Iterator[Candidate]:
    """Any other ``<meta>`` key that says "published"/"modified" ("DCSext.articleFirstPublished").

    Trusted less than markup on the article itself: such keys are analytics and CMS fields,
    some of which record a different event (first upload of a recycled URL, a template date).
    """
    for key, value in metas.items():
        letters = _letters(key)
        if _LOOSE_PUBLISHED_KEY.search(letters) and "publisher" not in letters:
            yield Candidate("published", value, "meta")
        elif _LOOSE_UPDATED_KEY.search(letters):
            yield Candidate("updated", value, "meta")


def title_candidates(titles: Iterable[str]) -> Iterator[Candidate]:
    """A title segment that is nothing but a date: "Headline | Site | 28.04.2023".

    Some templates append the publication day to ``<title>``/``og:title``; a whole segment
    that is a date (never a date inside the headline's words) is the page's own statement.
    """
    for title in titles:
        for segment in _TITLE_SEPARATOR.split(title):
            if _WHOLE_DATE.fullmatch(segment.strip()):
                yield Candidate("published", segment.strip(), "title")


def _letters(key: str) -> str:
    """A meta key without case and punctuation: "article:published:time" -> letters only."""
    return _NON_LETTERS.sub("", key.lower())


# Every element with an itemprop, the values compared in Python: in XPath the comparison
# turns the attribute into a string on each element, several times slower.
_ITEMPROP_XPATH = lxml.etree.XPath("//*[@itemprop]")
_DATE_ITEMPROPS = ("datePublished", "dateModified")


def microdata_candidates(root: HtmlElement) -> Iterator[Candidate]:
    """``itemprop="datePublished"``/``"dateModified"`` on elements other than ``<meta>``."""
    for element in _ITEMPROP_XPATH(root):
        itemprop = element.get("itemprop")
        if itemprop not in _DATE_ITEMPROPS or element.tag == "meta":
            continue
        kind = "published" if itemprop == "datePublished" else "updated"
        raw = element.get("datetime") or element.get("content") or element.text_content()
        yield Candidate(kind, raw, "microdata")


def time_candidates(root: HtmlElement) -> Iterator[Candidate]:
    """``<time datetime>`` elements outside teasers and comments, classified by nearby words."""
    for element in root.iter("time"):
        raw = element.get("datetime") or element.text_content()
        if not raw.strip() or inside_other_content(element):
            continue
        context = " ".join(
            filter(
                None,
                (
                    element.get("class"),
                    element.get("itemprop"),
                    element.get("pubdate"),
                    _preceding_text(element),
                ),
            )
        )
        if _UPDATED_WORDS.search(context):
            yield Candidate("updated", raw, "time")
        else:
            yield Candidate("published", raw, "time")


def visible_candidates(text: str, *, fetched_at: datetime | None) -> Iterator[Candidate]:
    """Stamps written out in the page text: "Last Updated: 07/27/2016", "Posted 2 hours ago"."""
    for verb in _STAMP_VERB.finditer(text):
        date = _DATE_AFTER_VERB.match(text, verb.end())
        if date is not None:
            kind = "updated" if _UPDATED_WORDS.search(verb.group()) else "published"
            yield Candidate(kind, date.group(1), "visible")
    if fetched_at is None:
        return
    for match in _RELATIVE_STAMP.finditer(text):
        count_text = match.group("count").lower()
        count = int(count_text) if count_text.isdigit() else 1
        when = fetched_at - timedelta(seconds=count * _UNIT_SECONDS[match.group("unit").lower()])
        kind = "updated" if _UPDATED_WORDS.search(match.group("verb")) else "published"
        yield Candidate(kind, when.isoformat(), "relative")


def url_candidates(url: str) -> Iterator[Candidate]:
    """A ``/2016/07/27/`` date in the URL path: the publication day, at best."""
    match = _URL_DATE.search(url)
    if match:
        year, month, day = (int(g) for g in match.groups())
        yield Candidate("published", f"{year:04d}-{month:02d}-{day:02d}", "url")


def _preceding_text(element: HtmlElement) -> str:
    """The text right before an element in its parent, e.g. "Updated:" in front of a <time>."""
    previous = element.getprevious()
    if previous is not None:
        # A comment or processing instruction has no text content of its own, only a tail.
        own = previous.text_content() if isinstance(previous.tag, str) else ""
        return (own or "")[-40:] + (previous.tail or "")
    parent = element.getparent()
    return (parent.text or "")[-40:] if parent is not None else ""
