"""Template tags of the quality checks: the dataset page's panel and band badges."""

from django import template

from accounts.models import Organization

from .. import scoring, selectors, services
from ..choices import Band
from ..models import QualityRun

register = template.Library()

BAND_CLASSES = {
    Band.EXCELLENT: "text-bg-success",
    Band.GOOD: "text-bg-primary",
    Band.SUFFICIENT: "text-bg-warning",
    Band.BAD: "text-bg-danger",
}


@register.filter
def band_class(band) -> str:
    """Bootstrap badge classes of a band."""
    return BAND_CLASSES.get(band, "text-bg-light")


@register.filter
def band_label(band) -> str:
    return str(Band(band).label) if band in Band.values else ""


@register.simple_tag
def max_score() -> int:
    return scoring.MAX_SCORE


@register.inclusion_tag("quality/_dataset_panel.html", takes_context=True)
def quality_panel(context, dataset):
    """The dataset page's quality section: badge, breakdown per dimension with the fix of each miss (for
    people who may edit), DCAT-AP violations, links and file checks, freshness, 5 stars, "check now"."""
    request = context.get("request")
    user = getattr(request, "user", None)
    assessment = services.assessment_for_display(dataset=dataset)
    can_check = bool(
        user is not None
        and user.is_authenticated
        and Organization.objects.editable_by(user).filter(pk=dataset.publisher_id).exists()
    )
    return {
        "request": request,
        "dataset": dataset,
        "assessment": assessment,
        "breakdown": scoring.breakdown(assessment.results) if assessment else [],
        "fixes": (
            scoring.top_fixes(
                assessment.results, has_distribution=assessment.best_distribution_id is not None
            )
            if assessment and can_check
            else []
        ),
        # Link and file details name the data's URLs (secret for restricted offers): editors only.
        "link_rows": selectors.dataset_link_rows(dataset) if assessment and can_check else [],
        "can_check": can_check,
        "active_run": QualityRun.objects.active().filter(dataset=dataset).first() if can_check else None,
        "max_score": scoring.MAX_SCORE,
        "csrf_token": context.get("csrf_token"),
    }
