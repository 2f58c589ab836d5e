"""Fixtures of the exchange's tests: an APPROVAL dataset of Rotterdam with an uploaded file, a second
company (the other party), and the helpers the flows share."""

import pytest


@pytest.fixture
def approval_dataset(publisher_org, editor):
    """A published Rotterdam dataset whose data needs the publisher's approval (an uploaded CSV)."""
    from tests.factories import FileDistributionFactory, PublishedDatasetFactory

    from .factories import AccessPolicyFactory

    dataset = PublishedDatasetFactory(
        publisher=publisher_org,
        title="Port cargo flows 2025",
        slug="port-cargo-flows-2025",
        created_by=editor,
    )
    FileDistributionFactory(dataset=dataset, title="Hourly moves")
    AccessPolicyFactory(dataset=dataset)
    return dataset


@pytest.fixture
def file_distribution(approval_dataset):
    return approval_dataset.distributions.get()


@pytest.fixture
def consumer_org(consumer):
    return consumer.memberships.get().organization


@pytest.fixture
def other_company(db):
    """A second company, outsider to the consumer's requests and agreements."""
    from accounts.choices import OrganizationKind, Role
    from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

    company = OrganizationFactory(name="Beta Analytics", slug="beta-analytics", kind=OrganizationKind.COMPANY)
    user = UserFactory(email="someone@beta.example")
    MembershipFactory(user=user, organization=company, role=Role.ADMIN)
    return user


@pytest.fixture
def approved(approval_dataset, consumer, consumer_org, editor):
    """The consumer's approved request (for Acme) and its agreement."""
    from marketplace import services

    access_request = services.access_request_create(
        dataset=approval_dataset, requester=consumer, organization=consumer_org, purpose="Route planning"
    )
    agreement = services.access_request_approve(access_request=access_request, approver=editor)
    access_request.refresh_from_db()
    return access_request, agreement
