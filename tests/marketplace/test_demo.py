"""The exchange's demo content: policies, plans, Jonas's pending and approved requests, an agreement
and a subscription — loaded by load_demo, idempotently."""

import pytest

from catalog.demo import load_demo
from marketplace.models import AccessPolicy, AccessRequest, Agreement, Plan, Subscription

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "policies": AccessPolicy.objects.count(),
        "plans": Plan.objects.count(),
        "requests": AccessRequest.objects.count(),
        "agreements": Agreement.objects.count(),
        "subscriptions": Subscription.objects.count(),
    }


def test_demo_gives_the_exchange_something_to_show_and_is_idempotent():
    load_demo()
    first = _counts()
    assert first == {"policies": 6, "plans": 3, "requests": 2, "agreements": 1, "subscriptions": 1}
    statuses = dict(AccessRequest.objects.values_list("dataset__slug", "status"))
    assert statuses == {"rotterdam-port-vessel-movements": "requested", "amsterdam-crowd-monitor": "approved"}
    assert AccessPolicy.objects.get(dataset__slug="rotterdam-port-cargo-throughput").kind == "restricted"
    load_demo()
    assert _counts() == first
