"""Demo content of the exchange (registered on catalog.demo.DEMO_EXTENSIONS): policies on the demo
datasets, plans, Jonas's pending and approved requests with their agreement, and a subscription.
Idempotent: running load_demo again changes nothing that is already there."""

from accounts.models import User
from catalog.models import Dataset

from . import services
from .choices import PolicyKind, RequestStatus
from .models import AccessRequest, Plan

POLICIES = {
    "rotterdam-port-vessel-movements": {
        "kind": PolicyKind.APPROVAL,
        "terms": "Terminal-level detail: use it for the stated purpose only, do not redistribute, and "
        "delete the data when the agreement ends.",
        "allowed_purposes": [],
        "default_duration_days": 365,
    },
    "rotterdam-port-cargo-throughput": {
        "kind": PolicyKind.RESTRICTED,
        "terms": "Figures per terminal are commercially sensitive; publish aggregates only.",
        "allowed_purposes": [],
        "default_duration_days": None,
    },
    "rotterdam-building-energy-labels": {
        "kind": PolicyKind.REGISTERED,
        "terms": "Sign in and accept the licence to download.",
        "allowed_purposes": [],
        "default_duration_days": None,
    },
    "amsterdam-crowd-monitor": {
        "kind": PolicyKind.APPROVAL,
        "terms": "Counts derived from personal data: research and public-safety use only.",
        "allowed_purposes": ["research", "public safety"],
        "default_duration_days": 180,
    },
    "vilnius-e-scooter-trips": {
        "kind": PolicyKind.APPROVAL,
        "terms": "Trips are pseudonymised personal data: shared with researchers under an agreement.",
        "allowed_purposes": ["research"],
        "default_duration_days": 365,
    },
    "helsinki-district-heating-network": {
        "kind": PolicyKind.APPROVAL,
        "terms": "Critical infrastructure: partners of the energy twin only.",
        "allowed_purposes": [],
        "default_duration_days": 365,
    },
}

PLANS = {
    "rotterdam-port-cargo-throughput": [
        {
            "name": "Trial",
            "terms": "Thirty days to try the data.",
            "duration_days": 30,
            "monthly_quota": 10,
            "price": "free",
            "requires_approval": False,
        },
        {
            "name": "Research",
            "terms": "Universities and research institutes.",
            "duration_days": 365,
            "monthly_quota": 1000,
            "price": "free",
            "requires_approval": True,
            "allowed_purposes": ["research"],
        },
        {
            "name": "Commercial",
            "terms": "Companies building products on the data.",
            "duration_days": 365,
            "monthly_quota": None,
            "api_rate": "1200/min",
            "price": "€ 250 / month (invoiced by the Port of Rotterdam)",
            "requires_approval": True,
        },
    ],
}

CONSUMER_EMAIL = "jonas@mobility.example"


def load_marketplace_demo(*, organisations, editors, now) -> None:
    """Give the demo datasets their policies, plans, requests, an agreement and a subscription."""
    datasets = {
        d.slug: d for d in Dataset.objects.filter(slug__in=[*POLICIES, "rotterdam-traffic-intensities"])
    }
    for slug, fields in POLICIES.items():
        dataset = datasets.get(slug)
        actor = editors.get(dataset.publisher.slug) if dataset else None
        if dataset is None or actor is None:
            continue
        policy = services.access_policy_set(dataset=dataset, actor=actor, **fields)
        for position, plan in enumerate(PLANS.get(slug, [])):
            if not Plan.objects.filter(policy=policy, name=plan["name"]).exists():
                services.plan_create(policy=policy, actor=actor, position=position, **plan)
    jonas = User.objects.filter(email=CONSUMER_EMAIL).first()
    company = organisations.get("mobility-insights")
    if jonas is None:
        return
    # Pending: Jonas asks Rotterdam for the vessel movements (Anna's inbox has it).
    vessels = datasets.get("rotterdam-port-vessel-movements")
    if vessels is not None and not AccessRequest.objects.filter(dataset=vessels, requester=jonas).exists():
        services.access_request_create(
            dataset=vessels,
            requester=jonas,
            organization=company,
            purpose="Berth-time predictions for the route planner of Mobility Insights.",
        )
    # Approved: Amsterdam granted the crowd counts for research, with an agreement.
    crowd = datasets.get("amsterdam-crowd-monitor")
    approver = editors.get("amsterdam")
    if (
        crowd is not None
        and approver is not None
        and not AccessRequest.objects.filter(dataset=crowd, requester=jonas).exists()
    ):
        access_request = services.access_request_create(
            dataset=crowd,
            requester=jonas,
            organization=company,
            purpose="Validating pedestrian flows in our multimodal model.",
            purpose_category="research",
        )
        if access_request.status == RequestStatus.REQUESTED:
            services.access_request_approve(
                access_request=access_request, approver=approver, conditions="Publish aggregates only."
            )
    traffic = datasets.get("rotterdam-traffic-intensities")
    if traffic is not None:
        services.subscription_create(user=jonas, organization=company, dataset=traffic)
