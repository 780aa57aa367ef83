"""The analysts' query language: what parses into what, and what is refused with which message."""

import pytest

from pipeline.exceptions import QuerySyntaxError
from pipeline.search.syntax import (
    MAX_QUERY_LENGTH,
    And,
    Field,
    Not,
    Or,
    Phrase,
    Prefix,
    Word,
    describe,
    parse,
    positive_terms,
)


def test_words_are_all_required() -> None:
    assert parse("Iraq inspectors") == And((Word("Iraq"), Word("inspectors")))


def test_empty_query_matches_everything() -> None:
    assert parse("   ") == And(())


def test_quoted_text_is_one_phrase_with_spaces_normalised() -> None:
    assert parse('"security   council" vote') == And((Phrase("security council"), Word("vote")))


def test_typographic_quotes_make_phrases_too() -> None:
    assert parse("“security council”") == And((Phrase("security council"),))


def test_or_binds_alternatives_tighter_than_the_implicit_and() -> None:
    assert parse("Iraq OR Iran inspectors") == And(
        (Or((Word("Iraq"), Word("Iran"))), Word("inspectors"))
    )


def test_lowercase_or_is_an_ordinary_word() -> None:
    assert parse("war or peace") == And((Word("war"), Word("or"), Word("peace")))


def test_minus_at_the_start_of_a_clause_excludes() -> None:
    assert parse('Iraq -war -"cold war"') == And(
        (Word("Iraq"), Not(Word("war")), Not(Phrase("cold war")))
    )


def test_hyphen_inside_a_word_is_kept() -> None:
    assert parse("e-mail follow-up") == And((Word("e-mail"), Word("follow-up")))


def test_trailing_star_is_a_prefix() -> None:
    assert parse("inspect*") == And((Prefix("inspect"),))


def test_field_filters_take_words_phrases_and_prefixes() -> None:
    assert parse('author:"Igor Ivanov" source:demo section:opin*') == And(
        (
            Field("author", Phrase("Igor Ivanov")),
            Field("source", Word("demo")),
            Field("section", Prefix("opin")),
        )
    )


def test_field_names_are_case_insensitive_and_can_be_excluded() -> None:
    assert parse("Iraq -Source:demo") == And((Word("Iraq"), Not(Field("source", Word("demo")))))


def test_parentheses_group() -> None:
    assert parse("(Iraq OR Iran) -(war OR sanctions)") == And(
        (Or((Word("Iraq"), Word("Iran"))), Not(Or((Word("war"), Word("sanctions")))))
    )


def test_times_and_urls_are_words_not_fields() -> None:
    assert parse("10:30 https://example.com/x") == And(
        (Word("10:30"), Word("https://example.com/x"))
    )


@pytest.mark.parametrize(
    ("query", "message", "position"),
    [
        ('"security council', "this quote is never closed", 0),
        ("Iraq (war", "this parenthesis is never closed", 5),
        ("Iraq war)", "this closing parenthesis has no opening one", 8),
        ("Iraq OR", "OR needs something on both sides", 5),
        ("OR Iraq", "OR needs something on both sides", 0),
        ("Iraq -", "a minus sign must be followed by what to exclude", 5),
        ("a*", "write at least 2 characters before *", 0),
        ("in*sp", "* is only allowed at the end of a word", 0),
        ("author:", "author: needs a value", 0),
        ('author:""', "empty quotes", 7),
        ("colour:red", "unknown field 'colour'", 0),
        ("()", "empty parentheses", 0),
    ],
)
def test_malformed_queries_say_what_is_wrong_and_where(
    query: str, message: str, position: int
) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(query)
    assert message in info.value.message
    assert info.value.position == position
    assert f"(at character {position + 1})" in str(info.value)
    assert '"exact phrases"' in str(info.value)  # and how to write a query


@pytest.mark.parametrize(
    "hostile",
    [
        '{"query": {"match_all": {}}}',
        '{"script": {"source": "ctx._source.title = \'x\'"}}',
        "doc['title'].value == 'x'",
        "<script>alert(1)</script>",
        "title:x^100",
        "body:/.*/ OR title:a~2",
        "Iraq; DROP TABLE",
        "\\u0041",
    ],
)
def test_json_scripts_and_query_string_syntax_are_refused(hostile: str) -> None:
    with pytest.raises(QuerySyntaxError, match="is not part of the search syntax"):
        parse(hostile)


def test_overlong_queries_are_refused_with_the_limit() -> None:
    with pytest.raises(QuerySyntaxError, match="10,000 characters long; the limit is 1,000"):
        parse("a" * 10_000)
    assert MAX_QUERY_LENGTH == 1000


def test_too_many_clauses_are_refused() -> None:
    with pytest.raises(QuerySyntaxError, match="65 clauses; the limit is 64"):
        parse(" ".join(f"w{i}" for i in range(65)))


def test_positive_terms_leave_out_exclusions() -> None:
    tree = parse('Iraq OR Iran "security council" -war author:ivanov')
    assert positive_terms(tree) == [
        Word("Iraq"),
        Word("Iran"),
        Phrase("security council"),
        Field("author", Word("ivanov")),
    ]


def test_describe_writes_a_clause_back_as_typed() -> None:
    tree = parse('(Iraq OR Iran) -"cold war" insp* author:ivanov')
    assert describe(tree) == 'Iraq OR Iran -"cold war" insp* author:ivanov'
