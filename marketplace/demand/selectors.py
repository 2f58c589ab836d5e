"""Reads shared by the pages and the API — each starts from `visible_to(user)`."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from catalog.models import Dataset

from .models import Comment, DataRequest, DataRequestFollow, DataRequestVote, Showcase


def data_request_list(*, user):
    """Visible requests with what a list row or API item shows, in a fixed number of queries."""
    queryset = (
        DataRequest.objects.visible_to(user)
        .select_related("organization", "addressed_to", "frequency", "fulfilled_dataset", "fulfilled_model")
        .prefetch_related("themes", "formats")
        .annotate(
            vote_count=Count("votes", distinct=True),
            comment_count=Count("comments", filter=Q(comments__is_hidden=False), distinct=True),
        )
    )
    if user.is_authenticated:
        queryset = queryset.annotate(
            voted=Exists(DataRequestVote.objects.filter(data_request=OuterRef("pk"), user=user)),
            following=Exists(DataRequestFollow.objects.filter(data_request=OuterRef("pk"), user=user)),
        )
    return queryset


def visible_answer(data_request, user):
    """The dataset or model that answered `data_request`, if `user` may see it (else None)."""
    from twins.models import TwinModel

    dataset = model = None
    if data_request.fulfilled_dataset_id:
        dataset = Dataset.objects.visible_to(user).filter(pk=data_request.fulfilled_dataset_id).first()
    if data_request.fulfilled_model_id:
        model = TwinModel.objects.visible_to(user).filter(pk=data_request.fulfilled_model_id).first()
    return dataset, model


def comment_threads(*, data_request, user):
    """Top-level comments `user` may see, each with its visible replies prefetched (two queries)."""
    visible = Comment.objects.visible_to(user).filter(data_request=data_request)
    return list(
        visible.filter(parent__isnull=True)
        .select_related("author")
        .annotate(report_count=Count("reports"))
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=visible.select_related("author").annotate(report_count=Count("reports")),
                to_attr="visible_replies",
            )
        )
    )


def showcase_list(*, user):
    return (
        Showcase.objects.visible_to(user)
        .select_related("organization")
        .prefetch_related(
            Prefetch("datasets", queryset=Dataset.objects.published().select_related("publisher")),
        )
    )


def showcase_datasets(*, showcase, user):
    """The datasets a showcase uses that `user` may see."""
    return showcase.datasets.filter(pk__in=Dataset.objects.visible_to(user).values("pk")).select_related(
        "publisher"
    )


def showcase_models(*, showcase, user):
    from twins.models import TwinModel

    return showcase.models_used.filter(pk__in=TwinModel.objects.visible_to(user).values("pk")).select_related(
        "publisher"
    )


def requests_answered_by(*, dataset, user):
    """Fulfilled requests `user` may see that `dataset` answered."""
    return (
        DataRequest.objects.visible_to(user).filter(fulfilled_dataset=dataset).select_related("organization")
    )


def showcases_using(*, dataset, user):
    """Showcases `user` may see that use `dataset`, featured first."""
    from django.db.models import F

    return (
        Showcase.objects.visible_to(user)
        .filter(datasets=dataset)
        .select_related("organization")
        .order_by(F("featured_at").desc(nulls_last=True), "-published_at", "-pk")
    )
