"""Rules of the accounts services: organisations, memberships, invitations and API tokens."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import services
from accounts.choices import OrganizationKind, Role
from accounts.models import ApiToken, Invitation, Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def role_of(user, organization) -> str | None:
    membership = Membership.objects.filter(user=user, organization=organization).first()
    return membership.role if membership else None


# --- Organisations and memberships -------------------------------------------------------------------


def test_organisation_creator_becomes_its_admin(consumer):
    organization = services.organization_create(
        creator=consumer, name="Digital Twin Lab", slug="dt-lab", kind=OrganizationKind.RESEARCH
    )

    assert role_of(consumer, organization) == Role.ADMIN


def test_organisation_with_a_reserved_slug_is_refused(consumer):
    with pytest.raises(ValidationError):
        services.organization_create(creator=consumer, name="New", slug="new", kind=OrganizationKind.OTHER)


def test_admin_changes_a_role(org_admin, editor, publisher_org):
    membership = editor.memberships.get()

    services.membership_change_role(membership=membership, role=Role.MEMBER, actor=org_admin)

    assert role_of(editor, publisher_org) == Role.MEMBER


def test_only_admins_change_roles(editor, member, other_editor, publisher_org):
    membership = member.memberships.get()

    for actor in (editor, member, other_editor):
        with pytest.raises(PermissionDenied):
            services.membership_change_role(membership=membership, role=Role.ADMIN, actor=actor)

    assert role_of(member, publisher_org) == Role.MEMBER


def test_site_admin_changes_roles(admin_user, member, publisher_org):
    services.membership_change_role(membership=member.memberships.get(), role=Role.EDITOR, actor=admin_user)

    assert role_of(member, publisher_org) == Role.EDITOR


def test_unknown_role_is_refused(org_admin, member):
    with pytest.raises(ValidationError):
        services.membership_change_role(membership=member.memberships.get(), role="owner", actor=org_admin)


def test_last_admin_cannot_be_demoted_or_removed(org_admin, publisher_org):
    membership = org_admin.memberships.get()

    with pytest.raises(ValidationError):
        services.membership_change_role(membership=membership, role=Role.EDITOR, actor=org_admin)
    with pytest.raises(ValidationError):
        services.membership_remove(membership=membership, actor=org_admin)

    assert role_of(org_admin, publisher_org) == Role.ADMIN


def test_an_admin_can_step_down_when_another_admin_remains(org_admin, publisher_org):
    second = UserFactory()
    MembershipFactory(user=second, organization=publisher_org, role=Role.ADMIN)

    services.membership_change_role(membership=org_admin.memberships.get(), role=Role.EDITOR, actor=org_admin)

    assert role_of(org_admin, publisher_org) == Role.EDITOR
    with pytest.raises(ValidationError):  # now `second` is the last admin
        services.membership_change_role(membership=second.memberships.get(), role=Role.MEMBER, actor=second)


def test_members_may_leave_and_admins_remove(org_admin, editor, member, publisher_org):
    services.membership_remove(membership=member.memberships.get(), actor=member)
    services.membership_remove(membership=editor.memberships.get(), actor=org_admin)

    assert role_of(member, publisher_org) is None
    assert role_of(editor, publisher_org) is None


def test_a_member_cannot_remove_someone_else(org_admin, member):
    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=org_admin.memberships.get(), actor=member)


# --- Invitations --------------------------------------------------------------------------------------


def invite(organization, inviter, email="newcomer@example.org", role=Role.EDITOR):
    return services.invitation_create(organization=organization, email=email, role=role, invited_by=inviter)


def token_from(message) -> str:
    link = next(line for line in message.body.splitlines() if "/invitations/" in line)
    return link.strip().rstrip("/").rsplit("/", 1)[-1]


def test_invitation_stores_only_the_hash_and_mails_the_link(
    org_admin, publisher_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(publisher_org, org_admin, email="  NewComer@Example.org ")

    assert invitation.email == "newcomer@example.org"
    assert invitation.is_pending
    [message] = mail.outbox
    assert message.to == ["newcomer@example.org"]
    assert message.subject == "[Twinport] Invitation to join Rotterdam"
    token = token_from(message)
    assert f"http://127.0.0.1:8000/invitations/{token}/" in message.body
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    assert invitation.token_hash == services.hash_secret(token)
    assert services.invitation_for_token(token) == invitation
    assert services.invitation_for_token(token + "x") is None


def test_invitation_mail_waits_for_the_commit(org_admin, publisher_org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(publisher_org, org_admin)

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_only_admins_invite(editor, member, other_editor, publisher_org):
    for actor in (editor, member, other_editor):
        with pytest.raises(PermissionDenied):
            invite(publisher_org, actor)

    assert not Invitation.objects.exists()


def test_existing_members_are_not_invited(org_admin, member, publisher_org):
    with pytest.raises(ValidationError) as exc:
        invite(publisher_org, org_admin, email=member.email.upper())

    assert "email" in exc.value.message_dict


def test_a_new_invitation_replaces_the_pending_one(org_admin, publisher_org):
    first = invite(publisher_org, org_admin)
    second = invite(publisher_org, org_admin, role=Role.MEMBER)

    first.refresh_from_db()
    assert not first.is_pending
    assert list(Invitation.objects.pending()) == [second]


def accept_setup(organization, inviter, role=Role.EDITOR, email="newcomer@example.org"):
    invitation = invite(organization, inviter, email=email, role=role)
    user = UserFactory(email=email)
    return invitation, user


def test_accepting_makes_a_membership(org_admin, publisher_org):
    invitation, user = accept_setup(publisher_org, org_admin)

    membership = services.invitation_accept(invitation=invitation, user=user)

    assert membership.role == Role.EDITOR
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert not invitation.is_pending
    with pytest.raises(ValidationError):  # single use
        services.invitation_accept(invitation=invitation, user=user)


def test_accepting_with_another_address_is_refused(org_admin, publisher_org, consumer):
    invitation, _user = accept_setup(publisher_org, org_admin)

    with pytest.raises(ValidationError) as exc:
        services.invitation_accept(invitation=invitation, user=consumer)

    assert "newcomer@example.org" in exc.value.messages[0]
    assert role_of(consumer, publisher_org) is None
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_expired_and_revoked_invitations_are_refused(org_admin, publisher_org):
    invitation, user = accept_setup(publisher_org, org_admin)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, user=user)
    assert role_of(user, publisher_org) is None

    invitation = invite(publisher_org, org_admin, email=user.email)
    services.invitation_revoke(invitation=invitation, actor=org_admin)
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, user=user)
    assert role_of(user, publisher_org) is None


def test_an_expired_link_finds_nothing(org_admin, publisher_org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(publisher_org, org_admin)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert services.invitation_for_token(token_from(mail.outbox[0])) is None


def test_accepting_never_lowers_a_role(org_admin, publisher_org):
    """Someone who became an admin meanwhile keeps admin when accepting an editor invitation."""
    invitation, user = accept_setup(publisher_org, org_admin, role=Role.EDITOR)
    MembershipFactory(user=user, organization=publisher_org, role=Role.ADMIN)

    membership = services.invitation_accept(invitation=invitation, user=user)

    assert membership.role == Role.ADMIN


def test_accepting_raises_a_weaker_role(org_admin, publisher_org):
    invitation, user = accept_setup(publisher_org, org_admin, role=Role.EDITOR)
    MembershipFactory(user=user, organization=publisher_org, role=Role.MEMBER)

    assert services.invitation_accept(invitation=invitation, user=user).role == Role.EDITOR


def test_only_admins_revoke_invitations(org_admin, editor, publisher_org):
    invitation = invite(publisher_org, org_admin)

    with pytest.raises(PermissionDenied):
        services.invitation_revoke(invitation=invitation, actor=editor)

    invitation.refresh_from_db()
    assert invitation.is_pending


# --- API tokens ---------------------------------------------------------------------------------------


def test_token_stores_only_its_hash_and_authenticates(editor):
    token, secret = services.api_token_create(user=editor, name="sync")

    assert secret.startswith("tp_")
    assert len(secret) > 40
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in str(stored)
    assert stored["key_hash"] == services.hash_secret(secret)
    assert stored["prefix"] == secret[:9]
    assert stored["scopes"] == ["publish", "read"]
    assert services.api_token_authenticate(secret) == token
    assert services.api_token_authenticate(secret[:-1]) is None


def test_token_records_when_it_was_last_used(editor):
    token, secret = services.api_token_create(user=editor, name="sync")

    services.api_token_authenticate(secret)

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_fails(editor):
    token, secret = services.api_token_create(user=editor, name="sync")

    services.api_token_revoke(token=token)

    assert services.api_token_authenticate(secret) is None


def test_expired_token_fails(editor):
    _token, secret = services.api_token_create(
        user=editor, name="old", expires_at=timezone.now() - timedelta(seconds=1)
    )
    _token, fresh = services.api_token_create(
        user=editor, name="new", expires_at=timezone.now() + timedelta(days=1)
    )

    assert services.api_token_authenticate(secret) is None
    assert services.api_token_authenticate(fresh) is not None


def test_token_of_a_deactivated_user_fails(editor):
    _token, secret = services.api_token_create(user=editor, name="sync")
    editor.is_active = False
    editor.save()

    assert services.api_token_authenticate(secret) is None


def test_token_with_read_scope_only(editor):
    token, _secret = services.api_token_create(user=editor, name="read", scopes=["read"])

    assert token.scopes == ["read"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer tp_abc", "tp_abc"),
        ("Token tp_abc", "tp_abc"),
        ("tp_abc", "tp_abc"),
        ("bearer   tp_abc", "tp_abc"),
        ("Basic dXNlcjpwYXNz", None),
        ("Bearer other-token", None),
        ("Bearer tp_a tp_b", None),
        ("", None),
    ],
)
def test_token_from_header(header, expected):
    from accounts.authentication import token_from_header

    assert token_from_header(header) == expected


def test_revoked_and_expired_tokens_are_a_401_in_the_api(api_client, editor):
    revoked, revoked_secret = services.api_token_create(user=editor, name="revoked")
    services.api_token_revoke(token=revoked)
    _expired, expired_secret = services.api_token_create(
        user=editor, name="expired", expires_at=timezone.now() - timedelta(days=1)
    )

    for secret in (revoked_secret, expired_secret):
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        response = api_client.get("/api/v1/organizations/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"


def test_valid_token_authenticates_in_the_api(api_client, member, draft_dataset):
    _token, secret = services.api_token_create(user=member, name="reader", scopes=["read"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    response = api_client.get(f"/api/v1/distributions/?dataset__slug={draft_dataset.slug}")

    assert response.status_code == 200
    assert response.data["count"] == 1  # the member sees the draft's distribution


@pytest.mark.django_db
def test_token_needs_a_known_scope(consumer):
    from django.core.exceptions import ValidationError

    from accounts.services import api_token_create

    for scopes in ([], ["admin"]):
        with pytest.raises(ValidationError):
            api_token_create(user=consumer, name="bad", scopes=scopes)
    token, _secret = api_token_create(user=consumer, name="default")
    assert token.scopes == ["publish", "read"]
    legacy, _secret = api_token_create(user=consumer, name="legacy", scopes=["read", "write"])
    assert legacy.scopes == ["publish", "read"]
    assert legacy.has_scope("publish") and not legacy.has_scope("download")
