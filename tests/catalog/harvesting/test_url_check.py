"""The harvest's fast URL check gives exactly the verdict of the web-address validator."""

import pytest
from django.core.exceptions import ValidationError

from accounts.validators import safe_url_validator
from catalog.harvesting.mapping import is_safe_url

URLS = [
    "https://data.example.org/a/b.csv?x=1#frag",
    "http://data.example.org",
    "HTTPS://Data.Example.ORG/path",
    "https://user:pass@example.org:8443/x",
    "https://example.org:99999/x",
    "https://[2001:db8::1]/x",
    "https://[2001:db8::zz]/x",
    "https://192.168.0.1/x",
    "https://999.1.1.1/x",
    "https://münchen.example/straße",
    "https://example.org/a b",
    "https://exa mple.org/",
    "https://example.org/\tx",
    "https://example.org\\@evil.com/",
    "javascript:alert(1)",
    "ftp://example.org/file",
    "data:text/html,<b>x</b>",
    "//example.org/x",
    "https:///x",
    "https://-bad-.example/",
    "https://" + "a" * 64 + ".example/",
    "https://example.org/" + "x" * 2100,
    "https://example",
    "https://localhost:8000/x",
    "https://example.org?query",
    "https://example.org#frag",
    "https://example.org/é?q=ä",
    "https://ex_ample.org/",
    "h2tps://example.org/",
    "https://example.org:/x",
    "https://exam\u2003ple.org/",
    "https://example.org/\u2003",
]


def _validator(url: str) -> bool:
    try:
        safe_url_validator(url)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("url", URLS)
def test_same_verdict_as_the_validator(url):
    assert is_safe_url(url) == _validator(url)
    assert is_safe_url(url) == _validator(url)  # again, now from the remembered origin
