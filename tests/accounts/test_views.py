"""Accounts pages: sign-up with e-mail verification, password reset, invitations, organisations, tokens,
the language switcher."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from accounts.choices import OrganizationKind, Role
from accounts.models import ApiToken, Membership, Organization
from accounts.services import api_token_authenticate, hash_secret
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s]+")


def links_in(message) -> list[str]:
    return [urlsplit(url).path for url in LINK.findall(message.body)]


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Sign-up, verification, log-in, password reset ------------------------------------------------------


def test_signup_sends_a_verification_mail_and_login_waits_for_it(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    response = client.post(
        "/accounts/signup/", {"email": "Ada@Example.org", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not logged_in(client)
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.subject.startswith("[Twinport] ")
    [confirm] = [path for path in links_in(message) if path.startswith("/accounts/confirm-email/")]

    # Logging in before verifying only re-sends the verification.
    response = client.post("/accounts/login/", {"login": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not logged_in(client)

    # Following the link verifies the address; then logging in works.
    assert client.get(confirm).status_code == 200
    assert client.post(confirm).status_code == 302
    response = client.post("/accounts/login/", {"login": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert logged_in(client)


def test_signup_with_a_taken_address_does_not_reveal_the_account(client, editor):
    from accounts.models import User

    response = client.post(
        "/accounts/signup/", {"email": editor.email.upper(), "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302  # the same answer as for a new address
    assert User.objects.filter(email__iexact=editor.email).count() == 1
    [message] = mail.outbox
    assert message.to == [editor.email]  # the owner of the address is told, not the visitor


def test_login_with_a_wrong_password_fails(client, editor):
    response = client.post("/accounts/login/", {"login": editor.email, "password": "wrong-password"})

    assert response.status_code == 200
    assert not logged_in(client)


def test_password_reset_sends_a_mail(client, editor):
    response = client.post("/accounts/password/reset/", {"email": editor.email})

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [editor.email]
    assert any(path.startswith("/accounts/password/reset/key/") for path in links_in(message))


def test_password_reset_of_an_unknown_address_does_not_tell(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302  # the same answer as for a known address
    assert not any("/password/reset/key/" in message.body for message in mail.outbox)


def test_language_switcher(client):
    response = client.post("/i18n/setlang/", {"language": "fi", "next": "/"}, follow=True)

    assert response.status_code == 200
    assert '<html lang="fi">' in response.content.decode()
    assert '<html lang="fi">' in client.get("/datasets/").content.decode()  # remembered


def test_default_language_is_english(client):
    assert '<html lang="en">' in client.get("/").content.decode()


# --- Invitations through the pages -------------------------------------------------------------------------


def test_admin_invites_and_the_invited_user_accepts(
    client_for, org_admin, publisher_org, django_capture_on_commit_callbacks
):
    admin = client_for(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/organizations/rotterdam/members/", {"email": "newcomer@example.org", "role": "editor"}
        )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["newcomer@example.org"]
    [link] = [path for path in links_in(message) if path.startswith("/invitations/")]
    assert "newcomer@example.org" in admin.get("/organizations/rotterdam/members/").content.decode()

    # Anyone holding the link sees the invitation; accepting needs the invited account.
    anonymous = client_for(None)
    page = anonymous.get(link)
    assert page.status_code == 200
    assert "Join Rotterdam" in page.content.decode()
    assert anonymous.post(link).status_code == 200

    newcomer = UserFactory(email="newcomer@example.org")
    response = client_for(newcomer).post(link)
    assert response.status_code == 302
    assert response["Location"] == "/organizations/rotterdam/"
    assert Membership.objects.get(user=newcomer, organization=publisher_org).role == Role.EDITOR
    assert client_for(newcomer).get(link).status_code == 404  # single use


def test_the_wrong_account_cannot_accept(
    client_for, org_admin, consumer, publisher_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(org_admin).post(
            "/organizations/rotterdam/members/", {"email": "someone@example.org", "role": "admin"}
        )
    [link] = [path for path in links_in(mail.outbox[0]) if path.startswith("/invitations/")]

    response = client_for(consumer).post(link, follow=True)

    assert "log in with that address" in response.content.decode()
    assert not Membership.objects.filter(user=consumer, organization=publisher_org).exists()


def test_unknown_invitation_link_is_404(client):
    response = client.get("/invitations/not-a-token/")

    assert response.status_code == 404
    assert "invitation" in response.content.decode().lower()


@pytest.mark.parametrize("who", ["member", "editor"])
def test_non_admin_members_cannot_invite(request, client_for, who):
    user = request.getfixturevalue(who)

    response = client_for(user).post(
        "/organizations/rotterdam/members/", {"email": "x@example.org", "role": "admin"}
    )

    assert response.status_code == 404
    assert mail.outbox == []


def test_outsiders_cannot_see_the_members(client_for, other_editor, publisher_org):
    assert client_for(other_editor).get("/organizations/rotterdam/members/").status_code == 404


def test_invitation_form_errors_are_shown(client_for, org_admin, member):
    response = client_for(org_admin).post(
        "/organizations/rotterdam/members/", {"email": member.email, "role": "editor"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["This person is already a member."]


def test_admin_revokes_an_invitation(client_for, org_admin, publisher_org):
    admin = client_for(org_admin)
    admin.post("/organizations/rotterdam/members/", {"email": "late@example.org", "role": "member"})
    invitation = publisher_org.invitations.get()

    response = admin.post(f"/organizations/rotterdam/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert not invitation.is_pending


# --- Members -----------------------------------------------------------------------------------------------


def test_admin_changes_a_role_and_removes_a_member(client_for, org_admin, member, publisher_org):
    admin = client_for(org_admin)
    membership = member.memberships.get()

    admin.post(f"/organizations/rotterdam/members/{membership.pk}/", {"role": "editor"})
    membership.refresh_from_db()
    assert membership.role == Role.EDITOR

    admin.post(f"/organizations/rotterdam/members/{membership.pk}/", {"action": "remove"})
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_last_admin_cannot_demote_themself_through_the_page(client_for, org_admin):
    membership = org_admin.memberships.get()

    response = client_for(org_admin).post(
        f"/organizations/rotterdam/members/{membership.pk}/", {"role": "member"}, follow=True
    )

    assert "An organisation needs at least one admin." in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_last_admin_cannot_leave(client_for, org_admin):
    response = client_for(org_admin).post("/organizations/rotterdam/leave/", follow=True)

    assert "An organisation needs at least one admin." in response.content.decode()
    assert org_admin.memberships.exists()


def test_member_leaves(client_for, member):
    response = client_for(member).post("/organizations/rotterdam/leave/")

    assert response.status_code == 302
    assert not member.memberships.exists()


# --- Organisation pages -------------------------------------------------------------------------------------


def test_organisation_list_and_filter(client, publisher_org, other_org, consumer):
    response = client.get("/organizations/")
    assert response.status_code == 200
    assert {o.slug for o in response.context["organizations"]} == {"rotterdam", "turku", "acme-mobility"}

    response = client.get("/organizations/?kind=municipality")
    assert {o.slug for o in response.context["organizations"]} == {"rotterdam", "turku"}


def test_organisation_detail(client, publisher_org, published_dataset):
    response = client.get("/organizations/rotterdam/")

    assert response.status_code == 200
    assert response.context["organization"] == publisher_org
    assert "Rotterdam traffic flow" in response.content.decode()
    assert client.get("/organizations/atlantis/").status_code == 404


def organisation_form(**overrides) -> dict:
    data = {"name": "Mobility Lab", "slug": "mobility-lab", "kind": "company", "country": "FI"}
    data.update(overrides)
    return data


def test_user_creates_a_company_and_becomes_its_admin(client_for, consumer):
    response = client_for(consumer).post("/organizations/new/", organisation_form())

    assert response.status_code == 302
    assert response["Location"] == "/organizations/mobility-lab/"
    organization = Organization.objects.get(slug="mobility-lab")
    assert Membership.objects.get(user=consumer, organization=organization).role == Role.ADMIN


def test_only_site_admins_create_municipalities(client_for, consumer, admin_user):
    response = client_for(consumer).post("/organizations/new/", organisation_form(kind="municipality"))

    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert not Organization.objects.filter(slug="mobility-lab").exists()

    response = client_for(admin_user).post(
        "/organizations/new/", organisation_form(name="Tampere", slug="tampere", kind="municipality")
    )
    assert response.status_code == 302
    assert Organization.objects.get(slug="tampere").kind == OrganizationKind.MUNICIPALITY


def test_organisation_form_refuses_bad_input(client_for, consumer, publisher_org):
    response = client_for(consumer).post(
        "/organizations/new/", organisation_form(slug="rotterdam", website="javascript:alert(1)")
    )

    assert response.status_code == 200
    assert {"slug", "website"} <= set(response.context["form"].errors)


def test_municipality_admin_cannot_change_its_kind(client_for, org_admin, publisher_org):
    client = client_for(org_admin)
    assert "kind" not in client.get("/organizations/rotterdam/edit/").context["form"].fields

    response = client.post(
        "/organizations/rotterdam/edit/", {"name": "Gemeente Rotterdam", "kind": "company"}
    )

    assert response.status_code == 302
    publisher_org.refresh_from_db()
    assert publisher_org.name == "Gemeente Rotterdam"
    assert publisher_org.kind == OrganizationKind.MUNICIPALITY


# --- API tokens page ----------------------------------------------------------------------------------------


def test_token_page_shows_the_secret_once(client_for, editor):
    client = client_for(editor)

    response = client.post("/accounts/tokens/", {"name": "nightly sync", "scopes": ["read"]})

    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret in response.content.decode()
    token = ApiToken.objects.get(user=editor)
    assert token.scopes == ["read"]
    assert token.key_hash == hash_secret(secret)
    assert api_token_authenticate(secret) == token
    assert secret not in client.get("/accounts/tokens/").content.decode()

    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert api_token_authenticate(secret) is None


def test_tokens_of_others_cannot_be_revoked(client_for, editor, other_editor, token_for):
    token_for(editor)
    token = ApiToken.objects.get(user=editor)

    assert client_for(other_editor).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.is_active
