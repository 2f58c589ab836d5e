"""A twin model offered through a dataset: the marketplace's policy of that dataset governs the model's
files — request, approval, download, revocation — and nothing else opens them."""

import pytest
from django.urls import reverse

from marketplace import services as exchange
from tests.factories import DatasetFactory
from tests.marketplace.factories import AccessPolicyFactory
from twins import services
from twins.access import may_download

from .factories import ModelVersionFactory, PublishedTwinModelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered(publisher_org):
    """A published port model of Rotterdam, not open, offered through an APPROVAL dataset."""
    from tests.factories import PublishedDatasetFactory

    dataset = PublishedDatasetFactory(
        publisher=publisher_org, title="Port digital twin data", slug="port-twin-data"
    )
    AccessPolicyFactory(dataset=dataset)
    model = PublishedTwinModelFactory(publisher=publisher_org, slug="port-dtdl", access_rights="RESTRICTED")
    model.offer = dataset
    model.save()
    version = ModelVersionFactory(model=model)
    return model, version, dataset


def _download(client, model, version):
    return client.get(reverse("twins:model_download", kwargs={"slug": model.slug, "pk": version.pk}))


def test_the_dataset_policy_governs_the_model_files(client_for, offered, consumer, editor):
    model, version, dataset = offered
    consumer_org = consumer.memberships.get().organization
    assert _download(client_for(consumer), model, version).status_code == 404
    assert _download(client_for(None), model, version).status_code == 404
    page = client_for(consumer).get(model.get_absolute_url()).content.decode()
    assert "offered through the dataset" in page and dataset.get_absolute_url() in page

    request = exchange.access_request_create(
        dataset=dataset, requester=consumer, organization=consumer_org, purpose="Berth planning"
    )
    exchange.access_request_approve(access_request=request, approver=editor)
    assert may_download(consumer, model)
    response = _download(client_for(consumer), model, version)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")

    exchange.access_request_revoke(access_request=request, actor=editor, reason="Contract ended")
    assert _download(client_for(consumer), model, version).status_code == 404
    assert _download(client_for(editor), model, version).status_code == 200  # the publisher's own


def test_an_offer_must_be_a_dataset_of_the_same_publisher(publisher_org, other_org, editor):
    model = PublishedTwinModelFactory(publisher=publisher_org)
    foreign = DatasetFactory(publisher=other_org)
    with pytest.raises(Exception) as raised:
        services.model_update(model=model, actor=editor, offer=foreign)
    assert "offer" in getattr(raised.value, "message_dict", {})


def test_the_api_sets_and_shows_the_offer(api_client, publisher_org, editor, other_org):
    from tests.factories import PublishedDatasetFactory

    model = PublishedTwinModelFactory(publisher=publisher_org, slug="crane-model")
    dataset = PublishedDatasetFactory(publisher=publisher_org, slug="crane-data")
    foreign = PublishedDatasetFactory(publisher=other_org, slug="turku-data")
    api_client.force_authenticate(editor)
    url = f"/api/v1/twin-models/{model.slug}/"
    refused = api_client.patch(url, {"offer": foreign.slug}, format="json")
    assert refused.status_code == 400 and "offer" in refused.json()
    assert api_client.patch(url, {"offer": dataset.slug}, format="json").status_code == 200
    api_client.force_authenticate(None)
    assert api_client.get(url).json()["offer"] == "crane-data"


def test_the_edit_form_sets_the_offer(client_for, publisher_org, editor):
    from tests.factories import PublishedDatasetFactory

    model = PublishedTwinModelFactory(publisher=publisher_org, slug="quay-model", title="Quays")
    dataset = PublishedDatasetFactory(publisher=publisher_org, slug="quay-data", title="Quay walls")
    client = client_for(editor)
    url = reverse("twins:model_edit", kwargs={"slug": model.slug})
    page = client.get(url).content.decode()
    assert "Offered through" in page and "Quay walls" in page
    form = {
        "title": "Quays",
        "slug": "quay-model",
        "kind": model.kind,
        "description": model.description,
        "keywords": "",
        "licence": model.licence_id,
        "access_rights": "RESTRICTED",
        "offer": dataset.pk,
    }
    assert client.post(url, form).status_code == 302
    model.refresh_from_db()
    assert model.offer == dataset
