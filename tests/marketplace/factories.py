"""Factories of the exchange's tests (the shared ones live in tests/factories.py)."""

import factory
from factory.django import DjangoModelFactory

from marketplace.choices import PolicyKind
from marketplace.models import AccessPolicy, Plan


class AccessPolicyFactory(DjangoModelFactory):
    class Meta:
        model = AccessPolicy

    kind = PolicyKind.APPROVAL
    terms = "Use for planning studies only; do not redistribute."


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    policy = factory.SubFactory(AccessPolicyFactory, kind=PolicyKind.RESTRICTED)
    name = factory.Sequence(lambda n: f"Plan {n}")
    monthly_quota = None
    requires_approval = True
