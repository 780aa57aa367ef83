"""The analysts' query language, parsed into a small syntax tree that we translate ourselves.

Grammar (implicit AND between clauses; ``OR`` binds tighter than the implicit AND)::

    query   := clause*
    clause  := unary ("OR" unary)*
    unary   := "-" unary | primary
    primary := "(" query ")" | FIELD ":" value | '"' phrase '"' | word ["*"]
    value   := word ["*"] | '"' phrase '"'

The parser owns every character: what it cannot place becomes a :class:`QuerySyntaxError` with
the position and a sentence a person can act on. Because the tree is translated clause by clause
into typed Elasticsearch queries (see ``pipeline.search.query``), nothing typed in the search box
can ever reach Elasticsearch as JSON, as ``query_string`` syntax or as a script.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.exceptions import QuerySyntaxError

MAX_QUERY_LENGTH = 1000
MAX_CLAUSES = 64
MIN_PREFIX_LENGTH = 2

# field name in the query -> what it means; the translation lives in pipeline.search.query.
FIELDS: dict[str, str] = {
    "author": 'an author\'s name, e.g. author:"Igor Ivanov"',
    "source": "a configured source, e.g. source:demo",
    "section": "a section, e.g. section:opinion",
    "language": "a language code, e.g. language:en",
    "title": "words in the headline, e.g. title:inspections",
}

# Characters that mean something to Elasticsearch's query languages, JSON or scripts and nothing
# to a news search: refusing them makes a pasted query or payload fail loudly instead of quietly
# searching for punctuation.
FORBIDDEN = frozenset("{}[]<>=;\\|~^`")

_WORD_END = frozenset('"“”()') | FORBIDDEN

HELP = (
    'Write words, "exact phrases", OR between alternatives, -word to exclude, prefix* to match '
    "word beginnings, and field:value filters (" + ", ".join(f"{f}:" for f in FIELDS) + ")."
)


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class Prefix:
    text: str


@dataclass(frozen=True)
class Field:
    name: str
    value: Word | Phrase | Prefix


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


Node = Word | Phrase | Prefix | Field | Not | And | Or


@dataclass(frozen=True)
class _Token:
    kind: str  # word | phrase | minus | lparen | rparen | or | colon
    text: str
    pos: int


def parse(text: str) -> And:
    """Parse what an analyst typed; an empty query gives ``And(())`` (match everything)."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(
            f"the query is {len(text):,} characters long; the limit is {MAX_QUERY_LENGTH:,}"
        )
    tokens = _tokenize(text)
    parser = _Parser(tokens, len(text))
    tree = parser.query(top=True)
    count = _count(tree)
    if count > MAX_CLAUSES:
        raise QuerySyntaxError(f"the query has {count} clauses; the limit is {MAX_CLAUSES}")
    return tree


def positive_terms(node: Node) -> list[Node]:
    """The words, phrases and prefixes a document must or may contain (not the excluded ones)."""
    if isinstance(node, Word | Phrase | Prefix | Field):
        return [node]
    if isinstance(node, Not):
        return []
    result: list[Node] = []
    for child in node.nodes:
        result.extend(positive_terms(child))
    return result


def describe(node: Node) -> str:
    """The clause as the analyst would write it, for messages about it."""
    if isinstance(node, Word):
        return node.text
    if isinstance(node, Phrase):
        return f'"{node.text}"'
    if isinstance(node, Prefix):
        return f"{node.text}*"
    if isinstance(node, Field):
        return f"{node.name}:{describe(node.value)}"
    if isinstance(node, Not):
        return f"-{describe(node.node)}"
    if isinstance(node, Or):
        return " OR ".join(describe(n) for n in node.nodes)
    return " ".join(describe(n) for n in node.nodes)


def _count(node: Node) -> int:
    if isinstance(node, And | Or):
        return sum(_count(n) for n in node.nodes)
    if isinstance(node, Not):
        return _count(node.node)
    return 1


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in FORBIDDEN:
            raise QuerySyntaxError(
                f"the character {ch!r} is not part of the search syntax (Elasticsearch JSON, "
                "query-string syntax and scripts are not accepted)",
                i,
            )
        elif ch in '"“”':
            end = _closing_quote(text, i)
            if end < 0:
                raise QuerySyntaxError("this quote is never closed", i)
            tokens.append(_Token("phrase", text[i + 1 : end], i))
            i = end + 1
        elif ch == "(":
            tokens.append(_Token("lparen", ch, i))
            i += 1
        elif ch == ")":
            tokens.append(_Token("rparen", ch, i))
            i += 1
        elif ch == "-" and (not tokens or _starts_clause(text, i)):
            tokens.append(_Token("minus", ch, i))
            i += 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in _WORD_END:
                if text[i] == ":" and i > start and text[start:i].lower() in FIELDS:
                    break
                i += 1
            word = text[start:i]
            if i < n and text[i] == ":" and word.lower() in FIELDS:
                tokens.append(_Token("field", word.lower(), start))
                tokens.append(_Token("colon", ":", i))
                i += 1
            elif word == "OR":
                tokens.append(_Token("or", word, start))
            else:
                tokens.append(_Token("word", word, start))
    return tokens


def _closing_quote(text: str, start: int) -> int:
    for j in range(start + 1, len(text)):
        if text[j] in '"“”':
            return j
    return -1


def _starts_clause(text: str, i: int) -> bool:
    """A minus excludes only at the start of a clause: "e-mail" keeps its hyphen."""
    return i == 0 or text[i - 1].isspace() or text[i - 1] == "("


class _Parser:
    def __init__(self, tokens: list[_Token], length: int) -> None:
        self.tokens = tokens
        self.i = 0
        self.length = length

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def query(self, *, top: bool) -> And:
        clauses: list[Node] = []
        while (token := self.peek()) is not None:
            if token.kind == "rparen":
                if top:
                    raise QuerySyntaxError("this closing parenthesis has no opening one", token.pos)
                break
            clauses.append(self.clause())
        return And(tuple(clauses))

    def clause(self) -> Node:
        first = self.unary()
        alternatives = [first]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in {"or", "rparen"}:
                raise QuerySyntaxError("OR needs something on both sides", token.pos)
            alternatives.append(self.unary())
        return alternatives[0] if len(alternatives) == 1 else Or(tuple(alternatives))

    def unary(self) -> Node:
        token = self.take()
        if token.kind == "minus":
            nxt = self.peek()
            if nxt is None or nxt.kind in {"or", "rparen", "minus"}:
                raise QuerySyntaxError(
                    "a minus sign must be followed by what to exclude", token.pos
                )
            return Not(self.unary())
        if token.kind == "lparen":
            inner = self.query(top=False)
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise QuerySyntaxError("this parenthesis is never closed", token.pos)
            self.take()
            if not inner.nodes:
                raise QuerySyntaxError("empty parentheses", token.pos)
            return inner.nodes[0] if len(inner.nodes) == 1 else inner
        if token.kind == "field":
            self.take()  # the colon
            value = self.peek()
            if value is None or value.kind not in {"word", "phrase"}:
                raise QuerySyntaxError(
                    f"{token.text}: needs a value, e.g. {FIELDS[token.text]}", token.pos
                )
            self.take()
            inner_value = self._term(value)
            if isinstance(inner_value, Phrase) and not inner_value.text.strip():
                raise QuerySyntaxError(f"{token.text}: has an empty value", value.pos)
            return Field(token.text, inner_value)
        if token.kind in {"word", "phrase"}:
            return self._term(token)
        if token.kind == "or":
            raise QuerySyntaxError("OR needs something on both sides", token.pos)
        raise QuerySyntaxError(f"unexpected {token.text!r}", token.pos)

    def _term(self, token: _Token) -> Word | Phrase | Prefix:
        if token.kind == "phrase":
            text = " ".join(token.text.split())
            if not text:
                raise QuerySyntaxError("empty quotes", token.pos)
            return Phrase(text)
        word = token.text
        if word.endswith("*"):
            stem = word.rstrip("*")
            if "*" in stem:
                raise QuerySyntaxError("* is only allowed at the end of a word", token.pos)
            if len(stem) < MIN_PREFIX_LENGTH:
                raise QuerySyntaxError(
                    f"{word!r}: write at least {MIN_PREFIX_LENGTH} characters before *", token.pos
                )
            return Prefix(stem)
        if "*" in word:
            raise QuerySyntaxError("* is only allowed at the end of a word", token.pos)
        name, colon, _ = word.partition(":")
        if colon and name.isidentifier() and "://" not in word:
            raise QuerySyntaxError(
                f"unknown field {name!r}; known fields: {', '.join(FIELDS)}", token.pos
            )
        return Word(word)
