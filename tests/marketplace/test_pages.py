"""The exchange's pages: policy and plans, the access panel's actions, subscriptions, notifications."""

import pytest

from marketplace.models import AccessPolicy, Agreement, Notification, Plan, Subscription

pytestmark = pytest.mark.django_db


def test_editor_sets_policy_and_adds_a_plan(published_dataset, editor, client_for):
    client = client_for(editor)
    url = f"/dashboard/access/datasets/{published_dataset.slug}/policy/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "form": "policy",
            "policy-kind": "restricted",
            "policy-terms": "No resale.",
            "policy-allowed_purposes": "research\nplanning",
            "policy-default_duration_days": "",
        },
    )
    assert response.status_code == 302
    policy = AccessPolicy.objects.get(dataset=published_dataset)
    assert (policy.kind, policy.allowed_purposes) == ("restricted", ["research", "planning"])
    response = client.post(
        url,
        {
            "form": "plan",
            "plan-name": "Starter",
            "plan-monthly_quota": "5",
            "plan-price": "€ 10 / month",
            "plan-active": "on",
            "plan-allowed_purposes": "",
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(policy=policy)
    assert (plan.name, plan.monthly_quota, plan.requires_approval) == ("Starter", 5, False)
    page = client_for(None).get(published_dataset.get_absolute_url())
    assert b"Starter" in page.content and b"\xe2\x82\xac 10 / month" in page.content


def test_personal_data_policy_error_is_shown_on_the_field(published_dataset, editor, client_for):
    published_dataset.contains_personal_data = True
    published_dataset.save()
    response = client_for(editor).post(
        f"/dashboard/access/datasets/{published_dataset.slug}/policy/",
        {"form": "policy", "policy-kind": "open"},
    )
    assert response.status_code == 200
    assert b"contains personal data" in response.content
    assert not AccessPolicy.objects.exists()


def test_plan_taken_from_the_panel(published_dataset, editor, consumer, client_for):
    from marketplace import services

    policy = services.access_policy_set(dataset=published_dataset, actor=editor, kind="restricted")
    plan = services.plan_create(
        policy=policy, actor=editor, name="Trial", requires_approval=False, duration_days=30
    )
    browser = client_for(consumer)
    assert b"Take this plan" in browser.get(published_dataset.get_absolute_url()).content
    response = browser.post(f"/access/plans/{plan.pk}/subscribe/")
    agreement = Agreement.objects.get()
    assert response["Location"] == agreement.get_absolute_url()
    assert agreement.basis == "plan"
    assert b"You have access." in browser.get(published_dataset.get_absolute_url()).content


def test_subscribe_and_unsubscribe_from_the_panel(published_dataset, consumer, consumer_org, client_for):
    browser = client_for(consumer)
    browser.post(f"/access/datasets/{published_dataset.slug}/subscribe/", {"organization": consumer_org.pk})
    subscription = Subscription.objects.get()
    assert subscription.organization == consumer_org
    assert b"Acme Mobility follows this dataset." in browser.get(published_dataset.get_absolute_url()).content
    page = browser.post(
        f"/access/subscriptions/{subscription.uuid}/",
        {"action": "save", "email": "on", "webhook_url": "http://10.1.2.3/x"},
    )
    assert page.status_code == 200
    assert b"refused" in page.content
    subscription.refresh_from_db()
    assert subscription.webhook_url == ""
    browser.post(f"/access/datasets/{published_dataset.slug}/subscribe/", {"action": "unsubscribe"})
    assert not Subscription.objects.exists()


def test_follow_a_search_from_my_access(consumer, client_for):
    browser = client_for(consumer)
    browser.post("/access/subscriptions/search/", {"search_query": "q=traffic&theme=TRAN", "email": "on"})
    assert Subscription.objects.get().search_query == "q=traffic&theme=TRAN"
    assert b"q=traffic&amp;theme=TRAN" in browser.get("/access/?tab=subscriptions").content


def test_notifications_badge_read_and_follow(approved, consumer, client_for):
    browser = client_for(consumer)
    assert b"unread notifications" in browser.get("/access/notifications/badge/").content
    notification = Notification.objects.get(recipient=consumer)
    response = browser.post(f"/access/notifications/{notification.pk}/read/", {"follow": "1"})
    assert response["Location"] == notification.url
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert b"unread notifications" not in browser.get("/access/notifications/badge/").content


def test_request_form_validates(approval_dataset, consumer, client_for):
    response = client_for(consumer).post(
        f"/access/datasets/{approval_dataset.slug}/request/", {"purpose": ""}
    )
    assert response.status_code == 200
    assert b"This field is required" in response.content


def test_open_dataset_needs_no_request(published_dataset, consumer, client_for):
    response = client_for(consumer).get(f"/access/datasets/{published_dataset.slug}/request/")
    assert response.status_code == 302
    assert b"Request access" not in client_for(consumer).get(published_dataset.get_absolute_url()).content
