"""Access matrix of the demand side: anonymous, a member of the requesting company, another company,
a publisher's editor and the site admin — nothing private leaks through requests, comments, showcases
or recommendations (pages, API lists, counts)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import OrganizationKind, Role
from catalog.choices import DatasetStatus
from marketplace.demand import services
from marketplace.demand.choices import ShowcaseStatus
from marketplace.demand.models import Comment, DataRequest
from marketplace.demand.recommendations import also_used_with, similar_compute, similar_datasets
from tests.demand.factories import ShowcaseFactory
from tests.factories import MembershipFactory, OrganizationFactory, PublishedDatasetFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "requester", "other_company", "publisher_editor", "admin"]


@pytest.fixture
def world(consumer, editor, admin_user, draft_dataset, published_dataset, publisher_org):
    acme = consumer.organizations.get()
    acme_admin = UserFactory(email="boss@acme.example")
    MembershipFactory(user=acme_admin, organization=acme, role=Role.ADMIN)
    other_company = OrganizationFactory(slug="other-co", name="Other Co", kind=OrganizationKind.COMPANY)
    outsider = UserFactory(email="someone@other.example")
    MembershipFactory(user=outsider, organization=other_company, role=Role.MEMBER)

    public = services.data_request_create(
        actor=consumer, organization=acme, title="Public need for traffic", description="Traffic counts."
    )
    hidden = services.data_request_create(
        actor=consumer, organization=acme, title="Spammy hidden need", description="Hidden."
    )
    services.data_request_moderate(data_request=hidden, actor=admin_user, hide=True)
    visible_comment = services.comment_create(data_request=public, author=outsider, body="Visible comment")
    hidden_comment = services.comment_create(data_request=public, author=outsider, body="Abusive comment")
    services.comment_hide(comment=hidden_comment, actor=acme_admin, reason="abuse")

    # Answered by a dataset that was withdrawn afterwards: only Rotterdam's members may still see it.
    gone = PublishedDatasetFactory(publisher=publisher_org, slug="rotterdam-gone", title="Gone dataset")
    answered = services.data_request_create(
        actor=consumer, organization=acme, title="Answered need", description="x"
    )
    services.data_request_respond(data_request=answered, actor=editor, status="fulfilled", dataset=gone)
    gone.status = DatasetStatus.WITHDRAWN
    gone.save()

    showcase = ShowcaseFactory(
        organization=acme, slug="acme-app", title="Acme app", datasets=[published_dataset, draft_dataset]
    )
    draft_showcase = ShowcaseFactory(
        organization=acme,
        slug="acme-draft",
        title="Secret showcase",
        status=ShowcaseStatus.DRAFT,
        published_at=None,
    )
    users = {
        "anonymous": None,
        "requester": consumer,
        "other_company": outsider,
        "publisher_editor": editor,
        "admin": admin_user,
    }
    return {
        "users": users,
        "public": public,
        "hidden": hidden,
        "answered": answered,
        "visible_comment": visible_comment,
        "hidden_comment": hidden_comment,
        "showcase": showcase,
        "draft_showcase": draft_showcase,
        "outsider": outsider,
    }


@pytest.mark.parametrize("role", ROLES)
def test_hidden_requests_only_for_the_requesting_org_and_admins(world, client_for, role):
    client = client_for(world["users"][role])
    sees_hidden = role in ("requester", "admin")
    listing = client.get(reverse("demand:request_list")).content.decode()
    assert ("Spammy hidden need" in listing) is sees_hidden
    assert "Public need for traffic" in listing
    detail = client.get(reverse("demand:request_detail", args=[world["hidden"].pk]))
    assert detail.status_code == (200 if sees_hidden else 404)
    api = client.get("/api/v1/data-requests/").json()
    assert api["count"] == (3 if sees_hidden else 2)
    assert client.get(f"/api/v1/data-requests/{world['hidden'].pk}/").status_code == (
        200 if sees_hidden else 404
    )
    # Upvoting or commenting what one may not see is a 404 too.
    if role not in ("anonymous",) and not sees_hidden:
        assert client.post(reverse("demand:request_vote", args=[world["hidden"].pk])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_hidden_comments_only_for_moderators_and_their_author(world, client_for, role):
    client = client_for(world["users"][role])
    sees_hidden = role == "admin"  # the author (other_company) is tested below; Acme's member is no moderator
    page = client.get(world["public"].get_absolute_url()).content.decode()
    assert "Visible comment" in page
    assert ("Abusive comment" in page) is (sees_hidden or role == "other_company")
    bodies = [c["body"] for c in client.get(f"/api/v1/data-requests/{world['public'].pk}/comments/").json()]
    assert ("Abusive comment" in bodies) is (sees_hidden or role == "other_company")
    status = client.get(f"/api/v1/data-request-comments/{world['hidden_comment'].pk}/").status_code
    assert status == (200 if sees_hidden or role == "other_company" else 404)


def test_moderation_rights(world, client_for, consumer, admin_user):
    comment = world["visible_comment"]
    # A plain member of the requesting company may report but not hide.
    member = client_for(consumer)
    assert (
        member.post(f"/api/v1/data-request-comments/{comment.pk}/report/", {"reason": "rude"}).status_code
        == 204
    )
    assert member.post(f"/api/v1/data-request-comments/{comment.pk}/hide/").status_code == 403
    assert (
        member.post(
            f"/api/v1/data-requests/{world['public'].pk}/moderate/", {"comments_locked": True}
        ).status_code
        == 403
    )
    # The site admin locks the discussion; then nobody comments.
    admin = client_for(admin_user)
    locked = admin.post(f"/api/v1/data-requests/{world['public'].pk}/moderate/", {"comments_locked": True})
    assert locked.status_code == 200 and locked.json()["comments_locked"] is True
    refused = member.post(f"/api/v1/data-requests/{world['public'].pk}/comments/", {"body": "one more"})
    assert refused.status_code == 403
    assert Comment.objects.filter(body="one more").count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_answers_that_became_private_are_not_linked(world, client_for, role):
    client = client_for(world["users"][role])
    sees = role in ("publisher_editor", "admin")
    page = client.get(world["answered"].get_absolute_url()).content.decode()
    assert ("Gone dataset" in page) is sees
    item = client.get(f"/api/v1/data-requests/{world['answered'].pk}/").json()
    assert item["fulfilled_dataset"] == ("rotterdam-gone" if sees else None)


@pytest.mark.parametrize("role", ROLES)
def test_showcases_never_leak_drafts(world, client_for, role, draft_dataset):
    client = client_for(world["users"][role])
    member = role in ("requester", "admin")
    listing = client.get(reverse("demand:showcase_list")).content.decode()
    assert ("Secret showcase" in listing) is member
    assert client.get(reverse("demand:showcase_detail", args=["acme-draft"])).status_code == (
        200 if member else 404
    )
    assert client.get("/api/v1/showcases/").json()["count"] == (2 if member else 1)
    # The draft dataset a showcase uses is listed only to those who may see the draft.
    sees_draft = role in ("publisher_editor", "admin")
    page = client.get(reverse("demand:showcase_detail", args=["acme-app"])).content.decode()
    assert (draft_dataset.title in page) is sees_draft
    datasets = client.get("/api/v1/showcases/acme-app/").json()["datasets"]
    assert (draft_dataset.slug in datasets) is sees_draft


@pytest.mark.parametrize("role", ROLES)
def test_recommendations_never_suggest_drafts(world, client_for, role, published_dataset, draft_dataset):
    user = world["users"][role]
    similar_compute(dataset_id=published_dataset.pk)
    from django.contrib.auth.models import AnonymousUser

    viewer = user or AnonymousUser()
    assert draft_dataset not in similar_datasets(dataset=published_dataset, user=viewer)
    assert draft_dataset not in also_used_with(dataset=published_dataset, user=viewer)
    page = client_for(user).get(published_dataset.get_absolute_url()).content.decode()
    assert draft_dataset.title not in page
    # The dataset page counts only the showcases the viewer may see.
    assert "Acme app" in page
    suggest = (
        client_for(user).get("/api/v1/data-requests/suggest/", {"title": "noise sensors traffic"}).json()
    )
    assert draft_dataset.slug not in [d["slug"] for d in suggest]


def test_withdrawn_dataset_page_does_not_reveal_the_request_it_answered(world, client_for):
    answered = DataRequest.objects.get(pk=world["answered"].pk)
    assert answered.fulfilled_dataset.status == DatasetStatus.WITHDRAWN
    assert client_for(None).get(answered.fulfilled_dataset.get_absolute_url()).status_code == 404
    assert timezone.now() >= answered.fulfilled_at
