"""Journey 5 in a real browser: Eva uploads the energy twin's DTDL models, reads the validation report,
browses the interfaces, links the model to the twin, sets its maturity and publishes it."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.choices import OrganizationKind, Role
from accounts.models import Membership, Organization
from twins.demo import helsinki_energy_interfaces
from twins.models import CityTwin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-test-passw0rd"


def test_architect_uploads_explores_links_and_publishes(page, live_server, tmp_path):
    helsinki = Organization.objects.create(
        slug="helsinki", name="City of Helsinki", kind=OrganizationKind.MUNICIPALITY
    )
    user = get_user_model().objects.create_user(
        email="eva@hel.example", password=PASSWORD, full_name="Eva Virtanen"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Membership.objects.create(user=user, organization=helsinki, role=Role.EDITOR)
    twin = CityTwin.objects.create(
        owner=helsinki, slug="helsinki-energy-twin", name="Helsinki energy twin", description="Energy."
    )

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/dashboard/"))

    page.goto(live_server.url + "/models/")
    page.get_by_role("link", name="Publish a model").click()
    page.get_by_label("Title").fill("Helsinki energy model")
    page.get_by_label("Kind").select_option("dtdl")
    page.get_by_label("Description").fill("Buildings, substations and district heating.")
    page.get_by_label("Licence").select_option("cc-by")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Upload a version").click()
    model_file = tmp_path / "energy.json"
    model_file.write_text(json.dumps(helsinki_energy_interfaces()))
    page.locator("#id_version").fill("1.0")
    page.get_by_label("File").set_input_files(str(model_file))
    page.get_by_role("button", name="Upload and validate").click()

    # The validation report: valid; the district interface lives outside the upload.
    expect(page.get_by_text("Valid.")).to_be_visible()
    page.get_by_role("link", name="Notes").click()
    expect(page.get_by_role("cell", name=re.compile("District;1.*external reference"))).to_be_visible()

    # Explore: the graph and the interface browser with inherited members.
    page.get_by_role("link", name="Helsinki energy model").first.click()
    expect(page.locator("svg.tp-graph")).to_be_visible()
    page.get_by_role("navigation", name="Interfaces").get_by_role("link", name="Secondary substation").click()
    expect(page.get_by_role("heading", name="Secondary substation")).to_be_visible()
    expect(page.get_by_text("Inherited", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="assetId")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is published")).to_be_visible()

    # Link the model to the twin, set the maturity, publish the twin.
    page.goto(live_server.url + twin.get_absolute_url())
    page.get_by_role("link", name="Datasets and models").click()
    page.get_by_label("Models").select_option(label="Helsinki energy model")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Maturity").click()
    page.get_by_label("Connected: level").select_option("3")
    page.get_by_label("Connected: evidence").fill("Hourly heat meter readings")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("meter", name="Connected")).to_have_attribute("aria-valuenow", "3")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is published")).to_be_visible()
    expect(page.locator(".tp-mim-earned", has_text="MIM2")).to_be_visible()

    # A visitor finds the twin on the twins page.
    visitor = page.context.browser.new_context().new_page()
    visitor.goto(live_server.url + "/twins/")
    expect(visitor.get_by_role("link", name="Helsinki energy twin")).to_be_visible()
