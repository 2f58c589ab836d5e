"""A programme coordinator opens the usage dashboard in a real browser: the SVG charts are drawn, a
preset period swaps the figures in through htmx, and nothing is fetched from any other host."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from accounts.choices import OrganizationKind
from accounts.models import Organization, Programme
from marketplace.metrics import rollups
from marketplace.metrics.choices import EventKind
from marketplace.metrics.recorder import record
from tests.factories import PublishedDatasetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-test-passw0rd"


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_coordinator_dashboard_charts_and_presets(page, live_server):
    rotterdam = Organization.objects.create(
        slug="rotterdam", name="City of Rotterdam", kind=OrganizationKind.MUNICIPALITY
    )
    dataset = PublishedDatasetFactory(publisher=rotterdam, title="Rotterdam traffic flow", slug="traffic")
    programme = Programme.objects.create(slug="twin-cities", name="Twin Cities")
    programme.organizations.add(rotterdam)
    coordinator = get_user_model().objects.create_user(
        email="coordinator@programme.example", password=PASSWORD, full_name="Cora Coordinator"
    )
    EmailAddress.objects.create(user=coordinator, email=coordinator.email, verified=True, primary=True)
    programme.coordinators.add(coordinator)

    # 7 views in the last week, 5 more two months ago; 2 access requests, one approved.
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(7)] + [today - datetime.timedelta(days=60)] * 5
    for i, day in enumerate(days):
        record(EventKind.VIEW, at=at(day), object_type="dataset", object_id=dataset.pk,
               publisher_id=rotterdam.pk, visitor=f"v{i}")  # fmt: skip
    for kind in (EventKind.REQUEST_CREATED, EventKind.REQUEST_CREATED, EventKind.REQUEST_APPROVED):
        record(kind, at=at(today), object_type="dataset", object_id=dataset.pk, publisher_id=rotterdam.pk,
               value=86400.0 if kind == EventKind.REQUEST_APPROVED else None)  # fmt: skip
    rollups.rollup(days=set(days))

    host = urlsplit(live_server.url).netloc
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/dashboard/"))

    # The menu leads to the dashboards, the index to the programme.
    page.get_by_role("button", name="Cora").or_(page.get_by_role("link", name="Cora")).first.click()
    page.get_by_role("link", name="Usage metrics").click()
    page.wait_for_url(re.compile(r"/dashboard/metrics/$"))
    page.get_by_role("link", name="Twin Cities").click()
    page.wait_for_url(re.compile(r"/dashboard/metrics/programmes/twin-cities/$"))
    expect(page.get_by_role("heading", name="Usage across Twin Cities")).to_be_visible()

    # Default: the last 90 days, all 12 views.
    views = page.locator('[data-figure="views"] [data-value]')
    expect(views).to_have_text("12")
    chart = page.locator('svg[data-chart="usage"]')
    expect(chart).to_be_visible()
    assert chart.get_attribute("role") == "img" and "Views: 12" in chart.get_attribute("aria-label")
    line = chart.locator('polyline.tp-line[data-series="views"]')
    assert len(line.get_attribute("points").split()) >= 2
    assert chart.locator("circle").count() > 2
    assert chart.locator("polyline.tp-line-previous").count() >= 1  # compared with the previous period
    funnel = page.locator('svg[data-chart="funnel"]')
    expect(funnel).to_be_visible()
    assert funnel.locator("rect").count() == 4
    widths = [
        float(w)
        for w in funnel.locator("rect").evaluate_all("rects => rects.map(r => r.getAttribute('width'))")
    ]
    assert widths[0] > widths[1] > widths[2] > 0 and widths[3] == 0
    expect(page.locator("#metrics-median strong")).to_have_text("1")
    expect(page.locator('svg[data-chart="usage"] text').first).to_be_visible()

    # A preset swaps the body through htmx (the page stays, the URL follows): 7 views in 30 days.
    page.evaluate("document.body.dataset.marker = 'same-page'")
    page.get_by_role("link", name="Last 30 days").click()
    page.wait_for_url(re.compile(r"start=.*end="))
    expect(views).to_have_text("7")
    assert page.evaluate("document.body.dataset.marker") == "same-page"  # no full reload
    expect(page.get_by_role("link", name="Last 30 days")).to_have_attribute("aria-current", "true")
    expect(page.locator('svg[data-chart="usage"] polyline.tp-line[data-series="views"]')).to_have_count(1)

    # On a phone the charts shrink to the screen (no sideways scrolling).
    page.set_viewport_size({"width": 400, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    assert page.locator('svg[data-chart="usage"]').bounding_box()["width"] <= 400

    # An impossible range is refused with the field's message, in place.
    page.get_by_label("From").fill((today + datetime.timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#metrics-start-error")).to_have_text("The start must not be after the end.")

    foreign = [
        url for url in requested if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != host
    ]
    assert foreign == []
    assert any("/dashboard/metrics/programmes/twin-cities/" in url for url in requested)
