"""Router registrations of the demand API (included by marketplace/api_urls.py)."""

from .views import CommentViewSet, DataRequestViewSet, ShowcaseViewSet

ROUTES = [
    ("data-requests", DataRequestViewSet, "data-request"),
    ("data-request-comments", CommentViewSet, "data-request-comment"),
    ("showcases", ShowcaseViewSet, "showcase"),
]
