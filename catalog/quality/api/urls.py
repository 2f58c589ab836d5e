"""The quality API's routes, registered on the /api/v1/ router by marketplace.api_urls."""

from .views import QualityAssessmentViewSet, QualityRunViewSet, QualityScoreViewSet

ROUTES = [
    ("quality-assessments", QualityAssessmentViewSet, "quality-assessment"),
    ("quality-runs", QualityRunViewSet, "quality-run"),
    ("quality-scores", QualityScoreViewSet, "quality-score"),
]
