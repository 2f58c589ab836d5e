"""A small, forgiving parser for what people type in a search box, rendered for each backend.

Supported (web-search style): words (all must match), "quoted phrases", OR between terms, and -word
to exclude. The last bare word also matches as a prefix ("traff" finds "traffic"). Everything else —
operators of the backends' own query languages (& | ! : * ( ) <-> NEAR …) — is treated as spacing,
so user input never reaches raw query syntax and never causes a syntax error.
"""

import re
from dataclasses import dataclass, field

# Letters and digits of any script; diacritics stay part of the word (Gdańsk, Wrocław).
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
MAX_TERMS = 12


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or several for a phrase
    negated: bool = False
    prefix: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass
class ParsedQuery:
    """Groups are ANDed; the terms inside one group are ORed."""

    groups: list[list[Term]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(not t.negated for group in self.groups for t in group)

    @property
    def words(self) -> list[str]:
        return [w for group in self.groups for t in group if not t.negated for w in t.words]


def parse(text: str) -> ParsedQuery:
    """Parse `text` into AND-ed groups of OR-ed terms; nothing in it is ever a syntax error."""
    groups: list[list[Term]] = []
    pending_or = False
    count = 0
    for match in _TOKEN.finditer(text or ""):
        phrase, bare = match.group(1), match.group(2)
        negated = False
        if bare is not None:
            if bare.upper() == "OR" and groups:
                pending_or = True
                continue
            negated = bare.startswith("-") and len(bare) > 1
        words = tuple(w.lower() for w in _WORD.findall(phrase if phrase is not None else bare))
        if not words:
            continue
        if count >= MAX_TERMS:
            break
        count += 1
        # Several words in one token ("e-bike", "NO2/PM10") are read as a phrase, like a quoted one.
        term = Term(words, negated=negated)
        if pending_or and groups and not negated and not any(t.negated for t in groups[-1]):
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    # The last bare single word typed is matched as a prefix (search-as-you-type).
    if groups:
        last = groups[-1][-1]
        last_token = (text or "").rstrip()
        if not last.is_phrase and not last.negated and not last_token.endswith('"'):
            groups[-1][-1] = Term(last.words, prefix=True)
    return ParsedQuery(groups)


def _fts5_term(term: Term) -> str:
    quoted = '"' + " ".join(term.words) + '"'
    return quoted + "*" if term.prefix else quoted


def to_fts5(query: ParsedQuery) -> str:
    """SQLite FTS5 MATCH expression; every word is quoted, so no FTS5 syntax can slip through."""
    positive, negative = [], []
    for group in query.groups:
        if group[0].negated:
            negative.append(_fts5_term(group[0]))
            continue
        rendered = [_fts5_term(t) for t in group]
        positive.append(rendered[0] if len(rendered) == 1 else "(" + " OR ".join(rendered) + ")")
    if not positive:
        return ""
    expression = " AND ".join(positive)
    for term in negative:
        expression = f"({expression}) NOT {term}"
    return expression


def _tsquery_term(term: Term) -> str:
    # Words contain only letters and digits (see _WORD): safe inside to_tsquery.
    if term.is_phrase:
        rendered = "(" + " <-> ".join(term.words) + ")"
    else:
        rendered = term.words[0] + (":*" if term.prefix else "")
    return "!" + rendered if term.negated else rendered


def to_tsquery(query: ParsedQuery) -> str:
    """PostgreSQL to_tsquery() text (stemmed by the text search configuration at query time)."""
    parts = []
    for group in query.groups:
        rendered = [_tsquery_term(t) for t in group]
        parts.append(rendered[0] if len(rendered) == 1 else "(" + " | ".join(rendered) + ")")
    if not query:
        return ""
    return " & ".join(parts)
