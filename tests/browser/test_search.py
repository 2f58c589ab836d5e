"""Searching in a real browser: facets and the search box work together through htmx swaps."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.choices import OrganizationKind, Role
from accounts.models import Membership, Organization
from catalog import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def publish(org, editor, title, themes, description):
    dataset = services.dataset_create(
        publisher=org, actor=editor, title=title, description=description, themes=themes
    )
    return services.dataset_publish(dataset=dataset, actor=editor)


def test_facet_then_query_keeps_both_filters(page, live_server):
    gdansk = Organization.objects.create(
        slug="gdansk", name="City of Gdańsk", kind=OrganizationKind.MUNICIPALITY
    )
    editor = get_user_model().objects.create_user(email="k@gdansk.example", password="x-Long-passw0rd")
    Membership.objects.create(user=editor, organization=gdansk, role=Role.EDITOR)
    publish(gdansk, editor, "Traffic flow counts", ["TRAN"], "Vehicles per hour at counting stations.")
    publish(gdansk, editor, "Tram stops", ["TRAN"], "Stops of the tram network.")
    publish(gdansk, editor, "Traffic noise map", ["ENVI"], "Lden noise from road traffic.")

    page.goto(live_server.url + "/datasets/")
    expect(page.get_by_role("heading", name="3 datasets")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^Transport")).click()
    page.wait_for_url(re.compile(r"theme=TRAN"))
    expect(page.get_by_role("heading", name="2 datasets")).to_be_visible()

    page.get_by_label("Search", exact=True).fill("traffic")
    page.get_by_label("Search", exact=True).press("Enter")
    page.wait_for_url(re.compile(r"q=traffic"))
    assert "theme=TRAN" in page.url
    expect(page.get_by_role("heading", name="1 dataset")).to_be_visible()
    expect(page.get_by_role("link", name="Traffic flow counts")).to_be_visible()

    # The active filter shows as a chip; removing it widens the result again.
    page.get_by_role("link", name="Remove filter Transport").click()
    page.wait_for_url(lambda url: "theme=TRAN" not in url)
    expect(page.get_by_role("heading", name="2 datasets")).to_be_visible()
