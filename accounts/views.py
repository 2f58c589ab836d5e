"""Pages of organisations, members, invitations, programmes and API tokens."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.choices import DatasetStatus
from catalog.models import Dataset

from . import services
from .forms import (
    ApiTokenForm,
    DeleteAccountForm,
    InvitationForm,
    MembershipRoleForm,
    OrganizationForm,
    ProfileForm,
)
from .models import ApiToken, Invitation, Membership, Organization, Programme


def organization_list(request):
    kind = request.GET.get("kind", "")
    organizations = Organization.objects.visible_to(request.user).annotate(
        n_datasets=Count("datasets", filter=Q(datasets__status=DatasetStatus.PUBLISHED))
    )
    if kind:
        organizations = organizations.filter(kind=kind)
    return render(request, "accounts/organization_list.html", {"organizations": organizations, "kind": kind})


def organization_detail(request, slug):
    organization = get_object_or_404(Organization.objects.visible_to(request.user), slug=slug)
    datasets = (
        Dataset.objects.visible_to(request.user)
        .filter(publisher=organization)
        .select_related("publisher", "licence")
        .prefetch_related("themes", "distributions__format")
        .order_by("-published_at", "-updated_at")
    )
    page = Paginator(datasets, 20).get_page(request.GET.get("page"))
    membership = (
        Membership.objects.filter(user=request.user, organization=organization).first()
        if request.user.is_authenticated
        else None
    )
    context = {
        "organization": organization,
        "page": page,
        "membership": membership,
        "is_admin": services.is_org_admin(user=request.user, organization=organization),
        "programmes": organization.programmes.all(),
    }
    return render(request, "accounts/organization_detail.html", context)


@login_required
def organization_create(request):
    form = OrganizationForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(creator=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Organisation created; you are its admin."))
            return redirect(organization)
    return render(request, "accounts/organization_form.html", {"form": form, "organization": None})


def _administered(request, slug) -> Organization:
    return get_object_or_404(Organization.objects.administered_by(request.user), slug=slug)


@login_required
def organization_edit(request, slug):
    organization = _administered(request, slug)
    form = OrganizationForm(
        request.POST or None, request.FILES or None, instance=organization, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(organization=organization, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Organisation saved."))
            return redirect(organization)
    return render(request, "accounts/organization_form.html", {"form": form, "organization": organization})


@login_required
def organization_members(request, slug):
    """Members and pending invitations; admins invite, change roles and remove members here."""
    organization = (
        get_object_or_404(Organization.objects.of_user(request.user), slug=slug)
        if not request.user.is_superuser
        else get_object_or_404(Organization, slug=slug)
    )
    is_admin = services.is_org_admin(user=request.user, organization=organization)
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not is_admin:
            raise Http404
        if form.is_valid():
            try:
                services.invitation_create(
                    organization=organization, invited_by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
                )
                return redirect("accounts:organization_members", slug=slug)
    context = {
        "organization": organization,
        "is_admin": is_admin,
        "memberships": organization.memberships.select_related("user").order_by("user__email"),
        "invitations": organization.invitations.pending().select_related("invited_by") if is_admin else [],
        "form": form,
        "role_form": MembershipRoleForm(),
    }
    return render(request, "accounts/organization_members.html", context)


@login_required
@require_POST
def membership_update(request, slug, pk):
    organization = _administered(request, slug)
    membership = get_object_or_404(Membership, organization=organization, pk=pk)
    try:
        if request.POST.get("action") == "remove":
            services.membership_remove(membership=membership, actor=request.user)
            messages.success(request, _("%(user)s was removed.") % {"user": membership.user})
        else:
            form = MembershipRoleForm(request.POST)
            if form.is_valid():
                services.membership_change_role(
                    membership=membership, role=form.cleaned_data["role"], actor=request.user
                )
                messages.success(request, _("Role changed."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("accounts:organization_members", slug=slug)


@login_required
@require_POST
def organization_leave(request, slug):
    membership = get_object_or_404(Membership, organization__slug=slug, user=request.user)
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("accounts:organization_members", slug=slug)
    messages.success(request, _("You left %(org)s.") % {"org": membership.organization})
    return redirect("accounts:organization_list")


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    organization = _administered(request, slug)
    invitation = get_object_or_404(Invitation, organization=organization, pk=pk)
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, _("Invitation revoked."))
    return redirect("accounts:organization_members", slug=slug)


def invitation_accept(request, token):
    """Anyone holding the link sees the invitation; accepting needs the invited account."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Welcome to %(org)s.") % {"org": invitation.organization})
            return redirect(invitation.organization)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


def programme_list(request):
    programmes = Programme.objects.annotate(n_orgs=Count("organizations"))
    return render(request, "accounts/programme_list.html", {"programmes": programmes})


def programme_detail(request, slug):
    programme = get_object_or_404(Programme, slug=slug)
    organizations = programme.organizations.annotate(
        n_datasets=Count("datasets", filter=Q(datasets__status=DatasetStatus.PUBLISHED))
    )
    latest = (
        Dataset.objects.visible_to(request.user)
        .published()
        .filter(publisher__in=programme.organizations.all())
        .select_related("publisher", "licence")
        .prefetch_related("themes", "distributions__format")
        .order_by("-published_at")[:8]
    )
    context = {"programme": programme, "organizations": organizations, "latest": latest}
    return render(request, "accounts/programme_detail.html", context)


@login_required
def api_tokens(request):
    """List, create (secret shown once) and revoke personal API tokens."""
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = services.api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data["expires_at"],
        )
        form = ApiTokenForm()
    tokens = list(ApiToken.objects.filter(user=request.user, revoked_at__isnull=True))
    from . import hooks

    usage = hooks.token_usage([t.pk for t in tokens]) if hooks.token_usage and tokens else None
    for token in tokens:
        token.calls_30_days = usage.get(token.pk, 0) if usage is not None else None
    context = {"form": form, "tokens": tokens, "secret": secret, "with_usage": usage is not None}
    return render(request, "accounts/api_tokens.html", context)


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, user=request.user, pk=pk)
    services.api_token_revoke(token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")


@login_required
def profile(request):
    """The account's own page: name, and the ways to manage e-mail, password, 2FA, tokens and data."""
    form = ProfileForm(request.POST or None, initial={"full_name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=request.user, full_name=form.cleaned_data["full_name"])
        messages.success(request, _("Profile saved."))
        return redirect("accounts:profile")
    memberships = request.user.memberships.select_related("organization")
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})


@login_required
def data_export(request):
    """Download everything held about the signed-in user as JSON (GDPR right of access)."""
    data = services.user_export_data(user=request.user)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="twinport-account.json"'
    return response


@login_required
def account_delete(request):
    """Delete the signed-in user's account after they confirm with their password."""
    blockers = services.user_delete_blockers(user=request.user)
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            services.user_delete(user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            logout(request)
            messages.success(request, _("Your account was deleted."))
            return redirect("catalog:home")
    return render(request, "accounts/account_delete.html", {"form": form, "blockers": blockers})
