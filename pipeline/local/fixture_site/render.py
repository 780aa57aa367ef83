"""HTML of every page of the fixture site, built from the catalog.

Pages deliberately carry the clutter of real news sites (cookie banner, push prompt, ads,
share bars, newsletter box, related and most-read lists, comments, footer) and come in several
article templates with different metadata, so the extractor and date/author parsing are tested
against variety rather than against one layout. Links inside pages are root-relative; only the
metadata that must be absolute (canonical, og:url, JSON-LD) uses the base URL, which is why
every function takes ``base``.
"""

from __future__ import annotations

import html
import json
import zlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import quote

from pipeline.local.fixture_site import catalog
from pipeline.local.fixture_site.content_opinion import SEED_PUSH_PROMPT
from pipeline.local.fixture_site.labels import ENGLISH, Labels, labels_for
from pipeline.local.fixture_site.model import (
    SECTION_NAMES,
    SITE_NAME,
    FixtureArticle,
    Template,
    inline_html,
)

COPYRIGHT = f"\u00a9 2024 {SITE_NAME}. All rights reserved."
ORGANIZATION_AUTHORS = frozenset({"The Editorial Board"})

_KIND_LABELS = {
    "column": "Column",
    "editorial": "Editorial",
    "letter": "Letter to the editor",
    "analysis": "Analysis",
    "news": "News",
}


def esc(text: str) -> str:
    """Escape for attribute values and text alike."""
    return html.escape(text, quote=True)


def txt(text: str) -> str:
    """Escape for text nodes only; apostrophes stay literal as most CMSs emit them."""
    return html.escape(text, quote=False)


# --------------------------------------------------------------------------- dates


def _tz_name(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    hours = int(offset.total_seconds() // 3600)
    return {-4: "EDT", -5: "EST", 3: "MSK", 0: "UTC"}.get(hours, f"UTC{hours:+d}")


def _clock(moment: datetime) -> str:
    """``8:30 a.m.`` -- newspaper style, which no generic date parser reads by default."""
    hour = moment.hour % 12 or 12
    suffix = "a.m." if moment.hour < 12 else "p.m."
    return f"{hour}:{moment.minute:02d} {suffix}"


def _clock_24(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


# --------------------------------------------------------------------------- boilerplate


def _json_ld(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def _head(
    *,
    title: str,
    canonical: str,
    charset: str = "utf-8",
    description: str | None = None,
    meta: Iterable[tuple[str, str, str]] = (),
    links: Iterable[str] = (),
    json_ld: Iterable[object] = (),
) -> str:
    parts = [
        f'<meta charset="{charset}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{txt(title)}</title>",
    ]
    if description:
        parts.append(f'<meta name="description" content="{esc(description)}">')
    parts += [f'<meta {attr}="{esc(key)}" content="{esc(value)}">' for attr, key, value in meta]
    parts += [
        f'<link rel="canonical" href="{esc(canonical)}">',
        '<link rel="stylesheet" href="/static/site.css">',
        '<link rel="icon" type="image/svg+xml" href="/static/logo.svg">',
        f'<link rel="alternate" type="application/rss+xml" title="{esc(SITE_NAME)}"'
        ' href="/rss.xml">',
        f'<link rel="alternate" type="application/atom+xml" title="{esc(SITE_NAME)} (Atom)"'
        ' href="/atom.xml">',
    ]
    parts += list(links)
    parts += [_json_ld(data) for data in json_ld]
    parts.append('<script src="/static/site.js" defer></script>')
    return "\n".join(parts)


def _cookie_banner() -> str:
    return (
        '<div class="cookie-banner" role="dialog" aria-label="Cookie consent" data-dismissable>\n'
        "<p>We use cookies and similar technologies to remember your preferences, measure"
        " traffic and show you relevant advertising. You can change your choices at any time."
        ' Read our <a href="/privacy/">privacy policy</a>.</p>\n'
        '<button type="button">Accept all</button> <button type="button">Reject'
        " non-essential</button>\n</div>"
    )


def _push_prompt(css_class: str = "push-prompt") -> str:
    return (
        f'<div class="{css_class}" role="dialog" aria-live="polite" data-dismissable>\n'
        f"<p>{txt(SEED_PUSH_PROMPT)}</p>\n"
        '<button type="button">Allow</button> <button type="button">No thanks</button>\n'
        "</div>"
    )


_ACTIVE = ' class="active"'


def _site_header(active: str | None) -> str:
    items = [("/", "Home", None)] + [(f"/{s}/", SECTION_NAMES[s], s) for s in catalog.SECTIONS]
    nav = "\n".join(
        f'<li{_ACTIVE if key == active else ""}><a href="{href}">{txt(label)}</a></li>'
        for href, label, key in items
    )
    return (
        '<header class="site-header">\n'
        '<a class="skip-link" href="#main">Skip to content</a>\n'
        '<div class="masthead"><a class="logo" href="/">'
        f'<img src="/static/logo.svg" alt="{esc(SITE_NAME)}" width="240" height="40"></a>\n'
        '<p class="tagline">Independent news for Harbor City since 1911</p></div>\n'
        f'<nav class="primary-nav" aria-label="Sections">\n<ul>\n{nav}\n'
        '<li><a href="/newsletter/">Newsletters</a></li>\n</ul>\n</nav>\n'
        '<a class="subscribe-button" href="/newsletter/">Subscribe</a>\n'
        "</header>"
    )


def _site_footer() -> str:
    return (
        '<footer class="site-footer">\n'
        '<nav class="footer-nav" aria-label="Footer">\n<ul>\n'
        '<li><a href="/about/">About the Ledger</a></li>\n'
        '<li><a href="/privacy/">Privacy policy</a></li>\n'
        '<li><a href="/newsletter/">Newsletters</a></li>\n'
        '<li><a href="/rss.xml">RSS</a></li>\n'
        '<li><a href="/sitemap.xml">Sitemap</a></li>\n'
        f'<li><a href="{catalog.PRIVATE_INDEX_PATH}">Staff login</a></li>\n'
        "</ul>\n</nav>\n"
        f'<p class="copyright">{txt(COPYRIGHT)}</p>\n'
        "</footer>"
    )


def _ad(slot: str, labels: Labels = ENGLISH) -> str:
    return (
        f'<div class="ad ad--{slot}" aria-hidden="true">'
        f'<span class="ad-label">{txt(labels.advertisement)}</span>'
        f'<div class="ad-unit" data-ad-slot="{slot}"></div></div>'
    )


def _share_bar(canonical: str, title: str, labels: Labels, print_path: str | None) -> str:
    url = quote(canonical, safe="")
    items = [
        f'<li><a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php?u={url}"'
        f' rel="noopener" target="_blank">{txt(labels.share_facebook)}</a></li>',
        f'<li><a class="share-twitter" href="https://twitter.com/intent/tweet?url={url}'
        f'&amp;text={quote(title, safe="")}" rel="noopener" target="_blank">'
        f"{txt(labels.share_twitter)}</a></li>",
        f'<li><a class="share-email" href="mailto:?subject={quote(title, safe="")}'
        f'&amp;body={url}">{txt(labels.share_email)}</a></li>',
    ]
    if print_path:
        items.append(
            f'<li><a class="share-print" href="{esc(print_path)}">{txt(labels.print_)}</a></li>'
        )
    return '<ul class="share-bar">\n' + "\n".join(items) + "\n</ul>"


def _newsletter_box() -> str:
    return (
        '<aside class="newsletter" aria-labelledby="newsletter-title">\n'
        '<h3 id="newsletter-title">The Morning Ledger</h3>\n'
        "<p>The day's most important Harbor City stories, in your inbox before 7 a.m."
        " Sign up for our free newsletter.</p>\n"
        '<form class="newsletter-form" action="/newsletter/" method="post">'
        '<label>Email address <input type="email" name="email" required></label> '
        '<button type="submit">Sign up</button></form>\n'
        "</aside>"
    )


def _most_read(labels: Labels) -> str:
    items = "\n".join(f'<li><a href="{a.path}">{txt(a.title)}</a></li>' for a in catalog.MOST_READ)
    return (
        f'<aside class="most-read">\n<h3>{txt(labels.most_read)}</h3>\n<ol>\n{items}\n</ol>\n'
        "</aside>"
    )


def _related(article: FixtureArticle, labels: Labels) -> str:
    stories = catalog.related(article)
    if not stories:
        return ""
    items = "\n".join(
        f'<li><a href="{a.path}">{txt(a.title)}</a> '
        f'<span class="related-date">{ENGLISH.long_date(a.published)}</span></li>'
        for a in stories
    )
    return (
        f'<section class="related">\n<h2>{txt(labels.related)}</h2>\n<ul>\n{items}\n</ul>\n'
        "</section>"
    )


def _comments(article: FixtureArticle, labels: Labels) -> str:
    comments = catalog.comments_for(article)
    if not comments:
        return ""
    items = "\n".join(
        '<li class="comment">'
        f'<p class="comment-meta"><span class="comment-author">{txt(c.author)}</span> '
        f'<span class="comment-time">{txt(c.posted)}</span></p>'
        f'<p class="comment-text">{txt(c.text)}</p></li>'
        for c in comments
    )
    return (
        f'<section class="comments" id="comments">\n<h2>{txt(labels.comments)}'
        f" ({len(comments)})</h2>\n<ol>\n{items}\n</ol>\n"
        '<p class="comments-policy">Comments are moderated. Be civil.</p>\n</section>'
    )


def _document(*, lang: str, head: str, body_class: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n{head}\n</head>\n'
        f'<body class="{body_class}">\n{body}\n</body>\n</html>\n'
    )


def _chrome(main: str, *, active: str | None, rail: str = "", push: bool = True) -> str:
    """Wrap page content in the site's header, banners, leaderboard ad and footer."""
    top = [_cookie_banner()]
    if push:
        top.append(_push_prompt())
    top += [_site_header(active), _ad("leaderboard")]
    layout = (
        f'<div class="layout">\n<main id="main" class="layout-main">\n{main}\n</main>\n'
        f'<div class="layout-rail">\n{rail}\n</div>\n</div>'
        if rail
        else f'<main id="main">\n{main}\n</main>'
    )
    return "\n".join([*top, layout, _site_footer()])


def _rail(labels: Labels) -> str:
    return "\n".join([_ad("rail", labels), _newsletter_box(), _most_read(labels)])


# --------------------------------------------------------------------------- article metadata


def _author_ld(name: str) -> dict[str, str]:
    kind = "Organization" if name in ORGANIZATION_AUTHORS else "Person"
    return {"@type": kind, "name": name}


def _publisher_ld(base: str) -> dict[str, object]:
    return {
        "@type": "NewsMediaOrganization",
        "name": SITE_NAME,
        "url": f"{base}/",
        "logo": {"@type": "ImageObject", "url": f"{base}/static/logo.svg"},
    }


def _article_ld(a: FixtureArticle, base: str, kind: str = "NewsArticle") -> dict[str, object]:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": kind,
        "headline": a.title,
        "description": a.description,
        "datePublished": a.published.isoformat(),
        "dateModified": a.last_modified.isoformat(),
        "author": [_author_ld(name) for name in a.authors],
        "publisher": _publisher_ld(base),
        "mainEntityOfPage": {"@type": "WebPage", "@id": f"{base}{a.path}"},
        "articleSection": a.section_name,
        "inLanguage": a.language,
        "image": [f"{base}{_image_path(a)}"],
    }
    return data


def _image_path(a: FixtureArticle) -> str:
    return f"/static/img/{a.slug}.gif" if a.figure_caption else "/static/img/ledger-card.gif"


def _og_meta(a: FixtureArticle, base: str) -> list[tuple[str, str, str]]:
    return [
        ("property", "og:site_name", SITE_NAME),
        ("property", "og:type", "article"),
        ("property", "og:title", a.title),
        ("property", "og:description", a.description),
        ("property", "og:url", f"{base}{a.path}"),
        ("property", "og:image", f"{base}{_image_path(a)}"),
        ("property", "og:locale", "ru_RU" if a.language == "ru" else "en_US"),
    ]


def _article_links(a: FixtureArticle, base: str) -> list[str]:
    return [f'<link rel="amphtml" href="{base}{a.path}amp/">'] if a.amp else []


def _page_title(a: FixtureArticle) -> str:
    if a.is_opinion:
        return f"Opinion | {a.title} - {SITE_NAME}"
    return f"{a.title} | {SITE_NAME}"


def _paragraphs_html(a: FixtureArticle, inserts: dict[int, str], *, entities: bool = False) -> str:
    """Body paragraphs with extra blocks (ads, pull quotes) inserted after paragraph ``i``."""
    out: list[str] = []
    for index, paragraph in enumerate(a.body):
        markup = inline_html(paragraph)
        if entities:
            markup = markup.encode("ascii", "xmlcharrefreplace").decode("ascii")
        out.append(f"<p>{markup}</p>")
        if index in inserts:
            out.append(inserts[index])
    return "\n".join(out)


def _attachment_html(a: FixtureArticle) -> str:
    if a.attachment is None:
        return ""
    return (
        f'<p class="article-download"><a href="{a.attachment.path}" download>'
        f"{txt(a.attachment.label)}</a></p>"
    )


def _figure_html(a: FixtureArticle) -> str:
    if not a.figure_caption:
        return ""
    return (
        '<figure class="lead-image">'
        f'<img src="{_image_path(a)}" alt="" width="1200" height="675" loading="lazy">'
        f"<figcaption>{txt(a.figure_caption)}</figcaption></figure>"
    )


def _print_path(a: FixtureArticle) -> str | None:
    return f"{a.path}?print=1" if a.printable else None


def _mid_ad_insert(a: FixtureArticle, labels: Labels) -> dict[int, str]:
    return {1: _ad("inline", labels)} if len(a.body) >= 4 else {}


# --------------------------------------------------------------------------- article templates


def _modern(a: FixtureArticle, base: str) -> str:
    """Schema.org microdata, full Open Graph/article meta and (usually) JSON-LD."""
    labels = labels_for(a.language)
    canonical = f"{base}{a.path}"
    meta = [
        ("name", "author", ", ".join(a.authors)),
        *_og_meta(a, base),
        ("property", "article:published_time", a.published.isoformat()),
        ("property", "article:modified_time", a.last_modified.isoformat()),
        ("property", "article:section", a.section_name),
    ]
    if a.section == "private":
        meta.insert(0, ("name", "robots", "noindex, nofollow"))
    head = _head(
        title=_page_title(a),
        canonical=canonical,
        charset=a.encoding,
        description=a.description,
        meta=meta,
        links=_article_links(a, base),
        json_ld=[_article_ld(a, base)] if a.json_ld else [],
    )
    authors = f" {txt(labels.and_)} ".join(
        '<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
        f'<span itemprop="name">{txt(name)}</span></span>'
        for name in a.authors
    )
    if labels.day_first:
        shown = f"{labels.long_date(a.published)}, {_clock_24(a.published)}"
    else:
        shown = f"{labels.long_date(a.published)}, {_clock(a.published)} {_tz_name(a.published)}"
    dateline = f'<time datetime="{a.published.isoformat()}" itemprop="datePublished">{shown}</time>'
    if a.updated:
        dateline += (
            f' <span class="dateline-updated">{txt(labels.updated)} '
            f'<time datetime="{a.updated.isoformat()}" itemprop="dateModified">'
            f"{_clock(a.updated)} {_tz_name(a.updated)}</time></span>"
        )
    draft_banner = (
        '<p class="draft-banner">DRAFT \u2014 NOT FOR PUBLICATION</p>\n'
        if a.section == "private"
        else ""
    )
    main = (
        f'<article class="article article--{a.kind}" itemscope'
        ' itemtype="https://schema.org/NewsArticle">\n'
        f"{draft_banner}"
        '<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">Home</a> &rsaquo; '
        f'<a href="/{a.section}/">{txt(a.section_name)}</a></nav>\n'
        '<header class="article-header">\n'
        f'<h1 class="article-title" itemprop="headline">{txt(a.title)}</h1>\n'
        f'<p class="article-dek" itemprop="description">{txt(a.description)}</p>\n'
        f'<p class="byline">{txt(labels.by)} {authors}</p>\n'
        f'<p class="dateline">{dateline}</p>\n'
        "</header>\n"
        f"{_share_bar(canonical, a.title, labels, _print_path(a))}\n"
        f"{_figure_html(a)}\n"
        '<div class="article-body" itemprop="articleBody">\n'
        f"{_paragraphs_html(a, _mid_ad_insert(a, labels))}\n"
        "</div>\n"
        f"{_attachment_html(a)}\n"
        "</article>\n"
        f"{_related(a, labels)}\n{_comments(a, labels)}"
    )
    body = _chrome(main, active=a.section, rail=_rail(labels))
    return _document(lang=a.language, head=head, body_class="page-article", body=body)


def _story_body(a: FixtureArticle, base: str) -> str:
    """A div.story-body layout with JSON-LD in an @graph and inline "Read more" teasers."""
    labels = labels_for(a.language)
    canonical = f"{base}{a.path}"
    article_ld = _article_ld(a, base)
    del article_ld["@context"]
    article_ld["@id"] = f"{canonical}#article"
    article_ld["isPartOf"] = {"@id": canonical}
    if len(a.authors) == 1:
        article_ld["author"] = _author_ld(a.authors[0])
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": f"{base}/#website", "name": SITE_NAME, "url": f"{base}/"},
            {"@type": "WebPage", "@id": canonical, "url": canonical, "name": a.title},
            {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{base}/"},
                    {
                        "@type": "ListItem",
                        "position": 2,
                        "name": a.section_name,
                        "item": f"{base}/{a.section}/",
                    },
                ],
            },
            article_ld,
        ],
    }
    head = _head(
        title=_page_title(a),
        canonical=canonical,
        description=a.description,
        meta=[
            ("name", "author", ", ".join(a.authors)),
            *_og_meta(a, base),
            ("property", "article:published_time", a.published.isoformat()),
            ("property", "article:section", a.section_name),
        ],
        links=_article_links(a, base),
        json_ld=[graph] if a.json_ld else [],
    )
    stamp = (
        f'<p class="timestamp">Published {a.published.day} {labels.months[a.published.month - 1]}'
        f" {a.published.year} &middot; {_clock(a.published)}</p>"
    )
    if a.updated:
        stamp += (
            f'\n<p class="timestamp timestamp--updated">Last Updated: {a.updated:%m/%d/%Y %I:%M %p}'
            "</p>"
        )
    inserts = _mid_ad_insert(a, labels)
    read_more = catalog.related(a, limit=1)
    if read_more:
        inserts[0] = (
            '<p class="read-more"><strong>Read more:</strong> '
            f'<a href="{read_more[0].path}">{txt(read_more[0].title)}</a></p>'
        )
    main = (
        '<div class="story" id="story">\n'
        '<div class="story-header">\n'
        f'<a class="section-tag" href="/{a.section}/">{txt(a.section_name)}</a>\n'
        f'<h1 class="story-headline">{txt(a.title)}</h1>\n'
        f'<h2 class="story-standfirst">{txt(a.description)}</h2>\n'
        "</div>\n"
        '<div class="story-meta">\n'
        f'<p class="byline">{txt(labels.by)} '
        + f" {txt(labels.and_)} ".join(
            f'<span class="author-name">{txt(name)}</span>' for name in a.authors
        )
        + f"</p>\n{stamp}\n</div>\n"
        f"{_share_bar(canonical, a.title, labels, _print_path(a))}\n"
        '<div class="story-body">\n'
        f"{_paragraphs_html(a, inserts)}\n"
        "</div>\n"
        f"{_attachment_html(a)}\n"
        '<div class="story-footer"><p class="story-topics">Topics: '
        f'<a href="/{a.section}/">{txt(a.section_name)}</a>, <a href="/">Harbor City</a>'
        "</p></div>\n"
        "</div>\n"
        f"{_comments(a, labels)}\n{_related(a, labels)}"
    )
    body = _chrome(main, active=a.section, rail=_rail(labels))
    return _document(lang=a.language, head=head, body_class="page-story", body=body)


def _column(a: FixtureArticle, base: str) -> str:
    """Opinion layout: label, standfirst, author photo, pull quote and author bio."""
    labels = labels_for(a.language)
    canonical = f"{base}{a.path}"
    meta = [
        ("name", "author", ", ".join(a.authors)),
        *_og_meta(a, base),
        ("property", "article:published_time", a.published.isoformat()),
        ("property", "article:section", a.section_name),
    ]
    if a.updated:
        meta.append(("property", "article:modified_time", a.updated.isoformat()))
    head = _head(
        title=_page_title(a),
        canonical=canonical,
        description=a.description,
        meta=meta,
        links=_article_links(a, base),
        json_ld=[_article_ld(a, base, "OpinionNewsArticle")] if a.json_ld else [],
    )
    names = labels.byline(a.authors)
    byline = (
        f'<p class="byline"><span class="byline-name">{txt(names)}</span></p>'
        if a.kind == "editorial"
        else f'<p class="byline">{txt(labels.by)} <span class="byline-name">{txt(names)}</span></p>'
    )
    dates = f'<time datetime="{a.published.isoformat()}">{labels.long_date(a.published)}</time>'
    if a.updated:
        dates += (
            f' &middot; {txt(labels.updated)} <time datetime="{a.updated.isoformat()}">'
            f"{labels.long_date(a.updated)}</time>"
        )
    inserts: dict[int, str] = {}
    if a.pull_quote:
        inserts[1] = (
            '<aside class="pull-quote"><blockquote><p>'
            f"\u201c{txt(a.pull_quote)}\u201d</p></blockquote></aside>"
        )
    if len(a.body) >= 5:
        inserts[3] = _ad("inline", labels)
    bio = f'<div class="author-bio"><p>{txt(a.author_bio)}</p></div>\n' if a.author_bio else ""
    main = (
        '<article class="opinion-column" id="column">\n'
        '<header class="column-header">\n'
        f'<p class="column-label"><a href="/opinion/">Opinion</a> | {_KIND_LABELS[a.kind]}</p>\n'
        f'<h1 class="headline">{txt(a.title)}</h1>\n'
        f'<p class="standfirst">{txt(a.description)}</p>\n'
        '<div class="author-block"><img class="author-photo" src="/static/img/avatar.gif"'
        ' alt="" width="48" height="48">\n'
        f'{byline}\n<p class="pubdate">{dates}</p></div>\n'
        "</header>\n"
        f"{_share_bar(canonical, a.title, labels, _print_path(a))}\n"
        '<section class="article-content">\n'
        f"{_paragraphs_html(a, inserts)}\n"
        "</section>\n"
        f"{bio}{_attachment_html(a)}\n"
        "</article>\n"
        f"{_related(a, labels)}\n{_comments(a, labels)}"
    )
    body = _chrome(main, active=a.section, rail=_rail(labels))
    return _document(lang=a.language, head=head, body_class="page-opinion", body=body)


def _archive(a: FixtureArticle, base: str) -> str:
    """The old CMS the seed op-ed lives in: no JSON-LD, no <time>, one visible stamp.

    The push prompt and the ". Last Updated: MM/DD/YYYY" stamp sit right above the headline,
    exactly where the seed text shows them, and non-ASCII characters are numeric entities as
    that generation of CMS emitted them.
    """
    labels = ENGLISH
    canonical = f"{base}{a.path}"
    head = _head(
        title=f"{a.title} - {SITE_NAME}",
        canonical=canonical,
        description=a.description,
        meta=[
            ("name", "author", ", ".join(a.authors)),
            ("property", "og:title", a.title),
            ("property", "og:type", "article"),
            ("property", "og:url", canonical),
            ("property", "article:section", a.section_name),
        ],
    )
    stamp_date = a.last_modified.strftime("%m/%d/%Y")
    prompt = _push_prompt("push-notification-prompt").encode("ascii", "xmlcharrefreplace")
    main = (
        '<div id="content-wrapper" class="archive-article">\n'
        '<div id="article-top">\n'
        f"{prompt.decode('ascii')}\n"
        f'<p class="updated-stamp"><span class="posted-date"></span>. Last Updated: {stamp_date}'
        "</p>\n"
        f'<h1 class="headline">{txt(a.title)}</h1>\n'
        f'<p class="byline">By {txt(labels.byline(a.authors))}</p>\n'
        "</div>\n"
        f"{_share_bar(canonical, a.title, labels, _print_path(a))}\n"
        '<div class="article-text">\n'
        f"{_paragraphs_html(a, _mid_ad_insert(a, labels), entities=True)}\n"
        "</div>\n"
        "</div>\n"
        f"{_related(a, labels)}\n{_comments(a, labels)}"
    )
    body = _chrome(main, active=a.section, rail=_rail(labels), push=False)
    return _document(lang="en", head=head, body_class="page-archive", body=body)


def _wordpress(a: FixtureArticle, base: str) -> str:
    """A WordPress theme: dates only in <time>, share and related widgets inside the content."""
    labels = labels_for(a.language)
    canonical = f"{base}{a.path}"
    post_id = 1000 + zlib.crc32(a.slug.encode()) % 9000
    head = _head(
        title=f"{a.title} \u2013 {SITE_NAME}",
        canonical=canonical,
        meta=[
            ("name", "generator", "WordPress 6.4.3"),
            ("property", "og:type", "article"),
            ("property", "og:title", a.title),
            ("property", "og:url", canonical),
            ("property", "og:site_name", SITE_NAME),
        ],
    )
    times = (
        f'<time class="entry-date published" datetime="{a.published.isoformat()}">'
        f"{labels.long_date(a.published)}</time>"
    )
    if a.updated:
        times += (
            f'<time class="updated" datetime="{a.updated.isoformat()}">'
            f"{labels.long_date(a.updated)}</time>"
        )
    share = (
        '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block'
        ' sd-social"><h3 class="sd-title">Share this:</h3><div class="sd-content">\n'
        f"{_share_bar(canonical, a.title, labels, _print_path(a))}\n</div></div></div>"
    )
    related = "\n".join(
        f'<li><a class="jp-relatedposts-post-a" href="{r.path}">{txt(r.title)}</a></li>'
        for r in catalog.related(a)
    )
    comments = catalog.comments_for(a)
    comment_items = "\n".join(
        '<li class="comment"><article class="comment-body"><footer class="comment-meta">'
        f'<b class="fn">{txt(c.author)}</b> <span class="says">says:</span> '
        f'<span class="comment-metadata">{txt(c.posted)}</span></footer>'
        f'<div class="comment-content"><p>{txt(c.text)}</p></div></article></li>'
        for c in comments
    )
    main = (
        f'<article id="post-{post_id}" class="post-{post_id} post type-post status-publish'
        f' format-standard hentry category-{a.section}">\n'
        '<header class="entry-header">\n'
        f'<span class="cat-links"><a href="/{a.section}/" rel="category tag">'
        f"{txt(a.section_name)}</a></span>\n"
        f'<h1 class="entry-title">{txt(a.title)}</h1>\n'
        f'<div class="entry-meta"><span class="posted-on">Posted on <a href="{a.path}"'
        f' rel="bookmark">{times}</a></span><span class="byline"> by <span class="author vcard">'
        f'<span class="fn">{txt(labels.byline(a.authors))}</span></span></span></div>\n'
        "</header>\n"
        '<div class="entry-content">\n'
        f"{_paragraphs_html(a, _mid_ad_insert(a, labels))}\n"
        f"{_attachment_html(a)}\n"
        f"{share}\n"
        '<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">'
        f"<em>Related</em></h3>\n<ul>\n{related}\n</ul></div>\n"
        "</div>\n"
        f'<footer class="entry-footer"><span class="cat-links">Posted in <a href="/{a.section}/"'
        f' rel="category tag">{txt(a.section_name)}</a></span></footer>\n'
        "</article>\n"
        '<div id="comments" class="comments-area">\n'
        f'<h2 class="comments-title">{len(comments)} thoughts on \u201c{txt(a.title)}\u201d</h2>\n'
        f'<ol class="comment-list">\n{comment_items}\n</ol>\n</div>'
    )
    body = _chrome(main, active=a.section, rail=_rail(labels))
    return _document(lang=a.language, head=head, body_class="wp-singular single", body=body)


_TEMPLATES = {
    Template.MODERN: _modern,
    Template.STORY_BODY: _story_body,
    Template.COLUMN: _column,
    Template.ARCHIVE: _archive,
    Template.WORDPRESS: _wordpress,
}


def article_page(a: FixtureArticle, base: str) -> str:
    """The full HTML of an article's canonical page."""
    return _TEMPLATES[a.template](a, base)


def redesigned_page(a: FixtureArticle, base: str) -> str:
    """The article after a site redesign that lost the metadata: no byline, no dates anywhere.

    No author or date meta tags, no JSON-LD, no ``<time>``, no visible dateline: what a CMS
    migration that forgot the templates' metadata partials looks like. The text is unchanged,
    so extraction still finds the article; only dates and authors vanish (the date in the URL
    is all that is left).
    """
    labels = labels_for(a.language)
    head = _head(
        title=_page_title(a),
        canonical=f"{base}{a.path}",
        charset=a.encoding,
        description=a.description,
        links=_article_links(a, base),
    )
    main = (
        f'<article class="story story--{a.kind}">\n'
        f'<h1 class="story-title">{txt(a.title)}</h1>\n'
        f'<p class="story-dek">{txt(a.description)}</p>\n'
        f'<div class="story-text">\n{_paragraphs_html(a, {})}\n</div>\n'
        "</article>"
    )
    body = _chrome(main, active=a.section, rail=_rail(labels))
    return _document(lang=a.language, head=head, body_class="page-story", body=body)


def amp_page(a: FixtureArticle, base: str) -> str:
    """The AMP duplicate: minimal markup, same text, canonical pointing at the main page."""
    labels = labels_for(a.language)
    paragraphs = "\n".join(f"<p>{inline_html(p)}</p>" for p in a.body)
    return (
        f'<!doctype html>\n<html amp lang="{a.language}">\n<head>\n<meta charset="utf-8">\n'
        '<script async src="https://cdn.ampproject.org/v0.js"></script>\n'
        f"<title>{txt(a.title)}</title>\n"
        f'<link rel="canonical" href="{base}{a.path}">\n'
        '<meta name="viewport" content="width=device-width">\n'
        f"{_json_ld(_article_ld(a, base))}\n"
        "<style amp-boilerplate>body{visibility:hidden}</style>\n"
        "<style amp-custom>body{font-family:Georgia,serif;margin:0 1rem}</style>\n"
        "</head>\n<body>\n"
        f'<header class="amp-header"><a href="/">{txt(SITE_NAME)}</a></header>\n'
        f'<article class="amp-article">\n<h1>{txt(a.title)}</h1>\n'
        f'<p class="amp-byline">{txt(labels.by)} {txt(labels.byline(a.authors))}</p>\n'
        f'<time datetime="{a.published.isoformat()}">{labels.long_date(a.published)}</time>\n'
        f'<div class="amp-article-body">\n{paragraphs}\n</div>\n</article>\n'
        f'<div class="amp-ad"><span>{txt(labels.advertisement)}</span></div>\n'
        f'<footer><p><a href="{a.path}">View the full article</a></p>'
        f"<p>{txt(COPYRIGHT)}</p></footer>\n"
        "</body>\n</html>\n"
    )


def print_page(a: FixtureArticle, base: str) -> str:
    """The printer-friendly duplicate: no chrome, noindex, canonical to the main page."""
    labels = labels_for(a.language)
    paragraphs = "\n".join(f"<p>{inline_html(p)}</p>" for p in a.body)
    head = (
        f'<meta charset="{a.encoding}">\n<title>{txt(a.title)} (print) | {txt(SITE_NAME)}</title>\n'
        f'<link rel="canonical" href="{base}{a.path}">\n'
        '<meta name="robots" content="noindex, follow">\n'
        "<style>body{font:12pt Georgia,serif;max-width:40em;margin:2em auto}</style>"
    )
    body = (
        f'<p class="print-masthead">{txt(SITE_NAME)}</p>\n'
        f"<h1>{txt(a.title)}</h1>\n"
        f'<p class="print-byline">{txt(labels.by)} {txt(labels.byline(a.authors))} &middot; '
        f"{labels.long_date(a.published)}</p>\n"
        f'<div class="print-body">\n{paragraphs}\n</div>\n'
        f'<p class="print-footer">Printed from {txt(base + a.path)}. {txt(COPYRIGHT)}</p>'
    )
    return _document(lang=a.language, head=head, body_class="print", body=body)


# --------------------------------------------------------------------------- hub pages


def _teaser_html(t: catalog.Teaser, heading: str = "h2") -> str:
    return (
        '<li class="story-card"><article>'
        f'<{heading} class="story-card__title"><a href="{t.path}">{txt(t.title)}</a></{heading}>'
        f'<p class="story-card__dek">{txt(t.description)}</p>'
        f'<p class="story-card__meta"><span class="byline">By {txt(ENGLISH.byline(t.authors))}'
        f'</span> &middot; <time datetime="{t.published.isoformat()}">'
        f"{ENGLISH.long_date(t.published)}</time></p></article></li>"
    )


_SECTION_INTROS = {
    "news": "City hall, the port, schools and neighborhoods: the latest from Harbor City.",
    "opinion": "Columns, editorials and letters from our readers.",
    "world": "Harbor City's sister ports, shipping lanes and the wider world.",
}


def section_page(section: str, page: int, base: str) -> str:
    """One page of a section listing, with Previous/Next links and rel=prev/next."""
    pages = catalog.section_pages(section)
    entries = pages[page - 1]
    canonical = f"{base}{catalog.section_page_path(section, page)}"
    links: list[str] = []
    nav: list[str] = []
    if page > 1:
        prev = catalog.section_page_path(section, page - 1)
        links.append(f'<link rel="prev" href="{base}{prev}">')
        nav.append(f'<a class="pagination-prev" rel="prev" href="{prev}">Previous</a>')
    nav.append(f'<span class="pagination-current">Page {page} of {len(pages)}</span>')
    if page < len(pages):
        following = catalog.section_page_path(section, page + 1)
        links.append(f'<link rel="next" href="{base}{following}">')
        nav.append(f'<a class="pagination-next" rel="next" href="{following}">Next</a>')
    name = SECTION_NAMES[section]
    title = f"{name} | {SITE_NAME}" if page == 1 else f"{name} - Page {page} | {SITE_NAME}"
    head = _head(
        title=title,
        canonical=canonical,
        description=_SECTION_INTROS[section],
        meta=[("property", "og:type", "website"), ("property", "og:title", name)],
        links=links,
    )
    cards = "\n".join(_teaser_html(t) for t in entries)
    main = (
        '<div class="section-page">\n'
        f'<h1 class="section-title">{txt(name)}</h1>\n'
        f'<p class="section-intro">{txt(_SECTION_INTROS[section])}</p>\n'
        f'<ol class="story-list">\n{cards}\n</ol>\n'
        f'<nav class="pagination" aria-label="Pages">{" ".join(nav)}</nav>\n'
        "</div>"
    )
    body = _chrome(main, active=section, rail=_rail(ENGLISH))
    return _document(lang="en", head=head, body_class="page-section", body=body)


def home_page(base: str) -> str:
    """The front page: lead story, top stories, trending links and section blocks."""
    promoted = catalog.promoted()
    lead = next(a for a in promoted if a.section == "news")
    others = [a for a in promoted if a is not lead]
    head = _head(
        title=f"{SITE_NAME} | Harbor City news, opinion and the waterfront",
        canonical=f"{base}/",
        description="Independent news for Harbor City since 1911.",
        meta=[
            ("property", "og:type", "website"),
            ("property", "og:title", SITE_NAME),
            ("property", "og:url", f"{base}/"),
        ],
        json_ld=[
            {
                "@context": "https://schema.org",
                "@type": "WebSite",
                "name": SITE_NAME,
                "url": f"{base}/",
                "publisher": _publisher_ld(base),
            }
        ],
    )
    trending = "\n".join(
        f'<li><a href="{esc(href)}">{txt(a.title)}</a></li>' for href, a in catalog.TRENDING
    )
    top = "\n".join(_teaser_html(catalog.teaser(a), "h3") for a in others[:6])
    blocks = []
    for section in catalog.SECTIONS:
        stories = "\n".join(
            f'<li><a href="{a.path}">{txt(a.title)}</a></li>' for a in catalog.promoted(section)[:3]
        )
        blocks.append(
            f'<section class="section-block section-block--{section}">\n'
            f'<h2><a href="/{section}/">{txt(SECTION_NAMES[section])}</a></h2>\n'
            f"<ul>\n{stories}\n</ul>\n"
            f'<p class="more"><a href="/{section}/">More {txt(SECTION_NAMES[section])}'
            " &rarr;</a></p>\n</section>"
        )
    main = (
        '<section class="lead-story">\n'
        f'<h2 class="lead-title"><a href="{lead.path}">{txt(lead.title)}</a></h2>\n'
        f'<p class="lead-dek">{txt(lead.description)}</p>\n'
        f'<p class="byline">By {txt(ENGLISH.byline(lead.authors))}</p>\n'
        "</section>\n"
        f'<section class="top-stories">\n<h2>Top stories</h2>\n<ul>\n{top}\n</ul>\n</section>\n'
        f'<section class="trending">\n<h2>Trending</h2>\n<ol>\n{trending}\n</ol>\n</section>\n'
        + "\n".join(blocks)
    )
    body = _chrome(main, active=None, rail=_rail(ENGLISH))
    return _document(lang="en", head=head, body_class="page-home", body=body)


def _simple_page(path: str, base: str, title: str, content: str, robots: str = "") -> str:
    meta = [("name", "robots", robots)] if robots else []
    head = _head(title=f"{title} | {SITE_NAME}", canonical=f"{base}{path}", meta=meta)
    main = f'<div class="static-page">\n<h1>{txt(title)}</h1>\n{content}\n</div>'
    return _document(
        lang="en", head=head, body_class="page-static", body=_chrome(main, active=None)
    )


def about_page(base: str) -> str:
    entries = []
    for old_path, new_path in catalog.REDIRECTS.items():
        target = catalog.by_path(new_path)
        title = target.title if target else new_path
        entries.append(f'<li><a href="{old_path}">{txt(title)}</a> (from our archive)</li>')
    archive = "\n".join(entries)
    content = (
        f"<p>{txt(SITE_NAME)} has reported on Harbor City's waterfront, schools and city hall"
        " since 1911. It is owned by a nonprofit trust and funded by readers, advertisers and"
        " a small endowment.</p>\n"
        "<p>To report an error, write to "
        '<a href="mailto:corrections@harborledger.example">corrections@harborledger.example</a>.'
        "</p>\n"
        f"<h2>From our archive</h2>\n<ul>\n{archive}\n</ul>"
    )
    return _simple_page("/about/", base, "About the Ledger", content)


def privacy_page(base: str) -> str:
    content = (
        "<p>We collect the minimum of data needed to run this site: a cookie that remembers"
        " your consent choices, anonymous traffic statistics and, if you sign up, your email"
        " address for our newsletters.</p>\n"
        "<p>We never sell personal data. You can ask us to delete it at any time.</p>"
    )
    return _simple_page("/privacy/", base, "Privacy policy", content)


def newsletter_page(base: str, *, subscribed: bool = False) -> str:
    note = "<p><strong>Thanks! Check your inbox to confirm.</strong></p>\n" if subscribed else ""
    content = (
        f"{note}<p>Choose the newsletters you want. They are free.</p>\n"
        "<ul>\n<li>The Morning Ledger: the day's top stories, weekdays at 6:30 a.m.</li>\n"
        "<li>Waterfront Weekly: the port, shipping and the harbor, every Friday.</li>\n</ul>\n"
        f"{_newsletter_box()}"
    )
    return _simple_page("/newsletter/", base, "Newsletters", content)


def private_index_page(base: str) -> str:
    draft = catalog.PRIVATE_DRAFT
    content = (
        "<p>Staff only. Unpublished drafts awaiting edit.</p>\n"
        f'<ul>\n<li><a href="{draft.path}">{txt(draft.title)}</a></li>\n</ul>'
    )
    return _simple_page(
        catalog.PRIVATE_INDEX_PATH, base, "Newsroom drafts", content, "noindex, nofollow"
    )


def not_found_page(base: str, path: str) -> str:
    content = (
        "<p>Sorry, we could not find that page. It may have been moved or removed.</p>\n"
        '<p><a href="/">Go to the home page</a> or browse <a href="/news/">the latest news</a>.'
        "</p>"
    )
    return _simple_page(path, base, "Page not found", content, "noindex")


def redirect_page(location: str) -> str:
    return (
        "<!DOCTYPE html>\n<html><head><title>Moved Permanently</title></head><body>\n"
        f'<p>This page has moved to <a href="{esc(location)}">{txt(location)}</a>.</p>\n'
        "</body></html>\n"
    )
