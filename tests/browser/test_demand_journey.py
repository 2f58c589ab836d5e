"""Issue 10's journey in a real browser: Jonas (a company) posts a data request and sees a suggested
match while typing; Anna (Rotterdam) finds it and upvotes it; Ilkka (Turku) marks it fulfilled with
Turku's dataset; Jonas is notified, and the dataset page shows the request it answered."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.choices import OrganizationKind, Role
from accounts.models import Membership, Organization
from marketplace.demand.models import DataRequest
from tests.factories import PublishedDatasetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-test-passw0rd"


def make_user(email: str, name: str, org: Organization, role: str):
    user = get_user_model().objects.create_user(email=email, password=PASSWORD, full_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    Membership.objects.create(user=user, organization=org, role=role)
    return user


def log_in(page, base_url: str, email: str):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/dashboard/"))


def test_request_upvote_fulfil_notify(browser, live_server):
    turku = Organization.objects.create(
        slug="turku", name="City of Turku", kind=OrganizationKind.MUNICIPALITY
    )
    rotterdam = Organization.objects.create(
        slug="rotterdam", name="City of Rotterdam", kind=OrganizationKind.MUNICIPALITY
    )
    company = Organization.objects.create(
        slug="mobility-insights", name="Mobility Insights", kind=OrganizationKind.COMPANY
    )
    jonas = make_user("jonas@mobility.example", "Jonas Smit", company, Role.MEMBER)
    make_user("anna@rotterdam.example", "Anna de Vries", rotterdam, Role.EDITOR)
    make_user("ilkka@turku.example", "Ilkka Virtanen", turku, Role.ADMIN)
    stops = PublishedDatasetFactory(
        publisher=turku,
        slug="turku-bus-stops",
        title="Turku bus stops",
        description="Every Föli bus stop with shelters and accessibility.",
        themes=["TRAN"],
    )

    contexts = [browser.new_context() for _ in range(3)]
    try:
        jonas_page, anna_page, ilkka_page = (context.new_page() for context in contexts)
        log_in(jonas_page, live_server.url, jonas.email)
        jonas_page.goto(live_server.url + "/requests/")
        jonas_page.get_by_role("link", name="Request data").click()
        jonas_page.get_by_label("What data do you need?").fill("Accessibility of bus stops in Turku")
        # While the request is written, the catalogue search suggests what may already answer it.
        expect(jonas_page.get_by_test_id("suggested-matches")).to_contain_text("Turku bus stops")
        jonas_page.get_by_label("Description").fill(
            "Ramps, shelters and benches per stop, for our route planner."
        )
        jonas_page.get_by_label("On behalf of").select_option(label="Mobility Insights")
        jonas_page.get_by_role("button", name="Publish request").click()
        expect(jonas_page.locator("[data-status='open']")).to_be_visible()
        data_request = DataRequest.objects.get()
        assert data_request.organization == company and data_request.created_by == jonas

        # Anna finds it and upvotes it (htmx swaps the button).
        log_in(anna_page, live_server.url, "anna@rotterdam.example")
        anna_page.goto(live_server.url + "/requests/?q=accessibility")
        anna_page.get_by_role("link", name="Accessibility of bus stops in Turku").click()
        anna_page.get_by_test_id("upvote").click()
        expect(anna_page.get_by_test_id("vote-count")).to_have_text("1")
        expect(anna_page.get_by_test_id("upvote")).to_have_attribute("aria-pressed", "true")

        # Ilkka answers for Turku with its dataset.
        log_in(ilkka_page, live_server.url, "ilkka@turku.example")
        ilkka_page.goto(live_server.url + data_request.get_absolute_url())
        ilkka_page.get_by_label("Fulfilled").check()
        ilkka_page.get_by_label("Answering dataset (URL name)").fill("turku-bus-stops")
        ilkka_page.get_by_role("button", name="Send answer").click()
        expect(ilkka_page.locator("[data-status='fulfilled']").first).to_be_visible()
        expect(ilkka_page.get_by_test_id("fulfilment")).to_contain_text("Turku bus stops")

        # Jonas is told, and the dataset page shows the request it answered.
        jonas_page.goto(live_server.url + "/access/notifications/")
        expect(jonas_page.locator("strong", has_text="was fulfilled by City of Turku")).to_be_visible()
        jonas_page.goto(live_server.url + stops.get_absolute_url())
        expect(jonas_page.get_by_test_id("answered-requests")).to_contain_text(
            "Accessibility of bus stops in Turku"
        )
    finally:
        for context in contexts:
            context.close()
