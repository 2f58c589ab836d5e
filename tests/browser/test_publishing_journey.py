"""Journey 1 in a real browser: a Rotterdam editor drafts, uploads and publishes a dataset."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.choices import OrganizationKind, Role
from accounts.models import Membership, Organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-test-passw0rd"


def make_editor(email: str, org: Organization):
    user = get_user_model().objects.create_user(email=email, password=PASSWORD, full_name="Anna de Vries")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    Membership.objects.create(user=user, organization=org, role=Role.EDITOR)
    return user


def log_in(page, base_url: str, email: str):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/dashboard/"))


def test_editor_drafts_uploads_and_publishes(page, live_server, tmp_path):
    rotterdam = Organization.objects.create(
        slug="rotterdam", name="City of Rotterdam", kind=OrganizationKind.MUNICIPALITY
    )
    make_editor("anna@rotterdam.example", rotterdam)
    log_in(page, live_server.url, "anna@rotterdam.example")

    page.get_by_role("link", name=re.compile("New dataset")).first.click()
    page.get_by_label("Title").fill("Port cargo flows 2025")
    page.get_by_label("Description").fill("Container moves per terminal and hour.")
    page.get_by_label("Keywords").fill("port, cargo, logistics")
    page.get_by_label("Transport").check()
    page.get_by_label("Licence").select_option("cc-by")
    page.locator("#id_bbox_west").fill("4.0")
    page.locator("#id_bbox_south").fill("51.85")
    page.locator("#id_bbox_east").fill("4.45")
    page.locator("#id_bbox_north").fill("52.0")
    page.get_by_role("button", name="Save draft").click()

    # Straight to "add a distribution": upload a CSV file.
    csv = tmp_path / "flows.csv"
    csv.write_text("terminal,hour,moves\nECT Delta,2025-01-01T00:00,412\n")
    page.get_by_label("Title").fill("Hourly moves (CSV)")
    page.get_by_label("File").set_input_files(str(csv))
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(re.compile(r"/datasets/port-cargo-flows-2025/"))
    expect(page.get_by_text("This is a draft")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is published")).to_be_visible()

    # The public search page now lists it, for a visitor who is not logged in.
    context = page.context.browser.new_context()
    visitor = context.new_page()
    visitor.goto(live_server.url + "/datasets/?q=cargo")
    expect(visitor.get_by_role("link", name="Port cargo flows 2025")).to_be_visible()
    visitor.get_by_role("link", name="Port cargo flows 2025").click()
    expect(visitor.get_by_role("heading", name="Port cargo flows 2025")).to_be_visible()
    expect(visitor.locator("#dataset-map .leaflet-interactive")).to_have_count(1)
    context.close()
