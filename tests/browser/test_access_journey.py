"""Journeys 1 and 2 in a real browser: Jonas (a company) requests access to an APPROVAL dataset of
Rotterdam, Anna (Rotterdam editor) approves it in her inbox with one click, Jonas downloads through the
page and with an API token, Anna revokes, and the next download is a 404 — every step on record."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from accounts.choices import OrganizationKind, Role
from accounts.models import Membership, Organization
from accounts.services import api_token_create
from catalog.choices import DatasetStatus
from catalog.models import Dataset, Distribution
from marketplace.choices import PolicyKind
from marketplace.models import AccessEvent, AccessPolicy, AccessRequest, Download

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


def test_request_approve_download_revoke(browser, live_server):
    rotterdam = Organization.objects.create(
        slug="rotterdam", name="City of Rotterdam", kind=OrganizationKind.MUNICIPALITY
    )
    company = Organization.objects.create(
        slug="mobility-insights", name="Mobility Insights", kind=OrganizationKind.COMPANY
    )
    anna = make_user("anna@rotterdam.example", "Anna de Vries", rotterdam, Role.EDITOR)
    jonas = make_user("jonas@mobility.example", "Jonas Smit", company, Role.MEMBER)
    dataset = Dataset.objects.create(
        publisher=rotterdam,
        slug="port-vessel-movements",
        title="Port vessel movements",
        description="Arrivals and departures per terminal.",
        status=DatasetStatus.PUBLISHED,
        created_by=anna,
    )
    distribution = Distribution.objects.create(
        dataset=dataset,
        title="Movements CSV",
        file=ContentFile(b"vessel,terminal\nA,ECT\n", name="moves.csv"),
    )
    AccessPolicy.objects.create(dataset=dataset, kind=PolicyKind.APPROVAL, terms="Use for planning only.")
    file_url = f"{live_server.url}/datasets/{dataset.slug}/files/{distribution.pk}/"

    consumer = browser.new_context()
    publisher = browser.new_context()
    try:
        jonas_page = consumer.new_page()
        log_in(jonas_page, live_server.url, jonas.email)
        jonas_page.goto(live_server.url + dataset.get_absolute_url())
        expect(jonas_page.locator("[data-policy='approval']")).to_be_visible()
        expect(jonas_page.get_by_role("link", name="Download")).to_have_count(0)
        jonas_page.get_by_role("link", name="Request access").click()
        jonas_page.get_by_label("Purpose").fill("Berth-time predictions for our route planner.")
        jonas_page.get_by_label("On behalf of").select_option(label="Mobility Insights")
        jonas_page.get_by_role("button", name="Send request").click()
        expect(jonas_page.locator("[data-status='requested']")).to_be_visible()
        access_request = AccessRequest.objects.get()
        assert access_request.organization == company

        anna_page = publisher.new_page()
        log_in(anna_page, live_server.url, anna.email)
        anna_page.goto(live_server.url + "/dashboard/access/")
        row = anna_page.locator(f"#request-{access_request.pk}")
        expect(row).to_contain_text("Jonas Smit")
        row.get_by_role("button", name=re.compile("Approve")).click()  # htmx swaps the row
        expect(anna_page.locator(f"#request-{access_request.pk} [data-status='approved']")).to_be_visible()

        jonas_page.goto(live_server.url + dataset.get_absolute_url())
        expect(jonas_page.get_by_text("You have access.")).to_be_visible()
        with jonas_page.expect_download() as download:
            jonas_page.get_by_role("link", name="Download").click()
        assert download.value.suggested_filename == "moves.csv"

        # From a script: a personal token with the download scope.
        _token, secret = api_token_create(user=jonas, name="script", scopes=["read", "download"])
        script = consumer.request
        assert script.get(file_url, headers={"Authorization": f"Bearer {secret}"}).status == 200

        anna_page.goto(live_server.url + "/dashboard/access/?status=approved")
        anna_page.once("dialog", lambda dialog: dialog.accept())
        anna_page.locator(f"#request-{access_request.pk}").get_by_role("button", name="Revoke").click()
        expect(anna_page.locator(f"#request-{access_request.pk} [data-status='revoked']")).to_be_visible()

        assert script.get(file_url, headers={"Authorization": f"Bearer {secret}"}).status == 404
        jonas_page.goto(live_server.url + dataset.get_absolute_url())
        expect(jonas_page.get_by_role("link", name="Download")).to_have_count(0)
        assert consumer.request.get(file_url).status == 404

        # Jonas's inbox told him both decisions; the history has every step.
        jonas_page.goto(live_server.url + "/access/notifications/")
        expect(
            jonas_page.locator("strong", has_text="Your access to “Port vessel movements” was approved")
        ).to_be_visible()
        expect(
            jonas_page.locator("strong", has_text="Your access to “Port vessel movements” was revoked")
        ).to_be_visible()
        actions = list(
            AccessEvent.objects.filter(access_request=access_request).values_list("action", flat=True)
        )
        assert actions == ["requested", "approved", "downloaded", "downloaded", "revoked"]
        assert sorted(Download.objects.values_list("channel", flat=True)) == ["session", "token"]
    finally:
        consumer.close()
        publisher.close()
