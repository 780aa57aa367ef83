"""Specification of config/sources.yaml loading: what is accepted, and how mistakes are reported.

Every rejected file must raise ConfigError naming the file, the source and the field, because the
person fixing it reads the message, not the code.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from pipeline.exceptions import ConfigError
from pipeline.sources import (
    Selectors,
    Source,
    check_sources,
    default_sources_path,
    enabled_sources,
    get_source,
    load_sources,
)

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "config" / "sources.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def source_yaml(body: str, name: str = "daily") -> str:
    """A file with one source named ``name`` whose extra fields are ``body`` (YAML, 4 spaces)."""
    return f"sources:\n  - name: {name}\n    feeds: https://daily.example/rss\n" + textwrap.indent(
        textwrap.dedent(body), "    "
    )


def load_error(tmp_path: Path, text: str) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_sources(path, env={})
    return info.value


def assert_names(error: ConfigError, path: Path, source: str, field: str) -> None:
    message = str(error)
    assert str(path) in message
    assert repr(source) in message
    assert field in message
    assert (error.path, error.source) == (str(path), source)
    assert error.field is not None and field in error.field


# --- the shipped file --------------------------------------------------------------------


class TestShippedFile:
    def test_loads_and_passes_the_offline_lint(self) -> None:
        sources = load_sources(SHIPPED, env={})
        assert sources[0].name == "demo"
        assert len(sources) >= 5
        assert check_sources(sources) == []

    def test_only_the_demo_is_enabled_so_a_default_crawl_stays_offline(self) -> None:
        sources = load_sources(SHIPPED, env={})
        assert [s.name for s in enabled_sources(sources)] == ["demo"]
        for source in sources[1:]:
            assert all(u.startswith("https://") for u in source.entry_urls)
            assert source.article_patterns, source.name

    def test_demo_uses_the_default_url_when_the_variable_is_unset(self) -> None:
        demo = get_source(load_sources(SHIPPED, env={}), "demo")
        assert demo.start_urls == ("http://127.0.0.1:8765/", "http://127.0.0.1:8765/opinion/")
        assert demo.feeds == ("http://127.0.0.1:8765/rss.xml",)
        assert demo.sitemaps == ("http://127.0.0.1:8765/sitemap.xml",)
        assert demo.domains == ("127.0.0.1:8765",)
        assert demo.allowed_domains == ("127.0.0.1",)
        assert demo.language == "en"  # from defaults:

    def test_demo_follows_the_environment_override(self) -> None:
        env = {"NEWSARCHIVE_DEMO_URL": "http://localhost:9123"}
        demo = get_source(load_sources(SHIPPED, env=env), "demo")
        assert demo.start_urls[1] == "http://localhost:9123/opinion/"
        assert demo.sitemaps == ("http://localhost:9123/sitemap.xml",)
        assert demo.domains == ("localhost:9123",)

    @pytest.mark.parametrize(
        ("path", "article", "follow"),
        [
            ("/opinion/2024/03/05/a-slug/", True, False),
            ("/world/2023/12/31/other-slug/amp/", True, False),
            ("/news/2024/01/01/x/?utm_source=rss", True, False),
            ("/opinion/", False, True),
            ("/opinion/?page=3", False, True),
            ("/news/", False, True),
            ("/about/", False, False),
            ("/private/opinion/2024/03/05/a-slug/", False, False),
        ],
    )
    def test_demo_patterns_tell_articles_from_section_pages(
        self, path: str, article: bool, follow: bool
    ) -> None:
        demo = get_source(load_sources(SHIPPED, env={}), "demo")
        url = "http://127.0.0.1:8765" + path
        assert demo.is_article(url) is article
        assert demo.should_follow(url) is follow

    def test_demo_declares_its_boilerplate(self) -> None:
        demo = get_source(load_sources(SHIPPED, env={}), "demo")
        assert any(p.search("Get the latest updates as we post them.") for p in demo.junk_patterns)


# --- what a valid file may contain -------------------------------------------------------


class TestAcceptedForms:
    def test_a_full_source_becomes_typed_frozen_objects(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            """
            sources:
              - name: daily-news_2
                description: A daily
                domains: [daily.example, CDN.Example:8443]
                start_urls: [https://daily.example/opinion/]
                feeds: [https://daily.example/rss]
                sitemaps: [https://daily.example/sitemap.xml.gz]
                article_patterns: ['/opinion/\\d{4}/']
                follow_patterns: ['/opinion/(\\?page=\\d+)?$']
                deny_patterns: ['/live/']
                boilerplate: ['^Read more']
                selectors: {body: article, title: h1, authors: .byline a,
                            published: 'time[datetime]', drop: [aside, .share]}
                language: pt-BR
                max_pages: 10
                schedule: 30m
        """,
        )
        [source] = load_sources(path, env={})
        assert source.name == "daily-news_2"
        assert source.domains == ("daily.example", "cdn.example:8443")
        assert source.sitemaps == ("https://daily.example/sitemap.xml.gz",)
        assert all(isinstance(p, re.Pattern) for p in source.article_patterns)
        assert source.selectors == Selectors(
            body="article",
            title="h1",
            authors=".byline a",
            published="time[datetime]",
            drop=("aside", ".share"),
        )
        assert (source.language, source.max_pages, source.schedule) == ("pt-BR", 10, "30m")
        assert source.enabled is True
        with pytest.raises(AttributeError):
            source.name = "other"  # type: ignore[misc]

    def test_a_single_string_is_accepted_wherever_a_list_is(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            """
            sources:
              - name: daily
                feeds: https://daily.example/rss
                start_urls: https://daily.example/
                article_patterns: '/20\\d\\d/'
                selectors: {drop: aside}
        """,
        )
        [source] = load_sources(path, env={})
        assert source.feeds == ("https://daily.example/rss",)
        assert source.start_urls == ("https://daily.example/",)
        assert [p.pattern for p in source.article_patterns] == ["/20\\d\\d/"]
        assert source.selectors.drop == ("aside",)

    def test_domains_default_to_the_hosts_of_the_sources_urls(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            """
            sources:
              - name: daily
                start_urls: [https://www.daily.example/a/, https://www.daily.example/b/]
                feeds: [http://feeds.daily.example:8080/rss]
        """,
        )
        [source] = load_sources(path, env={})
        assert source.domains == ("www.daily.example", "feeds.daily.example:8080")

    def test_defaults_apply_unless_the_source_overrides_them(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            """
            defaults: {language: en, max_pages: 50, deny_patterns: ['/live/']}
            sources:
              - {name: first, feeds: https://a.example/rss}
              - {name: second, feeds: https://b.example/rss, language: fr, deny_patterns: []}
        """,
        )
        first, second = load_sources(path, env={})
        assert (first.language, first.max_pages) == ("en", 50)
        assert [p.pattern for p in first.deny_patterns] == ["/live/"]
        assert (second.language, second.max_pages, second.deny_patterns) == ("fr", 50, ())

    def test_selector_aliases_author_and_date(self, tmp_path: Path) -> None:
        path = write(tmp_path, source_yaml("selectors: {author: '.byline', date: time}\n"))
        [source] = load_sources(path, env={})
        assert (source.selectors.authors, source.selectors.published) == (".byline", "time")

    @pytest.mark.parametrize(
        "schedule",
        ["45s", "30m", "6h", "1d", "@daily", "0 */6 * * *", "15 3 * * 1-5", "0 0 1 JAN *"],
    )
    def test_schedules_are_intervals_or_cron(self, tmp_path: Path, schedule: str) -> None:
        path = write(tmp_path, source_yaml(f"schedule: '{schedule}'\n"))
        assert load_sources(path, env={})[0].schedule == schedule

    def test_environment_expansion_forms(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            """
            sources:
              - name: daily
                start_urls:
                  - "${BASE}/a/"
                  - "${UNSET:-https://fallback.example}/b/"
                  - "${EMPTY:-https://fallback.example}/c/"
                  - "https://daily.example/$${literal}"
        """,
        )
        [source] = load_sources(path, env={"BASE": "https://daily.example", "EMPTY": ""})
        assert source.start_urls == (
            "https://daily.example/a/",
            "https://fallback.example/b/",
            "https://fallback.example/c/",
            "https://daily.example/${literal}",
        )

    def test_enabled_sources_skips_disabled_ones(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            """
            sources:
              - {name: live, feeds: https://a.example/rss}
              - {name: paused, feeds: https://b.example/rss, enabled: false}
        """,
        )
        assert [s.name for s in enabled_sources(load_sources(path, env={}))] == ["live"]

    def test_a_name_yaml_reads_as_a_boolean_gets_a_quoting_hint(self, tmp_path: Path) -> None:
        error = load_error(tmp_path, "sources:\n  - {name: on, feeds: https://a.example/rss}\n")
        assert_names(error, tmp_path / "sources.yaml", "#1", "name")
        assert "quote it" in str(error)


# --- what is rejected, and how it is reported --------------------------------------------


class TestErrorsNameFileSourceAndField:
    def test_unknown_key_suggests_the_closest_valid_one(self, tmp_path: Path) -> None:
        error = load_error(tmp_path, source_yaml("start_url: https://daily.example/\n"))
        assert_names(error, tmp_path / "sources.yaml", "daily", "start_url")
        assert "did you mean 'start_urls'" in str(error)

    def test_unknown_selector_suggests_too(self, tmp_path: Path) -> None:
        error = load_error(tmp_path, source_yaml("selectors: {titel: h1}\n"))
        assert_names(error, tmp_path / "sources.yaml", "daily", "selectors.titel")
        assert "did you mean 'title'" in str(error)

    def test_unknown_top_level_and_defaults_keys(self, tmp_path: Path) -> None:
        error = load_error(tmp_path, "source:\n  - name: x\n")
        assert "did you mean 'sources'" in str(error)
        error = load_error(tmp_path, "defaults: {langauge: en}\nsources: []\n")
        assert "defaults.langauge" in str(error) and "did you mean 'language'" in str(error)

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ("start_urls: {a: 1}\n", "start_urls"),
            ("article_patterns: [42]\n", "article_patterns[0]"),
            ("max_pages: ten\n", "max_pages"),
            ("max_pages: 0\n", "max_pages"),
            ("max_pages: true\n", "max_pages"),
            ("enabled: 'yes please'\n", "enabled"),
            ("language: no\n", "language"),
            ("description: [a, b]\n", "description"),
            ("selectors: [body]\n", "selectors"),
            ("selectors: {body: 3}\n", "selectors.body"),
        ],
    )
    def test_wrong_types(self, tmp_path: Path, body: str, field: str) -> None:
        error = load_error(tmp_path, source_yaml(body))
        assert_names(error, tmp_path / "sources.yaml", "daily", field)

    def test_yaml_booleans_get_a_quoting_hint(self, tmp_path: Path) -> None:
        error = load_error(tmp_path, source_yaml("language: no\n"))
        assert "quote it" in str(error)

    @pytest.mark.parametrize(
        "url",
        [
            "ftp://daily.example/feed",
            "daily.example/rss",
            "https:///no-host",
            "http://daily.example:99999/",
            "'http://daily.example/a b'",
        ],
    )
    def test_invalid_urls(self, tmp_path: Path, url: str) -> None:
        error = load_error(tmp_path, source_yaml(f"sitemaps: [{url}]\n"))
        assert_names(error, tmp_path / "sources.yaml", "daily", "sitemaps[0]")
        assert "invalid URL" in str(error)

    @pytest.mark.parametrize(
        "domain",
        ["https://daily.example", "daily.example/path", "bad_host!", "daily.example:70000"],
    )
    def test_invalid_domains(self, tmp_path: Path, domain: str) -> None:
        error = load_error(tmp_path, source_yaml(f"domains: ['{domain}']\n"))
        assert_names(error, tmp_path / "sources.yaml", "daily", "domains[0]")

    def test_regex_errors_are_reported_with_the_pattern(self, tmp_path: Path) -> None:
        error = load_error(tmp_path, source_yaml("follow_patterns: ['/ok/', '/(broken/']\n"))
        assert_names(error, tmp_path / "sources.yaml", "daily", "follow_patterns[1]")
        assert "'/(broken/'" in str(error)
        assert "missing ), unterminated subpattern" in str(error)

    @pytest.mark.parametrize("field", ["article_patterns", "deny_patterns", "boilerplate"])
    def test_every_pattern_field_is_compiled(self, tmp_path: Path, field: str) -> None:
        error = load_error(tmp_path, source_yaml(f"{field}: ['[a-']\n"))
        assert_names(error, tmp_path / "sources.yaml", "daily", f"{field}[0]")
        assert "regular expression" in str(error)

    @pytest.mark.parametrize(
        ("selectors", "field"),
        [
            ("{body: 'div['}", "selectors.body"),
            ("{title: 'h1 >> span'}", "selectors.title"),
            ("{published: ':not-a-pseudo'}", "selectors.published"),
            ("{drop: [aside, 'p:nth-child(']}", "selectors.drop[1]"),
        ],
    )
    def test_css_selectors_must_parse(self, tmp_path: Path, selectors: str, field: str) -> None:
        error = load_error(tmp_path, source_yaml(f"selectors: {selectors}\n"))
        assert_names(error, tmp_path / "sources.yaml", "daily", field)
        assert "invalid CSS selector" in str(error)

    def test_alias_and_canonical_selector_together(self, tmp_path: Path) -> None:
        error = load_error(tmp_path, source_yaml("selectors: {author: a, authors: b}\n"))
        assert_names(error, tmp_path / "sources.yaml", "daily", "selectors.authors")

    def test_duplicate_source_names(self, tmp_path: Path) -> None:
        error = load_error(
            tmp_path,
            """
            sources:
              - {name: daily, feeds: https://a.example/rss}
              - {name: daily, feeds: https://b.example/rss}
        """,
        )
        assert_names(error, tmp_path / "sources.yaml", "daily", "name")
        assert "duplicate" in str(error) and "#1" in str(error)

    @pytest.mark.parametrize("name", ["Daily", "daily news", "daily.news", "'ünï'"])
    def test_bad_name_characters(self, tmp_path: Path, name: str) -> None:
        error = load_error(
            tmp_path, f"sources:\n  - {{name: {name}, feeds: https://a.example/r}}\n"
        )
        assert error.field == "name"
        assert str(tmp_path / "sources.yaml") in str(error)
        assert "[a-z0-9" not in str(error)  # explained in words, not as a regex
        assert "lower-case letters" in str(error)

    def test_missing_name_identifies_the_source_by_position(self, tmp_path: Path) -> None:
        error = load_error(
            tmp_path,
            """
            sources:
              - {name: ok, feeds: https://a.example/rss}
              - {feeds: https://b.example/rss}
        """,
        )
        assert_names(error, tmp_path / "sources.yaml", "#2", "name")

    def test_a_source_without_any_entry_point(self, tmp_path: Path) -> None:
        error = load_error(
            tmp_path,
            """
            sources:
              - name: daily
                article_patterns: ['/20\\d\\d/']
        """,
        )
        assert_names(error, tmp_path / "sources.yaml", "daily", "start_urls")
        assert "feeds" in str(error) and "sitemaps" in str(error)

    def test_undefined_variable_without_default_is_named(self, tmp_path: Path) -> None:
        error = load_error(
            tmp_path,
            """
            sources:
              - name: daily
                feeds: ["${DAILY_BASE}/rss"]
        """,
        )
        assert_names(error, tmp_path / "sources.yaml", "daily", "feeds[0]")
        assert "'DAILY_BASE'" in str(error)

    def test_malformed_variable_reference(self, tmp_path: Path) -> None:
        error = load_error(tmp_path, source_yaml("start_urls: ['${1BAD}/x']\n"))
        assert_names(error, tmp_path / "sources.yaml", "daily", "start_urls[0]")
        assert "malformed variable reference" in str(error)

    def test_an_invalid_default_is_blamed_on_defaults(self, tmp_path: Path) -> None:
        error = load_error(
            tmp_path,
            """
            defaults: {max_pages: -1}
            sources:
              - {name: daily, feeds: https://a.example/rss}
        """,
        )
        assert_names(error, tmp_path / "sources.yaml", "daily", "defaults.max_pages")

    @pytest.mark.parametrize("schedule", ["soon", "0 */6 * *", "61 * * * *", "0 24 * * *", "0m"])
    def test_invalid_schedules(self, tmp_path: Path, schedule: str) -> None:
        error = load_error(tmp_path, source_yaml(f"schedule: '{schedule}'\n"))
        assert_names(error, tmp_path / "sources.yaml", "daily", "schedule")

    def test_yaml_syntax_error_reports_line_and_column(self, tmp_path: Path) -> None:
        error = load_error(tmp_path, "sources:\n  - name: daily\n    feeds: [https://a.example\n")
        message = str(error)
        assert str(tmp_path / "sources.yaml") in message
        assert re.search(r"line \d+, column \d+", message)

    def test_duplicate_yaml_keys_are_not_silently_dropped(self, tmp_path: Path) -> None:
        error = load_error(
            tmp_path,
            """
            sources:
              - name: daily
                feeds: https://a.example/rss
                feeds: https://a.example/atom
        """,
        )
        assert "duplicate key 'feeds'" in str(error)
        assert "line 5" in str(error)

    @pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
    def test_empty_file(self, tmp_path: Path, text: str) -> None:
        error = load_error(tmp_path, text)
        assert str(tmp_path / "sources.yaml") in str(error)
        assert "empty" in str(error)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("- name: daily\n", "top level must be a mapping"),
            ("defaults: {}\n", "missing the top-level 'sources:'"),
            ("sources: []\n", "define at least one source"),
            ("sources: {name: daily}\n", "expected a list"),
            ("sources: [daily]\n", "must be a mapping"),
            ("defaults: {name: x}\nsources: []\n", "every source needs its own"),
        ],
    )
    def test_file_structure(self, tmp_path: Path, text: str, expected: str) -> None:
        error = load_error(tmp_path, text)
        assert expected in str(error)
        assert str(tmp_path / "sources.yaml") in str(error)

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigError, match="file not found") as info:
            load_sources(tmp_path / "nope.yaml", env={})
        assert str(tmp_path / "nope.yaml") in str(info.value)


# --- lookup helpers ----------------------------------------------------------------------


class TestLookup:
    def test_get_source_lists_known_names_and_suggests(self) -> None:
        sources = load_sources(SHIPPED, env={})
        assert get_source(sources, "demo").name == "demo"
        with pytest.raises(ConfigError) as info:
            get_source(sources, "dmeo")
        message = str(info.value)
        assert "'dmeo'" in message and "did you mean 'demo'" in message
        assert "guardian_opinion" in message

    def test_sources_path_from_environment_variable(self, tmp_path: Path) -> None:
        custom = write(tmp_path, source_yaml(""))
        assert default_sources_path({"NEWSARCHIVE_SOURCES": str(custom)}) == custom
        [source] = load_sources(env={"NEWSARCHIVE_SOURCES": str(custom)})
        assert source.name == "daily"

    def test_sources_path_prefers_the_working_directory(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (tmp_path / "config").mkdir()
        local = write(tmp_path / "config", source_yaml(""))
        monkeypatch.chdir(tmp_path)
        assert default_sources_path({}) == local

    def test_sources_path_falls_back_to_the_repository_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        assert default_sources_path({}) == SHIPPED


# --- Source behaviour and the offline lint -----------------------------------------------


class TestSourceAndLint:
    def test_a_directly_built_source_derives_its_domains(self) -> None:
        source = Source(name="x", feeds=("http://user@Feeds.Example:81/rss",))
        assert source.domains == ("feeds.example:81",)
        assert source.allows("http://feeds.example:81/a")
        assert not source.allows("http://feeds.example/a")

    def test_domains_without_port_admit_subdomains_on_any_port(self) -> None:
        source = Source(
            name="x", feeds=("https://feeds.daily.example/rss",), domains=("daily.example",)
        )
        assert source.allows("https://www.daily.example/a")
        assert source.allows("http://daily.example:8080/a")
        assert not source.allows("https://notdaily.example/a")
        assert source.allowed_domains == ("daily.example",)

    def test_deny_wins_over_article_and_follow(self) -> None:
        source = Source(
            name="x",
            start_urls=("https://d.example/",),
            article_patterns=(re.compile(r"/a/"),),
            follow_patterns=(re.compile(r"/s/"),),
            deny_patterns=(re.compile(r"/live/"),),
        )
        assert source.is_article("https://d.example/a/1")
        assert not source.is_article("https://d.example/live/a/1")
        assert source.should_follow("https://d.example/s/")
        assert not source.should_follow("https://d.example/live/s/")

    def lint(self, **fields: object) -> list[str]:
        return check_sources([Source(name="x", **fields)])  # type: ignore[arg-type]

    def test_lint_no_entry_point(self) -> None:
        assert any("nothing to crawl" in w for w in self.lint())

    def test_lint_start_urls_without_article_patterns(self) -> None:
        warnings = self.lint(start_urls=("https://d.example/",))
        assert any("find no articles" in w for w in warnings)

    def test_lint_path_anchored_pattern_never_matches(self) -> None:
        warnings = self.lint(
            feeds=("https://d.example/rss",), article_patterns=(re.compile(r"^/opinion/"),)
        )
        assert any("never matches" in w and "'^/opinion/'" in w for w in warnings)

    def test_lint_article_pattern_matching_an_entry_url(self) -> None:
        warnings = self.lint(
            start_urls=("https://d.example/opinion/",), article_patterns=(re.compile(r"/opinion/"),)
        )
        assert any("too broad" in w for w in warnings)

    def test_lint_deny_pattern_matching_an_entry_url(self) -> None:
        warnings = self.lint(
            feeds=("https://d.example/private/rss",), deny_patterns=(re.compile(r"/private/"),)
        )
        assert any("never be fetched" in w for w in warnings)

    def test_lint_entry_url_outside_domains(self) -> None:
        warnings = self.lint(feeds=("https://feeds.other.example/rss",), domains=("d.example",))
        assert any("outside domains" in w for w in warnings)

    def test_lint_follow_patterns_matching_no_start_url(self) -> None:
        warnings = self.lint(
            start_urls=("https://d.example/opinion/",),
            article_patterns=(re.compile(r"/\d{4}/"),),
            follow_patterns=(re.compile(r"/sport/"),),
        )
        assert any("match none of the start_urls" in w for w in warnings)

    def test_lint_entry_url_shared_by_two_sources(self) -> None:
        a = Source(name="a", feeds=("https://d.example/rss",))
        b = Source(name="b", feeds=("https://d.example/rss",))
        assert any("also used by source 'a'" in w for w in check_sources([a, b]))

    def test_lint_names_the_source(self) -> None:
        assert all(w.startswith("source 'x': ") for w in self.lint())
