"""The search-box parser: whatever people type becomes a safe query for both backends."""

import pytest

from catalog.search.query import parse, to_fts5, to_tsquery


def test_words_are_anded_and_the_last_is_a_prefix():
    query = parse("traffic flo")

    assert to_fts5(query) == '"traffic" AND "flo"*'
    assert to_tsquery(query) == "traffic & flo:*"


def test_phrases_or_and_exclusion():
    query = parse('"air quality" OR noise -night')

    assert to_tsquery(query) == "((air <-> quality) | noise) & !night"
    assert to_fts5(query) == '(("air quality" OR "noise")) NOT "night"'


def test_words_glued_by_punctuation_are_a_phrase():
    assert to_tsquery(parse("NO2/PM10 map")) == "(no2 <-> pm10) & map:*"


@pytest.mark.parametrize(
    "text",
    ['& | ! : * ( <-> "', "-", "--", '"', "OR", "NEAR(a b)", "a:* & !b", "title:x", "\\", "'", "()", " "],
)
def test_operator_soup_yields_no_syntax(text):
    query = parse(text)
    for rendered in (to_fts5(query), to_tsquery(query)):
        assert not set(rendered) & set("&|!:()<>*\\'") or rendered.count('"') % 2 == 0


def test_only_exclusions_or_nothing_is_an_empty_query():
    assert not parse("-night")
    assert to_fts5(parse("-night")) == ""
    assert not parse("   ")


def test_letters_of_any_script_are_words():
    assert parse("Gdańsk Wrocław").words == ["gdańsk", "wrocław"]


def test_the_number_of_terms_is_capped():
    assert len(parse(" ".join(f"w{i}" for i in range(100))).groups) == 12
