"""The marketplace's answer to the catalogue's access questions (catalog.hooks.Access), and signed
download links.

A file request is served when the dataset's policy is OPEN, or when the caller — identified by the
session, an API token with the `download` scope (`Authorization: Bearer tp_…`), or a short-lived signed
link (`?sig=…`) — is a member of the publisher or holds an active entitlement. Everyone else gets a
404; a used-up monthly quota is a 429. Every served file is recorded (marketplace.Download).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

from accounts.authentication import note_token, token_from_header
from accounts.services import api_token_authenticate
from catalog.hooks import Access, DownloadDecision

from .choices import DownloadChannel, PolicyKind
from .metrics.choices import EventKind
from .metrics.recorder import record_use
from .policies import active_entitlement, effective_kind, is_publisher_member, policy_of

SIGNED_URL_SALT = "marketplace.download"
ODRL = "http://www.w3.org/ns/odrl/2/"


def signed_download_url(*, user, distribution) -> tuple[str, datetime]:
    """A link to the file that works without a session or token for DOWNLOAD_URL_MAX_AGE seconds.
    It names the user, so entitlement, revocation and quota are checked again when it is used."""
    value = signing.dumps({"u": user.pk, "d": distribution.pk}, salt=SIGNED_URL_SALT, compress=True)
    path = reverse(
        "catalog:distribution_download", kwargs={"slug": distribution.dataset.slug, "pk": distribution.pk}
    )
    expires = timezone.now() + timedelta(seconds=settings.DOWNLOAD_URL_MAX_AGE)
    return f"{settings.SITE_URL}{path}?sig={value}", expires


def _signed_user(value: str, distribution):
    from accounts.models import User

    try:
        data = signing.loads(value, salt=SIGNED_URL_SALT, max_age=settings.DOWNLOAD_URL_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("d") != distribution.pk:
        return None
    return User.objects.filter(pk=data.get("u"), is_active=True).first()


def download_caller(request, distribution):
    """(user, channel) of a file request: a signed link, a download-scoped token, else the session."""
    if request.GET.get("sig"):
        return _signed_user(request.GET["sig"], distribution), DownloadChannel.SIGNED
    secret = token_from_header(request.headers.get("Authorization", ""))
    if secret is not None:
        token = api_token_authenticate(secret)
        if token is None or not token.has_scope("download"):
            return None, DownloadChannel.TOKEN
        note_token(request, token)
        return token.user, DownloadChannel.TOKEN
    if request.user.is_authenticated:
        return request.user, DownloadChannel.SESSION
    return None, DownloadChannel.ANONYMOUS


class MarketplaceAccess(Access):
    def dataset_is_open(self, dataset) -> bool:
        return effective_kind(dataset) == PolicyKind.OPEN

    def data_visible_to(self, user, dataset) -> bool:
        from .policies import has_data_access

        return has_data_access(user, dataset)

    def prepare(self, queryset):
        return queryset.select_related("access_policy")

    def prepare_distributions(self, queryset):
        return queryset.select_related("dataset__access_policy")

    def download(self, request, dataset, distribution) -> DownloadDecision:
        from .services import QuotaExceeded, download_record

        user, channel = download_caller(request, distribution)
        kind = effective_kind(dataset)
        entitlement = None
        if kind != PolicyKind.OPEN:
            if user is None:
                return DownloadDecision(allowed=False, status=404)
            if not is_publisher_member(user, dataset):
                entitlement = active_entitlement(user, dataset)
                if entitlement is None:
                    return DownloadDecision(allowed=False, status=404)
        try:
            download_record(
                dataset=dataset,
                distribution=distribution,
                user=user,
                channel=channel,
                entitlement=entitlement,
            )
        except QuotaExceeded:
            return DownloadDecision(
                allowed=False, status=429, message="The monthly download quota of your plan is used up."
            )
        record_use(request, EventKind.DOWNLOAD, dataset, user=user, channel=channel)
        return DownloadDecision(allowed=True)

    def extend_offer(self, graph, offer, permission, dataset) -> None:
        """The policy's kind, purposes, duration and quota as ODRL constraints of the offer."""
        policy = policy_of(dataset)
        kind = effective_kind(dataset)
        graph.add((offer, URIRef("http://purl.org/dc/terms/description"), Literal(f"Access policy: {kind}")))
        if policy is None:
            return
        purposes = list(policy.allowed_purposes)
        for plan in policy.plans.all():
            if plan.active:
                purposes.extend(p for p in plan.allowed_purposes if p not in purposes)
        for purpose in purposes:
            constraint = BNode()
            graph.add((permission, URIRef(ODRL + "constraint"), constraint))
            graph.add((constraint, RDF.type, URIRef(ODRL + "Constraint")))
            graph.add((constraint, URIRef(ODRL + "leftOperand"), URIRef(ODRL + "purpose")))
            graph.add((constraint, URIRef(ODRL + "operator"), URIRef(ODRL + "eq")))
            graph.add((constraint, URIRef(ODRL + "rightOperand"), Literal(purpose)))
        quotas = [plan.monthly_quota for plan in policy.plans.all() if plan.active and plan.monthly_quota]
        if quotas:
            constraint = BNode()
            graph.add((permission, URIRef(ODRL + "constraint"), constraint))
            graph.add((constraint, RDF.type, URIRef(ODRL + "Constraint")))
            graph.add((constraint, URIRef(ODRL + "leftOperand"), URIRef(ODRL + "count")))
            graph.add((constraint, URIRef(ODRL + "operator"), URIRef(ODRL + "lteq")))
            graph.add((constraint, URIRef(ODRL + "rightOperand"), Literal(max(quotas), datatype=XSD.integer)))

    def package_extras(self, dataset) -> dict:
        return {
            "access_policy": effective_kind(dataset),
            "access_policy_url": dataset.uri + "#access",
        }
