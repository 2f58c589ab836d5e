"""Access policies: kinds and their rules, licence acceptance, plans with quotas, expiry, race safety,
throttling per token and plan, and no restricted link in DCAT, CKAN, schema.org or the REST API."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from catalog import services as catalog_services
from marketplace import services
from marketplace.choices import PolicyKind, RequestStatus
from marketplace.models import AccessRequest, Agreement, Download, Entitlement
from marketplace.policies import effective_kind
from tests.factories import FileDistributionFactory

from .factories import AccessPolicyFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_open_by_default_and_downloads_are_recorded(published_dataset, client_for):
    FileDistributionFactory(dataset=published_dataset)
    distribution = published_dataset.distributions.get(file__gt="")
    assert effective_kind(published_dataset) == PolicyKind.OPEN
    assert client_for(None).get(distribution.file_url).status_code == 200
    assert Download.objects.get().channel == "anonymous"


def test_personal_data_is_never_open_or_registered(published_dataset, editor):
    catalog_services.dataset_update(dataset=published_dataset, actor=editor, contains_personal_data=True)
    published_dataset.refresh_from_db()
    assert effective_kind(published_dataset) == PolicyKind.APPROVAL  # the implicit policy follows the flag
    for kind in (PolicyKind.OPEN, PolicyKind.REGISTERED):
        with pytest.raises(ValidationError) as error:
            services.access_policy_set(dataset=published_dataset, actor=editor, kind=kind)
        assert "kind" in error.value.message_dict
    services.access_policy_set(dataset=published_dataset, actor=editor, kind=PolicyKind.APPROVAL)


def test_only_editors_of_the_publisher_set_policies(published_dataset, other_editor, consumer, api_client):
    for user in (other_editor, consumer):
        with pytest.raises(PermissionDenied):
            services.access_policy_set(dataset=published_dataset, actor=user, kind=PolicyKind.APPROVAL)
    api_client.force_authenticate(other_editor)
    response = api_client.put(
        f"/api/v1/access-policies/{published_dataset.slug}/", {"kind": "approval"}, format="json"
    )
    assert response.status_code == 404


def test_registered_licence_acceptance_makes_an_agreement_once(
    published_dataset, consumer, editor, client_for
):
    FileDistributionFactory(dataset=published_dataset)
    distribution = published_dataset.distributions.get(file__gt="")
    services.access_policy_set(dataset=published_dataset, actor=editor, kind=PolicyKind.REGISTERED)
    assert client_for(None).get(distribution.file_url).status_code == 404
    assert client_for(consumer).get(distribution.file_url).status_code == 404
    browser = client_for(consumer)
    browser.post(f"/access/datasets/{published_dataset.slug}/accept-licence/")
    browser.post(f"/access/datasets/{published_dataset.slug}/accept-licence/")
    agreement = Agreement.objects.get()
    assert agreement.basis == "licence"
    assert agreement.snapshot["licence"]["id"] == published_dataset.licence.id
    assert browser.get(distribution.file_url).status_code == 200


def test_restricted_plan_quota_is_a_429(published_dataset, consumer, editor, client_for):
    FileDistributionFactory(dataset=published_dataset)
    distribution = published_dataset.distributions.get(file__gt="")
    policy = services.access_policy_set(dataset=published_dataset, actor=editor, kind=PolicyKind.RESTRICTED)
    plan = PlanFactory(policy=policy, name="Starter", monthly_quota=2, requires_approval=False, price="€ 0")
    agreement = services.plan_subscribe(plan=plan, user=consumer)
    assert agreement.snapshot["plan"]["monthly_quota"] == 2
    browser = client_for(consumer)
    assert [browser.get(distribution.file_url).status_code for _ in range(3)] == [200, 200, 429]
    assert Download.objects.filter(entitlement__agreement=agreement).count() == 2
    # Next month the quota is fresh.
    Download.objects.update(created_at=timezone.now() - timedelta(days=40))
    assert browser.get(distribution.file_url).status_code == 200


def test_restricted_requests_need_an_offered_plan_and_an_allowed_purpose(published_dataset, consumer, editor):
    policy = services.access_policy_set(
        dataset=published_dataset, actor=editor, kind=PolicyKind.RESTRICTED, allowed_purposes=["research"]
    )
    plan = PlanFactory(policy=policy, name="Research", duration_days=90)
    with pytest.raises(ValidationError) as error:
        services.access_request_create(dataset=published_dataset, requester=consumer, purpose="x")
    assert set(error.value.message_dict) == {"plan", "purpose_category"}
    access_request = services.access_request_create(
        dataset=published_dataset, requester=consumer, purpose="x", plan=plan, purpose_category="research"
    )
    agreement = services.access_request_approve(access_request=access_request, approver=editor)
    assert timedelta(days=89) < agreement.valid_until - timezone.now() <= timedelta(days=90)


def test_double_approve_and_approve_revoke_end_deterministically(
    approval_dataset, consumer, editor, org_admin
):
    access_request = services.access_request_create(dataset=approval_dataset, requester=consumer, purpose="x")
    services.access_request_approve(access_request=access_request, approver=editor)
    with pytest.raises(ValidationError):
        services.access_request_approve(access_request=access_request, approver=org_admin)
    assert Agreement.objects.count() == 1
    assert Entitlement.objects.count() == 1
    services.access_request_revoke(access_request=access_request, actor=org_admin)
    with pytest.raises(ValidationError):
        services.access_request_revoke(access_request=access_request, actor=editor)
    with pytest.raises(ValidationError):
        services.access_request_approve(access_request=access_request, approver=editor)
    access_request.refresh_from_db()
    assert access_request.status == RequestStatus.REVOKED
    # A revoke that arrives before the approval finds nothing to revoke; the approval still works.
    second = services.access_request_create(dataset=approval_dataset, requester=consumer, purpose="again")
    with pytest.raises(ValidationError):
        services.access_request_revoke(access_request=second, actor=editor)
    services.access_request_approve(access_request=second, approver=editor)


def test_double_request_is_refused(approval_dataset, consumer):
    services.access_request_create(dataset=approval_dataset, requester=consumer, purpose="x")
    with pytest.raises(ValidationError):
        services.access_request_create(dataset=approval_dataset, requester=consumer, purpose="x")
    assert AccessRequest.objects.count() == 1


def test_a_stale_approve_loses_to_a_cancel(approval_dataset, consumer, editor):
    """Two tabs: the request object the approver holds is stale; the row lock reads the truth."""
    access_request = services.access_request_create(dataset=approval_dataset, requester=consumer, purpose="x")
    stale = AccessRequest.objects.get(pk=access_request.pk)
    services.access_request_cancel(access_request=access_request, actor=consumer)
    with pytest.raises(ValidationError):
        services.access_request_approve(access_request=stale, approver=editor)
    assert Agreement.objects.count() == 0


def test_unanswered_requests_and_ended_approvals_expire(
    approval_dataset, consumer, editor, settings, other_company
):
    settings.ACCESS_REQUEST_EXPIRY_DAYS = 10
    old = services.access_request_create(dataset=approval_dataset, requester=consumer, purpose="x")
    AccessRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=11))
    fresh = services.access_request_create(dataset=approval_dataset, requester=other_company, purpose="y")
    agreement = services.access_request_approve(
        access_request=fresh, approver=editor, access_until=timezone.now() + timedelta(days=1)
    )
    from marketplace.tasks import access_requests_expire

    access_requests_expire.delay()
    assert AccessRequest.objects.get(pk=old.pk).status == RequestStatus.EXPIRED
    assert AccessRequest.objects.get(pk=fresh.pk).status == RequestStatus.APPROVED
    assert services.access_requests_expire(now=timezone.now() + timedelta(days=2)) == 1
    assert AccessRequest.objects.get(pk=fresh.pk).status == RequestStatus.EXPIRED
    assert (
        not Entitlement.objects.active(at=timezone.now() + timedelta(days=2))
        .filter(agreement=agreement)
        .exists()
    )


def test_no_restricted_link_leaks(
    approval_dataset, file_distribution, consumer, editor, client_for, approved, api_client
):
    """DCAT, CKAN, schema.org and the dataset page show no download link of restricted data to the
    non-entitled; the policy itself is public."""
    approval_dataset.distributions.update(download_url="https://secret.example.org/cargo.csv")
    secret = b"secret.example.org"
    anonymous = client_for(None)
    dcat = anonymous.get(f"/datasets/{approval_dataset.slug}.ttl")
    assert dcat.status_code == 200
    assert b"files/" not in dcat.content and secret not in dcat.content
    assert b"odrl:obtainConsent" in dcat.content or b"obtainConsent" in dcat.content
    ckan = anonymous.get("/api/3/action/package_show", {"id": approval_dataset.slug}).json()["result"]
    resource = ckan["resources"][0]
    assert resource["url"] == approval_dataset.uri
    assert resource["download_url"] is None and resource["access_url"] is None
    assert {"key": "access_policy", "value": "approval"} in ckan["extras"]
    page = anonymous.get(approval_dataset.get_absolute_url())
    assert secret not in page.content and file_distribution.file_url.encode() not in page.content
    assert b'"isAccessibleForFree": false' in page.content
    rest = api_client.get(f"/api/v1/datasets/{approval_dataset.slug}/").content
    assert secret not in rest
    # The entitled consumer sees the links (CKAN with a session, the page).
    entitled = client_for(consumer)
    assert file_distribution.file_url.encode() in entitled.get(approval_dataset.get_absolute_url()).content
    entitled_ckan = entitled.get("/api/3/action/package_show", {"id": approval_dataset.slug}).json()["result"]
    assert entitled_ckan["resources"][0]["url"].endswith(file_distribution.file_url)


def test_package_update_accepts_package_show_with_the_policy_extras(
    approval_dataset, editor, token_for, client_for
):
    """The publisher edits its restricted dataset through CKAN: package_show → package_update round-trips."""
    secret = token_for(editor, scopes=["read", "publish"])
    client = client_for(None)
    package = client.get(
        "/api/3/action/package_show", {"id": approval_dataset.slug}, HTTP_AUTHORIZATION=secret
    ).json()["result"]
    package["title"] = "Port cargo flows 2025 (rev.)"
    response = client.post(
        "/api/3/action/package_update", package, content_type="application/json", HTTP_AUTHORIZATION=secret
    )
    assert response.status_code == 200, response.json()
    approval_dataset.refresh_from_db()
    assert approval_dataset.title == "Port cargo flows 2025 (rev.)"
    assert approval_dataset.distributions.get().file


def test_ckan_action_api_is_rate_limited(published_dataset, client_for, settings):
    settings.CKAN_THROTTLE_ANON = "3/min"
    client = client_for(None)
    statuses = [
        client.get("/api/3/action/package_show", {"id": published_dataset.slug}).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    last = client.get("/api/3/action/package_show", {"id": published_dataset.slug})
    assert last.json()["success"] is False
    assert int(last["Retry-After"]) >= 1


def test_api_throttle_per_token_and_plan(
    published_dataset, consumer, editor, token_for, api_client, settings, monkeypatch
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "token": "2/min",
            "user": "1000/min",
        },
    }
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    # The class caches the rates at import: set them for this test only (monkeypatch puts the original
    # dict back — the rates of later tests must not stay at 2/min).
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", api_settings.DEFAULT_THROTTLE_RATES)
    try:
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(consumer, scopes=['read'])}")
        assert [api_client.get("/api/v1/licences/").status_code for _ in range(3)] == [200, 200, 429]
        # A plan with a higher API rate lifts its subscribers' tokens.
        policy = services.access_policy_set(
            dataset=published_dataset, actor=editor, kind=PolicyKind.RESTRICTED
        )
        plan = PlanFactory(policy=policy, requires_approval=False, api_rate="5/min")
        services.plan_subscribe(plan=plan, user=consumer)
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(consumer, scopes=['read'])}")
        assert [api_client.get("/api/v1/licences/").status_code for _ in range(6)] == [200] * 5 + [429]
    finally:
        from django.core.cache import cache

        cache.clear()  # the throttles' counters


def test_policy_is_exported_in_dcat_as_odrl_constraints(published_dataset, editor, client_for):
    policy = services.access_policy_set(
        dataset=published_dataset, actor=editor, kind=PolicyKind.RESTRICTED, allowed_purposes=["research"]
    )
    PlanFactory(policy=policy, monthly_quota=100)
    turtle = client_for(None).get(f"/datasets/{published_dataset.slug}.ttl").content.decode()
    assert "odrl:purpose" in turtle
    assert '"research"' in turtle
    assert "odrl:count" in turtle


def test_access_policy_factory_default(approval_dataset):
    assert AccessPolicyFactory._meta.model.objects.get(dataset=approval_dataset).kind == PolicyKind.APPROVAL
