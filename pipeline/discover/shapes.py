"""URL shapes: what a site's article URLs have in common, as ``article_patterns`` and
``follow_patterns`` for ``config/sources.yaml``.

Each path segment gets a kind: ``year``/``month``/``day`` (a date in the path, ``2024/03/14`` or
``2024/mar/14``), ``id`` (four digits or more), ``slugid`` / ``idslug`` (a slug glued to an id),
``slug`` (three or more hyphenated words), ``num`` (a small number, a page) or ``word`` (a
literal: a section, ``tag``, ``about``). The sequence of kinds is the URL's shape. A shape is an
article shape when it ends in a slug or an id, or carries a date before its last segment, and
does not begin with a taxonomy or site-furniture word (``tag``, ``author``, ``about``...):
these rules are what separates ``/news/2024/03/14/ferry-inspections/`` and ``/world/48213`` from
``/news/``, ``/news/?page=2``, ``/tag/harbour-dues-debate/`` and ``/author/jane-doe/``.

URLs of one shape become one pattern: literal words become an alternation of the words seen
(``(?:news|world)``, never a wildcard that could let ``/tag/...`` in), numbers keep the widths
seen, the last segment of a dated or numbered shape is any segment, and a slug-only shape keeps
the three-word slug requirement (it is the only thing telling an article from a section). A
shape needs one URL announced by a feed or sitemap, or two linked URLs. Section shapes (one or
two literal words) and their pagination (``?page=N``, ``/page/N/``) become ``follow_patterns``;
taxonomy and furniture pages are reported but never followed. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Proposal", "Shape", "UrlKind", "classify", "propose"]

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Pages that list content by something other than a section: reported, never followed.
TAXONOMY = frozenset(
    [
        "tag",
        "tags",
        "topic",
        "topics",
        "author",
        "authors",
        "by",
        "people",
        "person",
        "profile",
        "profiles",
        "contributor",
        "contributors",
        "writer",
        "writers",
        "category",
        "categories",
        "keyword",
        "keywords",
        "search",
        "series",
    ]
)
# Site furniture: about, legal and account pages.
FURNITURE = frozenset(
    [
        "about",
        "about-us",
        "contact",
        "contact-us",
        "privacy",
        "privacy-policy",
        "terms",
        "terms-of-service",
        "terms-of-use",
        "legal",
        "cookies",
        "cookie-policy",
        "imprint",
        "impressum",
        "subscribe",
        "subscription",
        "login",
        "signin",
        "sign-in",
        "register",
        "account",
        "help",
        "faq",
        "careers",
        "jobs",
        "advertise",
        "advertising",
        "newsletter",
        "newsletters",
        "accessibility",
        "corrections",
        "masthead",
        "staff",
        "team",
        "rss",
        "feed",
        "feeds",
        "sitemap",
        "info",
        "service",
        "services",
    ]
)
PAGE_WORDS = frozenset({"page", "p", "pagina", "seite"})
PATH_PAGING = "/page/N"  # Classified.page_param of /news/page/2/
PAGE_PARAMS = frozenset({"page", "p", "pg", "pagina", "seite", "start", "offset"})
_EXT = re.compile(r"\.(html?|php|aspx?|shtml|cms)$", re.IGNORECASE)
_SLUG = re.compile(r"[^-]+(?:-[^-]+){2,}")
_SLUGID = re.compile(r".*[a-z].*-\d{4,}")
_IDSLUG = re.compile(r"\d{4,}-.*[a-z].*")

SEGMENT_REGEX = {
    "year": r"\d{4}",
    "monthname": r"[a-z]{3}",
    "id": r"\d+",
    "num": r"\d+",
    "slugid": r"[^/?#]+-\d+",
    "idslug": r"\d+-[^/?#]+",
    "slug": r"[^/?#-]+(?:-[^/?#-]+){2,}",
    "any": r"[^/?#]+",
}


class UrlKind:
    """What a URL is to a crawl of its site."""

    ARTICLE = "article"
    HOME = "home"
    SECTION = "section"
    PAGINATION = "pagination"
    TAXONOMY = "taxonomy"
    FURNITURE = "furniture"
    OTHER = "other"


@dataclass(frozen=True)
class Shape:
    """A URL's path as segment kinds; ``words`` holds the literal of each ``word`` segment."""

    kinds: tuple[str, ...]
    words: tuple[str, ...]  # "" where the segment is not a word
    ext: str  # ".html" or ""
    widths: tuple[int, ...]  # length of each segment (for month/day widths)

    @property
    def has_date(self) -> bool:
        return "year" in self.kinds and ("month" in self.kinds or "monthname" in self.kinds)

    @property
    def has_id(self) -> bool:
        return any(k in {"id", "slugid", "idslug"} for k in self.kinds)


@dataclass(frozen=True)
class Classified:
    url: str
    kind: str
    shape: Shape
    page_param: str = ""  # the pagination query parameter, or PATH_PAGING for /page/N/


def segments(url: str) -> list[str]:
    return [s for s in urlsplit(url).path.split("/") if s]


def shape_of(url: str) -> Shape:
    parts = segments(url)
    ext = ""
    if parts:
        match = _EXT.search(parts[-1])
        if match:
            ext = match.group(0).lower()
            parts[-1] = parts[-1][: match.start()]
    kinds: list[str] = []
    for seg in (p.lower() for p in parts):
        previous = kinds[-1] if kinds else ""
        if seg.isdigit() and len(seg) == 4 and 1990 <= int(seg) <= 2099:
            kind = "year"
        elif previous == "year" and seg.isdigit() and 1 <= int(seg) <= 12 and len(seg) <= 2:
            kind = "month"
        elif previous == "year" and seg in MONTHS:
            kind = "monthname"
        elif previous in {"month", "monthname"} and seg.isdigit() and 1 <= int(seg) <= 31:
            kind = "day" if len(seg) <= 2 else "id"
        elif seg.isdigit():
            kind = "id" if len(seg) >= 4 else "num"
        elif _SLUGID.fullmatch(seg):
            kind = "slugid"
        elif _IDSLUG.fullmatch(seg):
            kind = "idslug"
        elif _SLUG.fullmatch(seg):
            kind = "slug"
        else:
            kind = "word"
        kinds.append(kind)
    words = tuple(p.lower() if k == "word" else "" for p, k in zip(parts, kinds, strict=True))
    return Shape(tuple(kinds), words, ext, tuple(len(p) for p in parts))


def classify(url: str) -> Classified:
    """What ``url`` looks like: an article, the home page, a section, a pagination page..."""
    shape = shape_of(url)
    kinds, words = shape.kinds, shape.words
    query = dict(parse_qsl(urlsplit(url).query))
    page_param = next((k for k, v in query.items() if k in PAGE_PARAMS and v.isdigit()), "")
    if not kinds:
        kind = UrlKind.PAGINATION if page_param else UrlKind.HOME
        return Classified(url, kind, shape, page_param)
    first = words[0]
    # A taxonomy word anywhere (/lifeandstyle/series/x, /news/tag/x) unless the path is dated.
    if first in TAXONOMY or (not shape.has_date and any(w in TAXONOMY for w in words)):
        return Classified(url, UrlKind.TAXONOMY, shape)
    if first in FURNITURE:
        return Classified(url, UrlKind.FURNITURE, shape)
    for i in range(len(kinds) - 1):
        if words[i] in PAGE_WORDS and kinds[i + 1] in {"num", "id"} and i + 2 == len(kinds):
            return Classified(url, UrlKind.PAGINATION, shape, PATH_PAGING)
    last = kinds[-1]
    dated_leaf = shape.has_date and last not in {"year", "month", "monthname", "day"}
    numbered_leaf = shape.has_id and last in {"word", "slug"}
    if last in {"slug", "id", "slugid", "idslug"} or dated_leaf or numbered_leaf:
        return Classified(url, UrlKind.ARTICLE, shape)
    page_file = not shape.ext or words[-1] in {"index", "default"}  # /news/index.html is /news/
    if all(k == "word" for k in kinds) and len(kinds) <= 2 and page_file:
        kind = UrlKind.PAGINATION if page_param else UrlKind.SECTION
        return Classified(url, kind, shape, page_param)
    return Classified(url, UrlKind.OTHER, shape)


@dataclass(frozen=True)
class PatternGuess:
    """One proposed pattern, what it was made from, and an example."""

    regex: str
    count: int
    announced: int
    example: str
    why: str


@dataclass
class Proposal:
    """Article and follow patterns proposed for a site, and the URLs left out, by kind."""

    article_patterns: list[PatternGuess] = field(default_factory=list)
    follow_patterns: list[PatternGuess] = field(default_factory=list)
    left_out: dict[str, list[str]] = field(default_factory=dict)
    section_urls: list[str] = field(default_factory=list)  # section fronts, for start_urls

    def compiled(self, which: str = "article") -> list[re.Pattern[str]]:
        guesses = self.article_patterns if which == "article" else self.follow_patterns
        return [re.compile(g.regex) for g in guesses]


def propose(announced: Iterable[str], linked: Iterable[str]) -> Proposal:
    """Patterns for the article URLs among ``announced`` (feed and sitemap entries, which are
    articles unless their shape says otherwise) and ``linked`` (a page's same-site links)."""
    announced_set = dict.fromkeys(announced)
    everything = dict.fromkeys([*announced_set, *linked])
    proposal = Proposal()
    articles: dict[tuple[object, ...], list[Classified]] = defaultdict(list)
    sections: dict[int, list[Classified]] = defaultdict(list)
    home_pages: list[Classified] = []
    for url in everything:
        c = classify(url)
        if c.kind == UrlKind.ARTICLE:
            articles[_group_key(c.shape)].append(c)
        elif c.kind in {UrlKind.SECTION, UrlKind.PAGINATION}:
            if not c.shape.kinds:
                home_pages.append(c)
                continue
            depth = len(c.shape.kinds) - (2 if c.page_param == PATH_PAGING else 0)
            if 1 <= depth <= 2 and all(k == "word" for k in c.shape.kinds[:depth]):
                sections[depth].append(c)
                if c.kind == UrlKind.SECTION:
                    proposal.section_urls.append(url)
            else:
                proposal.left_out.setdefault(UrlKind.OTHER, []).append(url)
        elif c.kind != UrlKind.HOME:
            proposal.left_out.setdefault(c.kind, []).append(url)
    groups: list[list[Classified]] = []
    for _key, members in sorted(articles.items(), key=lambda kv: -len(kv[1])):
        count_announced = sum(1 for m in members if m.url in announced_set)
        if not count_announced and len(members) < 2:
            proposal.left_out.setdefault("lone article-like link", []).extend(
                m.url for m in members
            )
            continue
        proposal.article_patterns.append(_article_pattern(members, count_announced))
        groups.append(members)
    _drop_topic_lookalikes(proposal, groups)
    for depth in sorted(sections):
        proposal.follow_patterns.append(_section_pattern(sections[depth], depth))
    paged_home = [c for c in home_pages if c.page_param]
    if paged_home:
        param = re.escape(paged_home[0].page_param)
        proposal.follow_patterns.append(
            PatternGuess(
                rf"^https?://[^/]+/(?:\?{param}=\d+)?$",
                len(paged_home),
                0,
                paged_home[0].url,
                f"the home page and its pagination ?{paged_home[0].page_param}=N",
            )
        )
    return proposal


def _drop_topic_lookalikes(proposal: Proposal, groups: list[list[Classified]]) -> None:
    """Slug-only shapes seen only as links, on a site whose articles carry dates or ids.

    A site has one article URL scheme as a rule; beside dated or numbered articles, links such
    as ``/lifeandstyle/love-and-sex`` are topic pages (seen on saved Guardian pages), so they
    are left out rather than proposed, and said so.
    """
    strong = any(g[0].shape.has_date or g[0].shape.has_id for g in groups)
    if not strong:
        return
    kept: list[PatternGuess] = []
    for guess, members in zip(proposal.article_patterns, groups, strict=True):
        shape = members[0].shape
        if guess.announced == 0 and not (shape.has_date or shape.has_id):
            proposal.left_out.setdefault("slug-only links beside dated or numbered articles", [])
            proposal.left_out["slug-only links beside dated or numbered articles"].extend(
                m.url for m in members
            )
        else:
            kept.append(guess)
    proposal.article_patterns = kept


def _group_key(shape: Shape) -> tuple[object, ...]:
    """URLs that one pattern should take: same kinds, the leaf generalised in dated or numbered
    shapes (``/2024/03/14/x`` and ``/2024/03/14/three-word-slug`` are one shape)."""
    kinds = list(shape.kinds)
    anchors = [i for i, k in enumerate(kinds) if k in {"year", "month", "monthname", "day", "id"}]
    leaf = anchors[-1] + 1 if anchors else -1
    if 0 < leaf < len(kinds) and kinds[leaf] in {"slug", "word", "slugid", "idslug"}:
        kinds[leaf] = "any"
    literal_tail = tuple(w for w, k in zip(shape.words, kinds, strict=True) if k == "word")
    # A trailing literal (``/amp/``) is its own pattern; section words are merged.
    tail = literal_tail[-1:] if kinds and kinds[-1] == "word" else ()
    return (tuple(kinds), shape.ext, tail)


def _article_pattern(members: list[Classified], announced: int) -> PatternGuess:
    key = _group_key(members[0].shape)
    kinds = key[0]
    assert isinstance(kinds, tuple)
    pieces: list[str] = []
    for i, kind in enumerate(kinds):
        if kind == "word":
            seen = sorted({m.shape.words[i] for m in members})
            pieces.append(_alternation(seen))
        elif kind in {"month", "day"}:
            widths = {m.shape.widths[i] for m in members}
            pieces.append(r"\d{2}" if widths == {2} else r"\d{1,2}")
        else:
            pieces.append(SEGMENT_REGEX[str(kind)])
    ext = re.escape(members[0].shape.ext) if members[0].shape.ext else ""
    regex = r"^https?://[^/]+/" + "/".join(pieces) + ext + (r"/?$" if not ext else "$")
    shape = members[0].shape
    why = (
        "date in the path"
        if shape.has_date
        else "numeric id"
        if shape.has_id
        else "slug under a section"
        if "word" in kinds
        else "slug"
    )
    return PatternGuess(regex, len(members), announced, members[0].url, why)


def _section_pattern(members: list[Classified], depth: int) -> PatternGuess:
    pieces = [_alternation(sorted({m.shape.words[i] for m in members})) for i in range(depth)]
    params = sorted({m.page_param for m in members if m.page_param not in {"", PATH_PAGING}})
    paths = any(m.page_param == PATH_PAGING for m in members)
    tail = r"/?"
    if paths:
        tail += r"(?:page/\d+/?)?"
    if params:
        tail += r"(?:\?" + _alternation(params) + r"=\d+)?"
    regex = r"^https?://[^/]+/" + "/".join(pieces) + tail + "$"
    names = ", ".join(sorted({"/" + "/".join(m.shape.words[:depth]) + "/" for m in members}))
    paging = " and their pagination" if params or paths else ""
    return PatternGuess(regex, len(members), 0, members[0].url, f"section pages {names}{paging}")


def _alternation(words: list[str]) -> str:
    escaped = [re.escape(w) for w in words]
    return escaped[0] if len(escaped) == 1 else "(?:" + "|".join(escaped) + ")"
