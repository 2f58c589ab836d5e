"""Every write of the demand side: `<entity>_<action>(*, …)`, validated, in one transaction.

Permission failures raise PermissionDenied, bad input ValidationError (views and the API turn them
into 403/404 and 400). Notifications go through the marketplace's notification service.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from catalog.models import Dataset
from marketplace.choices import NotificationKind
from marketplace.notifications import notify

from . import permissions
from .choices import ACTIVE_STATUSES, TRANSITIONS, RequestStatus, ShowcaseStatus
from .images import process_image
from .models import (
    Comment,
    CommentReport,
    DataRequest,
    DataRequestFollow,
    DataRequestVote,
    Showcase,
)

logger = logging.getLogger(__name__)

# What followers of a data request hear (answers, status changes, comments); the title says which.
REQUEST_NOTIFICATION_KIND = NotificationKind.DATA_REQUEST_UPDATED

REQUEST_FIELDS = (
    "title",
    "description",
    "spatial_name",
    "intended_use",
    "deadline",
    "willing_to_pay",
    "frequency",
    "addressed_to",
)


def _set_bbox(data_request: DataRequest, bbox) -> None:
    if bbox:
        west, south, east, north = bbox
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
            raise ValidationError(
                {"bbox": _("The box must lie within −180…180 / −90…90, south before north.")}
            )
        data_request.bbox_west, data_request.bbox_south, data_request.bbox_east, data_request.bbox_north = (
            west,
            south,
            east,
            north,
        )
    else:
        data_request.bbox_west = data_request.bbox_south = data_request.bbox_east = (
            data_request.bbox_north
        ) = None


def _follow(data_request: DataRequest, user: User) -> None:
    DataRequestFollow.objects.get_or_create(data_request=data_request, user=user)


@transaction.atomic
def data_request_create(
    *,
    actor: User,
    organization: Organization,
    title: str,
    description: str,
    themes=(),
    formats=(),
    bbox=None,
    **fields,
) -> DataRequest:
    """Post a request on behalf of `organization` (any member may); the author follows it."""
    if not permissions.member_organizations(actor).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("You may post requests only for your own organisations."))
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    data_request = DataRequest(
        organization=organization, created_by=actor, title=title, description=description, **fields
    )
    _set_bbox(data_request, bbox)
    data_request.full_clean()
    data_request.save()
    data_request.themes.set(themes)
    data_request.formats.set(formats)
    _follow(data_request, actor)
    logger.info("data request created", extra={"data_request": data_request.pk})
    return data_request


@transaction.atomic
def data_request_update(
    *, data_request: DataRequest, actor: User, themes=None, formats=None, bbox=..., **fields
) -> DataRequest:
    """Edit an open or planned request (the requester: its author or the organisation's editors)."""
    if not permissions.can_withdraw(actor, data_request):
        raise PermissionDenied(_("Only the requester may edit an active request."))
    for name, value in fields.items():
        if name not in REQUEST_FIELDS:
            raise TypeError(f"unknown field: {name}")
        setattr(data_request, name, value)
    if bbox is not ...:
        _set_bbox(data_request, bbox)
    data_request.full_clean()
    data_request.save()
    if themes is not None:
        data_request.themes.set(themes)
    if formats is not None:
        data_request.formats.set(formats)
    return data_request


def data_request_upvote(*, data_request: DataRequest, user: User) -> bool:
    """Add `user`'s vote; True if it is new. Race-safe: the unique constraint decides, not a read."""
    if not user.is_authenticated:
        raise PermissionDenied
    try:
        with transaction.atomic():
            DataRequestVote.objects.create(data_request=data_request, user=user)
    except IntegrityError:
        return False
    return True


def data_request_unvote(*, data_request: DataRequest, user: User) -> bool:
    deleted, _rows = DataRequestVote.objects.filter(data_request=data_request, user=user).delete()
    return bool(deleted)


def data_request_follow(*, data_request: DataRequest, user: User) -> None:
    if not user.is_authenticated:
        raise PermissionDenied
    try:
        with transaction.atomic():
            _follow(data_request, user)
    except IntegrityError:  # followed twice at once: one row wins, which is all we want
        pass


def data_request_unfollow(*, data_request: DataRequest, user: User) -> None:
    DataRequestFollow.objects.filter(data_request=data_request, user=user).delete()


def _followers(data_request: DataRequest) -> list[User]:
    users = list(User.objects.filter(pk__in=data_request.follows.values("user_id"), is_active=True))
    if data_request.created_by_id and data_request.created_by not in users:
        users.append(data_request.created_by)
    return users


def _transition(data_request: DataRequest, status: str) -> None:
    if status not in TRANSITIONS.get(data_request.status, set()):
        raise ValidationError(
            {"status": _("A %(old)s request cannot become %(new)s.")
             % {"old": data_request.get_status_display().lower(), "new": RequestStatus(status).label.lower()}}
        )  # fmt: skip


@transaction.atomic
def data_request_respond(
    *,
    data_request: DataRequest,
    actor: User,
    status: str,
    organization: Organization | None = None,
    response: str = "",
    planned_for=None,
    dataset: Dataset | None = None,
    model=None,
) -> DataRequest:
    """A publisher's answer: planned (with a date), fulfilled (with a published dataset or model) or
    declined (with a reason). The requester and the followers are notified."""
    data_request = DataRequest.objects.select_for_update().get(pk=data_request.pk)
    allowed = permissions.responder_organizations(actor, data_request)
    if organization is None and dataset is not None and allowed.filter(pk=dataset.publisher_id).exists():
        organization = dataset.publisher  # answering with one's own dataset: on behalf of its publisher
    if organization is None:
        organization = allowed.first()
    if organization is None or not allowed.filter(pk=organization.pk).exists():
        raise PermissionDenied(_("Only a publishing organisation's editors may answer this request."))
    if status not in (RequestStatus.PLANNED, RequestStatus.FULFILLED, RequestStatus.DECLINED):
        raise ValidationError({"status": _("Answer with planned, fulfilled or declined.")})
    _transition(data_request, status)
    now = timezone.now()
    if status == RequestStatus.PLANNED:
        if planned_for is None:
            raise ValidationError({"planned_for": _("Say when the data is planned.")})
        data_request.planned_for = planned_for
        data_request.planned_at = data_request.planned_at or now
    elif status == RequestStatus.FULFILLED:
        from twins.models import TwinModel

        if dataset is None and model is None:
            raise ValidationError({"dataset": _("Link the dataset or model that answers the request.")})
        if dataset is not None and not Dataset.objects.published().filter(pk=dataset.pk).exists():
            raise ValidationError({"dataset": _("Only a published dataset can answer a request.")})
        if model is not None and not TwinModel.objects.published().filter(pk=model.pk).exists():
            raise ValidationError({"model": _("Only a published model can answer a request.")})
        data_request.fulfilled_dataset = dataset
        data_request.fulfilled_model = model
        data_request.fulfilled_at = now
    else:
        if not response.strip():
            raise ValidationError({"response": _("Give a reason for declining.")})
        data_request.closed_at = now
    data_request.status = status
    data_request.response = response
    data_request.responder_organization = organization
    data_request.responded_by = actor
    data_request.full_clean()
    data_request.save()
    _notify_response(data_request, organization)
    logger.info("data request answered", extra={"data_request": data_request.pk, "status": status})
    return data_request


def _notify_response(data_request: DataRequest, organization: Organization) -> None:
    values = {"org": organization.name, "title": data_request.title}
    titles = {
        RequestStatus.PLANNED: _("%(org)s plans the data you asked for in “%(title)s”"),
        RequestStatus.FULFILLED: _("Your data request “%(title)s” was fulfilled by %(org)s"),
        RequestStatus.DECLINED: _("%(org)s declined the data request “%(title)s”"),
    }
    body = data_request.response
    if data_request.status == RequestStatus.FULFILLED:
        answer = data_request.fulfilled_dataset or data_request.fulfilled_model
        body = (_("Answered by: %(answer)s") % {"answer": answer.title}) + ("\n\n" + body if body else "")
    elif data_request.status == RequestStatus.PLANNED:
        body = (_("Planned for %(date)s") % {"date": data_request.planned_for.isoformat()}) + (
            "\n\n" + body if body else ""
        )
    notify(
        _followers(data_request),
        kind=REQUEST_NOTIFICATION_KIND,
        title=titles[data_request.status] % values,
        body=body,
        url=data_request.get_absolute_url(),
        dataset=data_request.fulfilled_dataset,
    )


@transaction.atomic
def data_request_withdraw(*, data_request: DataRequest, actor: User, reason: str = "") -> DataRequest:
    """The requester takes the request back; followers other than the actor hear of it (no e-mail)."""
    data_request = DataRequest.objects.select_for_update().get(pk=data_request.pk)
    if not permissions.can_withdraw(actor, data_request):
        raise PermissionDenied(_("Only the requester may withdraw this request."))
    _transition(data_request, RequestStatus.WITHDRAWN)
    data_request.status = RequestStatus.WITHDRAWN
    data_request.response = reason
    data_request.closed_at = timezone.now()
    data_request.save()
    notify(
        [u for u in _followers(data_request) if u.pk != actor.pk],
        kind=REQUEST_NOTIFICATION_KIND,
        title=_("The data request “%(title)s” was withdrawn") % {"title": data_request.title},
        body=reason,
        url=data_request.get_absolute_url(),
        email=False,
    )
    return data_request


@transaction.atomic
def data_request_moderate(
    *, data_request: DataRequest, actor: User, lock: bool | None = None, hide: bool | None = None
) -> DataRequest:
    """Lock or unlock the comments (moderators), hide or show the whole request (site admins only)."""
    if lock is not None:
        if not permissions.can_moderate(actor, data_request):
            raise PermissionDenied(_("Only moderators may lock a discussion."))
        data_request.comments_locked = lock
    if hide is not None:
        if not actor.is_superuser:
            raise PermissionDenied(_("Only site admins may hide a request."))
        data_request.is_hidden = hide
    data_request.save(update_fields=["comments_locked", "is_hidden", "updated_at"])
    return data_request


@transaction.atomic
def comment_create(
    *, data_request: DataRequest, author: User, body: str, parent: Comment | None = None
) -> Comment:
    """A comment or a reply (to a top-level comment of the same request); the author follows the request."""
    if not author.is_authenticated:
        raise PermissionDenied
    if data_request.comments_locked:
        raise PermissionDenied(_("The discussion is locked."))
    if parent is not None:
        if parent.data_request_id != data_request.pk:
            raise ValidationError({"parent": _("Reply to a comment of the same request.")})
        if parent.parent_id is not None:  # one level of replies: answer the thread's first comment
            parent = parent.parent
        if parent.is_hidden:
            raise ValidationError({"parent": _("This comment was hidden.")})
    comment = Comment(data_request=data_request, parent=parent, author=author, body=body)
    comment.full_clean()
    comment.save()
    _follow(data_request, author)
    others = [u for u in _followers(data_request) if u.pk != author.pk]
    notify(
        others,
        kind=REQUEST_NOTIFICATION_KIND,
        title=_("New comment on the data request “%(title)s”") % {"title": data_request.title},
        url=comment.get_absolute_url(),
        email=False,
    )
    return comment


def comment_report(*, comment: Comment, reporter: User, reason: str = "") -> bool:
    """Report a comment to the moderators; True if this reporter had not reported it yet."""
    if not reporter.is_authenticated:
        raise PermissionDenied
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, reporter=reporter, reason=reason[:300])
    except IntegrityError:
        return False
    return True


@transaction.atomic
def comment_hide(*, comment: Comment, actor: User, hidden: bool = True, reason: str = "") -> Comment:
    """Hide (or show again) a comment: moderators only. Moderators and its author still see it."""
    if not permissions.can_moderate(actor, comment.data_request):
        raise PermissionDenied(_("Only moderators may hide comments."))
    comment.is_hidden = hidden
    comment.hidden_by = actor if hidden else None
    comment.hidden_at = timezone.now() if hidden else None
    comment.hidden_reason = reason[:300] if hidden else ""
    comment.save()
    return comment


# --- showcases --------------------------------------------------------------------------------------


RESERVED_SLUGS = {"new"}


def _unique_slug(title: str) -> str:
    base = slugify(title)[:90] or "showcase"
    slug, n = base, 2
    # "new" is the creation page's address (/showcases/new/), never a showcase's.
    while slug in RESERVED_SLUGS or Showcase.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_used(actor: User, datasets, models_used) -> None:
    """Only datasets and models the actor can see may be linked (nothing private by guesswork)."""
    from twins.models import TwinModel

    ids = [d.pk for d in datasets]
    if Dataset.objects.visible_to(actor).filter(pk__in=ids).count() != len(set(ids)):
        raise ValidationError({"datasets": _("Choose datasets you can see.")})
    ids = [m.pk for m in models_used]
    if TwinModel.objects.visible_to(actor).filter(pk__in=ids).count() != len(set(ids)):
        raise ValidationError({"models_used": _("Choose models you can see.")})


SHOWCASE_FIELDS = ("title", "kind", "description", "url", "image_alt", "status")


def _apply_showcase(showcase: Showcase, *, actor, fields, image, datasets, models_used) -> Showcase:
    for name, value in fields.items():
        if name not in SHOWCASE_FIELDS:
            raise TypeError(f"unknown field: {name}")
        setattr(showcase, name, value)
    newly_published = showcase.status == ShowcaseStatus.PUBLISHED and showcase.published_at is None
    if newly_published:
        showcase.published_at = timezone.now()
    # Everything is checked before the image is written: a refused save leaves no file behind.
    if datasets is not None or models_used is not None:
        _check_used(actor, datasets or [], models_used or [])
    processed = None
    if image is not None:
        try:
            processed = process_image(image)
        except ValidationError as exc:
            raise ValidationError({"image": exc.messages}) from exc
    showcase.full_clean(exclude=["image"])
    if processed is not None:
        if showcase.image:
            old, storage = showcase.image.name, showcase.image.storage
            transaction.on_commit(lambda: storage.delete(old))
        showcase.image.save(processed.name, processed, save=False)
    showcase.save()
    if datasets is not None:
        showcase.datasets.set(datasets)
    if models_used is not None:
        showcase.models_used.set(models_used)
    if newly_published:
        _notify_reuse(showcase, actor)
    return showcase


def _notify_reuse(showcase: Showcase, actor: User) -> None:
    """Tell the editors of the publishers whose published data a new showcase uses (they may feature it)."""
    from accounts.choices import EDITING_ROLES

    publishers = set(
        showcase.datasets.filter(status="published").values_list("publisher_id", flat=True)
    ) | set(showcase.models_used.filter(status="published").values_list("publisher_id", flat=True))
    publishers.discard(showcase.organization_id)
    if not publishers:
        return
    editors = User.objects.filter(
        is_active=True, memberships__organization_id__in=publishers, memberships__role__in=list(EDITING_ROLES)
    ).distinct()
    notify(
        [u for u in editors if u.pk != actor.pk],
        kind=REQUEST_NOTIFICATION_KIND,
        title=_("Your data is used in “%(title)s” by %(org)s")
        % {"title": showcase.title, "org": showcase.organization.name},
        url=showcase.get_absolute_url(),
        email=False,
    )


@transaction.atomic
def showcase_create(
    *, actor: User, organization: Organization, image=None, datasets=(), models_used=(), **fields
) -> Showcase:
    """Present a reuse on behalf of `organization` (any member may); `image` is re-encoded safely."""
    if not permissions.member_organizations(actor).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("You may present showcases only for your own organisations."))
    showcase = Showcase(
        organization=organization, created_by=actor, slug=_unique_slug(fields.get("title", ""))
    )
    return _apply_showcase(
        showcase,
        actor=actor,
        fields=fields,
        image=image,
        datasets=list(datasets),
        models_used=list(models_used),
    )


@transaction.atomic
def showcase_update(
    *, showcase: Showcase, actor: User, image=None, datasets=None, models_used=None, **fields
) -> Showcase:
    if not Showcase.objects.editable_by(actor).filter(pk=showcase.pk).exists():
        raise PermissionDenied(_("Only the presenting organisation may edit this showcase."))
    return _apply_showcase(
        showcase,
        actor=actor,
        fields=fields,
        image=image,
        datasets=None if datasets is None else list(datasets),
        models_used=None if models_used is None else list(models_used),
    )


@transaction.atomic
def showcase_feature(*, showcase: Showcase, actor: User, featured: bool = True) -> Showcase:
    """A publisher whose data the (published) showcase uses, or a site admin, features it."""
    if not permissions.can_feature(actor, showcase):
        raise PermissionDenied(_("Only publishers of the data it uses may feature a showcase."))
    if featured and showcase.status != ShowcaseStatus.PUBLISHED:
        raise ValidationError({"featured": _("Only a published showcase can be featured.")})
    showcase.featured_at = timezone.now() if featured else None
    showcase.featured_by = actor if featured else None
    showcase.save(update_fields=["featured_at", "featured_by", "updated_at"])
    return showcase


@transaction.atomic
def showcase_delete(*, showcase: Showcase, actor: User) -> None:
    if not Showcase.objects.editable_by(actor).filter(pk=showcase.pk).exists():
        raise PermissionDenied
    if showcase.image:
        name, storage = showcase.image.name, showcase.image.storage
        transaction.on_commit(lambda: storage.delete(name))
    showcase.delete()


__all__ = [
    "ACTIVE_STATUSES",
    "comment_create",
    "comment_hide",
    "comment_report",
    "data_request_create",
    "data_request_follow",
    "data_request_moderate",
    "data_request_respond",
    "data_request_unfollow",
    "data_request_unvote",
    "data_request_update",
    "data_request_upvote",
    "data_request_withdraw",
    "showcase_create",
    "showcase_delete",
    "showcase_feature",
    "showcase_update",
]
