"""Concurrent decisions end deterministically (PostgreSQL: real row locks between real connections).

On SQLite the same guarantees come from IMMEDIATE transactions (one writer at a time); the sequential
tests in test_policies.py cover the state machine on both."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from marketplace import services
from marketplace.choices import RequestStatus
from marketplace.models import AccessRequest, Agreement, Entitlement, Subscription

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def vocabularies(transactional_db):
    """Transactional tests flush every table afterwards, seeded vocabularies included: re-seed them."""
    from django.apps import apps

    from catalog.vocabularies import sync

    sync(apps)


def _race(*calls):
    """Run the calls at the same moment in their own threads (own connections); their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = ("ok", call())
        except ValidationError as exc:
            outcomes[index] = ("refused", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return [outcome[0] for outcome in outcomes]


def test_double_approve_makes_one_agreement(approval_dataset, consumer, editor, org_admin):
    access_request = services.access_request_create(dataset=approval_dataset, requester=consumer, purpose="x")
    outcomes = _race(
        lambda: services.access_request_approve(access_request=access_request, approver=editor),
        lambda: services.access_request_approve(access_request=access_request, approver=org_admin),
    )
    assert sorted(outcomes) == ["ok", "refused"]
    assert Agreement.objects.count() == 1
    assert Entitlement.objects.count() == 1


def test_approve_racing_revoke_ends_in_a_consistent_state(approval_dataset, consumer, editor, org_admin):
    access_request = services.access_request_create(dataset=approval_dataset, requester=consumer, purpose="x")
    outcomes = _race(
        lambda: services.access_request_approve(access_request=access_request, approver=editor),
        lambda: services.access_request_revoke(access_request=access_request, actor=org_admin),
    )
    access_request.refresh_from_db()
    if outcomes == ["ok", "ok"]:  # approval first, then the revocation
        assert access_request.status == RequestStatus.REVOKED
        assert Entitlement.objects.active().count() == 0
    else:  # the revocation came first and found nothing approved
        assert outcomes == ["ok", "refused"]
        assert access_request.status == RequestStatus.APPROVED
        assert Entitlement.objects.active().count() == 1


def test_double_request_and_double_subscribe_make_one_row(approval_dataset, consumer, consumer_org):
    outcomes = _race(
        lambda: services.access_request_create(dataset=approval_dataset, requester=consumer, purpose="x"),
        lambda: services.access_request_create(dataset=approval_dataset, requester=consumer, purpose="x"),
    )
    assert sorted(outcomes) == ["ok", "refused"]
    assert AccessRequest.objects.count() == 1
    outcomes = _race(
        lambda: services.subscription_create(
            user=consumer, organization=consumer_org, dataset=approval_dataset
        ),
        lambda: services.subscription_create(
            user=consumer, organization=consumer_org, dataset=approval_dataset
        ),
    )
    assert outcomes == ["ok", "ok"]
    assert Subscription.objects.count() == 1
