"""Link checks against local servers: every outcome classified, redirects re-checked, hosts spared."""

import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from catalog.quality import links
from catalog.quality.choices import LinkStatus
from catalog.quality.models import LinkCheck
from catalog.quality.services import link_results_store

FAST = {"connect_timeout": 1.0, "read_timeout": 0.5, "total_timeout": 3.0}


@pytest.fixture
def threaded_server():
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def check(url):
    return links.check_link(url, **FAST)


def test_ok(httpserver):
    httpserver.expect_request("/data.csv").respond_with_data(
        "a,b\n1,2\n", content_type="text/csv", headers={"Content-Length": "8"}
    )
    result = check(httpserver.url_for("/data.csv"))
    assert result.status == LinkStatus.OK
    assert result.http_status == 200 and result.method == "HEAD"
    assert result.content_type == "text/csv"
    assert result.response_ms is not None and result.response_ms >= 0


def test_not_found_is_broken(httpserver):
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    result = check(httpserver.url_for("/gone"))
    assert result.status == LinkStatus.BROKEN and result.http_status == 404
    assert result.method == "GET"  # a 404 to HEAD is tried again with GET before it counts


def test_server_error_is_not_sure(httpserver):
    httpserver.expect_request("/boom").respond_with_data("boom", status=500)
    result = check(httpserver.url_for("/boom"))
    assert result.status == LinkStatus.NOT_SURE
    assert result.http_status == 500 and "server error" in result.reason


def test_redirect_to_ok(httpserver):
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data("fine")
    result = check(httpserver.url_for("/old"))
    assert result.status == LinkStatus.OK
    assert result.redirects == 1 and result.final_url == httpserver.url_for("/new")


def test_redirect_loop_is_broken(httpserver):
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    result = check(httpserver.url_for("/a"))
    assert result.status == LinkStatus.BROKEN and "redirect" in result.reason


def test_timeout_is_not_sure(threaded_server):
    def slow(request):
        time.sleep(1.5)
        return Response("late")

    threaded_server.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    result = check(threaded_server.url_for("/slow"))
    assert result.status == LinkStatus.NOT_SURE and "timed out" in result.reason
    assert time.monotonic() - started < 3.5


def test_redirect_to_a_private_address_is_refused_and_not_fetched(httpserver, settings):
    # Only 127.0.0.1 is allowed here; 127.0.0.2 stands for an internal service the redirect points at.
    settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    inside = HTTPServer(host="127.0.0.2")
    inside.expect_request("/secret").respond_with_data("secret")
    inside.start()
    try:
        target = f"http://127.0.0.2:{inside.port}/secret"
        httpserver.expect_request("/jump").respond_with_data("", status=302, headers={"Location": target})
        result = check(httpserver.url_for("/jump"))
        assert result.status == LinkStatus.BROKEN
        assert "refused, not fetched" in result.reason and "127.0.0.2" in result.reason
        assert inside.log == []  # never connected to
    finally:
        inside.stop()


def test_metadata_address_is_refused():
    result = check("http://169.254.169.254/latest/meta-data/")
    assert result.status == LinkStatus.BROKEN and "refused" in result.reason


def test_invalid_url_is_broken():
    assert check("ftp://example.org/file.csv").status == LinkStatus.BROKEN


def test_head_not_allowed_falls_back_to_get(httpserver):
    httpserver.expect_request("/api", method="HEAD").respond_with_data("", status=405)
    httpserver.expect_request("/api", method="GET").respond_with_json({"ok": True})
    result = check(httpserver.url_for("/api"))
    assert result.status == LinkStatus.OK and result.method == "GET"


def test_large_file_is_not_downloaded(httpserver):
    # GET fallback reads headers only: a huge body is never transferred.
    big = "x" * (2 * 1024 * 1024)
    httpserver.expect_request("/big.csv", method="HEAD").respond_with_data("", status=405)
    httpserver.expect_request("/big.csv", method="GET").respond_with_data(big)
    result = check(httpserver.url_for("/big.csv"))
    assert result.status == LinkStatus.OK and result.content_length == len(big)


def test_concurrency_is_bounded_per_host(threaded_server):
    state = {"now": 0, "max": 0}
    lock = threading.Lock()

    def handler(request):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return Response("ok")

    threaded_server.expect_request("/x").respond_with_handler(handler)
    urls = [threaded_server.url_for(f"/x?n={n}") for n in range(24)]
    seen = []
    results = links.check_links(urls, workers=12, per_host=3, on_result=seen.append, **FAST)
    assert len(results) == 24 and all(r.status == LinkStatus.OK for r in results.values())
    assert len(seen) == 24
    assert 1 <= state["max"] <= 3


@pytest.mark.django_db
def test_failures_are_counted_and_persisting_trouble_becomes_broken(httpserver, settings):
    settings.QUALITY_LINK_BROKEN_AFTER = 3
    httpserver.expect_request("/flaky").respond_with_data("down", status=503)
    url = httpserver.url_for("/flaky")
    for attempt in (1, 2):
        stored = link_results_store(results=[check(url)])[url]
        assert stored.status == LinkStatus.NOT_SURE and stored.failure_count == attempt
    first_failure = stored.first_failure_at
    stored = link_results_store(results=[check(url)])[url]
    assert stored.status == LinkStatus.BROKEN and stored.failure_count == 3
    assert stored.first_failure_at == first_failure
    assert "failed 3 checks in a row" in stored.reason
    httpserver.clear()
    httpserver.expect_request("/flaky").respond_with_data("back")
    stored = link_results_store(results=[check(url)])[url]
    assert stored.status == LinkStatus.OK and stored.failure_count == 0 and stored.first_failure_at is None
    assert LinkCheck.objects.count() == 1
