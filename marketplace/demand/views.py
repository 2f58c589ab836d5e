"""Pages of the demand side: /requests/ (post, find, upvote, follow, discuss, answer) and /showcases/."""

import functools
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Organization, Programme
from catalog.filters import BBoxField

from . import permissions, recommendations, selectors, services, throttle
from .choices import ShowcaseStatus
from .filters import DataRequestFilterSet, ShowcaseFilterSet
from .forms import CommentForm, DataRequestForm, RespondForm, ShowcaseForm
from .models import Comment, DataRequest, Showcase

logger = logging.getLogger(__name__)
PAGE_SIZE = 20


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _too_many(request, exc: throttle.RateLimited):
    response = HttpResponse(
        _("Too many posts in a short time; try again in %(minutes)d minutes.")
        % {"minutes": max(1, exc.retry_after // 60)},
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def refusal_as_message(view):
    """A refused action on an object the user may see goes back to its page with the reason (never a
    bare 403 page); objects they may not see are still a 404 from the lookup."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do this."))
            if "pk" in kwargs:
                return redirect("demand:request_detail", pk=kwargs["pk"])
            return redirect("demand:showcase_detail", slug=kwargs["slug"])

    return wrapped


def _visible_request(request, pk) -> DataRequest:
    return get_object_or_404(selectors.data_request_list(user=request.user), pk=pk)


# --- requests ----------------------------------------------------------------------------------------


@require_GET
def request_list(request):
    filterset = DataRequestFilterSet(
        request.GET or None, queryset=selectors.data_request_list(user=request.user)
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "demand/request_list.html", {"filterset": filterset, "page": page})


@login_required
def request_create(request):
    organizations = permissions.member_organizations(request.user)
    form = DataRequestForm(
        request.POST or None,
        organizations=organizations,
        initial={"organization": organizations.first(), "title": request.GET.get("q", "")[:200]},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            throttle.check(request.user, "request")
            data_request = services.data_request_create(actor=request.user, **data)
        except throttle.RateLimited as exc:
            return _too_many(request, exc)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Your request is published. Publishers and others can now find it."))
            return redirect(data_request)
    if not organizations.exists():
        messages.info(request, _("Join or create an organisation to post data requests."))
    return render(request, "demand/request_form.html", {"form": form})


@login_required
@refusal_as_message
def request_edit(request, pk):
    """The requester edits an open or planned request (the organisation stays the same)."""
    data_request = _visible_request(request, pk)
    if not permissions.can_withdraw(request.user, data_request):
        raise PermissionDenied(_("Only the requester may edit an active request."))
    initial = {
        "organization": data_request.organization,
        "title": data_request.title,
        "description": data_request.description,
        "themes": list(data_request.themes.all()),
        "spatial_name": data_request.spatial_name,
        "bbox": ",".join(str(v) for v in data_request.bbox) if data_request.bbox else "",
        "formats": list(data_request.formats.all()),
        "frequency": data_request.frequency,
        "intended_use": data_request.intended_use,
        "deadline": data_request.deadline,
        "willing_to_pay": data_request.willing_to_pay,
        "addressed_to": data_request.addressed_to,
    }
    form = DataRequestForm(
        request.POST or None,
        organizations=Organization.objects.filter(pk=data_request.organization_id),
        initial=initial,
    )
    form.fields["organization"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("organization")
        try:
            services.data_request_update(data_request=data_request, actor=request.user, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The request is updated."))
            return redirect(data_request)
    return render(request, "demand/request_form.html", {"form": form, "data_request": data_request})


@require_GET
def request_suggest(request):
    """Suggested matches while a request is written (htmx fragment): the catalogue search for its words."""
    title = request.GET.get("title", "")[:200]
    description = request.GET.get("description", "")[:2000]
    themes = request.GET.getlist("themes")[:20]
    try:
        bbox = BBoxField(required=False).clean(request.GET.get("bbox", ""))
    except ValidationError:
        bbox = None
    suggestions = (
        recommendations.suggested_datasets(
            user=request.user, title=title, description=description, themes=themes, bbox=bbox
        )
        if title.strip() or themes
        else []
    )
    return render(request, "demand/_suggestions.html", {"suggestions": suggestions, "live": True})


@require_GET
def request_detail(request, pk):
    data_request = _visible_request(request, pk)
    user = request.user
    answer_dataset, answer_model = selectors.visible_answer(data_request, user)
    responders = permissions.responder_organizations(user, data_request)
    context = {
        "data_request": data_request,
        "answer_dataset": answer_dataset,
        "answer_model": answer_model,
        "threads": selectors.comment_threads(data_request=data_request, user=user),
        "suggestions": recommendations.request_suggestions(data_request=data_request, user=user)
        if data_request.is_active
        else [],
        "can_respond": data_request.is_active and responders.exists(),
        "respond_form": RespondForm(organizations=responders, initial={"organization": responders.first()})
        if data_request.is_active
        else None,
        "can_withdraw": permissions.can_withdraw(user, data_request),
        "can_moderate": permissions.can_moderate(user, data_request),
        "comment_form": CommentForm(),
    }
    return render(request, "demand/request_detail.html", context)


@login_required
@require_POST
@refusal_as_message
def request_vote(request, pk):
    """Toggle the user's upvote (htmx swaps the button; a plain form goes back to the page)."""
    data_request = _visible_request(request, pk)
    if request.POST.get("vote") == "0":
        services.data_request_unvote(data_request=data_request, user=request.user)
    else:
        services.data_request_upvote(data_request=data_request, user=request.user)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
        next_url = ""  # only paths of this site (never //other.host or a scheme)
    if request.htmx:
        data_request = _visible_request(request, pk)
        return render(request, "demand/_vote.html", {"data_request": data_request, "next_url": next_url})
    return redirect(next_url or data_request)


@login_required
@require_POST
@refusal_as_message
def request_follow(request, pk):
    data_request = _visible_request(request, pk)
    if request.POST.get("follow") == "0":
        services.data_request_unfollow(data_request=data_request, user=request.user)
        messages.info(request, _("You no longer follow this request."))
    else:
        services.data_request_follow(data_request=data_request, user=request.user)
        messages.success(request, _("You will be told when this request is answered."))
    return redirect(data_request)


@login_required
@require_POST
@refusal_as_message
def request_respond(request, pk):
    data_request = _visible_request(request, pk)
    responders = permissions.responder_organizations(request.user, data_request)
    if not responders.exists():
        raise PermissionDenied
    form = RespondForm(request.POST, organizations=responders)
    if form.is_valid():
        try:
            services.data_request_respond(data_request=data_request, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Your answer is recorded; the requester and followers were told."))
            return redirect(data_request)
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{form.fields[field].label}: {error}" if field in form.fields else error)
    return redirect(data_request)


@login_required
@require_POST
@refusal_as_message
def request_withdraw(request, pk):
    data_request = _visible_request(request, pk)
    try:
        services.data_request_withdraw(
            data_request=data_request, actor=request.user, reason=request.POST.get("reason", "")[:2000]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect(data_request)


@login_required
@require_POST
@refusal_as_message
def request_moderate(request, pk):
    data_request = _visible_request(request, pk)
    action = request.POST.get("action")
    if action in ("lock", "unlock"):
        services.data_request_moderate(data_request=data_request, actor=request.user, lock=action == "lock")
    elif action in ("hide", "unhide"):
        services.data_request_moderate(data_request=data_request, actor=request.user, hide=action == "hide")
    return redirect(data_request)


@login_required
@require_POST
@refusal_as_message
def comment_create(request, pk):
    data_request = _visible_request(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = get_object_or_404(
                Comment.objects.visible_to(request.user).filter(data_request=data_request),
                pk=form.cleaned_data["parent"],
            )
        try:
            throttle.check(request.user, "comment")
            comment = services.comment_create(
                data_request=data_request, author=request.user, body=form.cleaned_data["body"], parent=parent
            )
        except throttle.RateLimited as exc:
            return _too_many(request, exc)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            return redirect(comment.get_absolute_url())
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(data_request)


def _visible_comment(request, pk, comment_pk) -> Comment:
    data_request = _visible_request(request, pk)
    return get_object_or_404(
        Comment.objects.visible_to(request.user)
        .filter(data_request=data_request)
        .select_related("data_request"),
        pk=comment_pk,
    )


@login_required
@require_POST
@refusal_as_message
def comment_report(request, pk, comment_pk):
    comment = _visible_comment(request, pk, comment_pk)
    try:
        throttle.check(request.user, "report")
    except throttle.RateLimited as exc:
        return _too_many(request, exc)
    services.comment_report(comment=comment, reporter=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("Thank you — the moderators will look at this comment."))
    return redirect(comment.data_request)


@login_required
@require_POST
@refusal_as_message
def comment_hide(request, pk, comment_pk):
    comment = _visible_comment(request, pk, comment_pk)
    services.comment_hide(
        comment=comment,
        actor=request.user,
        hidden=request.POST.get("hidden", "1") != "0",
        reason=request.POST.get("reason", ""),
    )
    return redirect(comment.get_absolute_url())


# --- showcases ---------------------------------------------------------------------------------------


@require_GET
def showcase_list(request):
    filterset = ShowcaseFilterSet(request.GET or None, queryset=selectors.showcase_list(user=request.user))
    queryset = filterset.qs.order_by("-featured_at", "-published_at", "-pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    programmes = Programme.objects.order_by("name").values_list("slug", "name")
    context = {"filterset": filterset, "page": page, "programmes": programmes}
    return render(request, "demand/showcase_list.html", context)


@require_GET
def showcase_detail(request, slug):
    showcase = get_object_or_404(
        Showcase.objects.visible_to(request.user).select_related("organization"), slug=slug
    )
    context = {
        "showcase": showcase,
        "datasets": selectors.showcase_datasets(showcase=showcase, user=request.user),
        "models": selectors.showcase_models(showcase=showcase, user=request.user),
        "can_edit": Showcase.objects.editable_by(request.user).filter(pk=showcase.pk).exists(),
        "can_feature": showcase.status == ShowcaseStatus.PUBLISHED
        and permissions.can_feature(request.user, showcase),
    }
    return render(request, "demand/showcase_detail.html", context)


@require_GET
def showcase_image(request, slug):
    """The showcase's (re-encoded) image, only for those who may see the showcase, with safe headers."""
    showcase = get_object_or_404(Showcase.objects.visible_to(request.user), slug=slug)
    if not showcase.image:
        raise Http404
    try:
        handle = showcase.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = f'inline; filename="{showcase.slug}.jpg"'
    response["Cache-Control"] = (
        "public, max-age=3600" if showcase.status == ShowcaseStatus.PUBLISHED else "private"
    )
    return response


def _showcase_form_page(request, showcase=None):
    organizations = permissions.member_organizations(request.user)
    initial = {}
    if showcase is not None:
        initial = {
            "organization": showcase.organization,
            "title": showcase.title,
            "kind": showcase.kind,
            "description": showcase.description,
            "url": showcase.url,
            "image_alt": showcase.image_alt,
            "datasets": ", ".join(showcase.datasets.values_list("slug", flat=True)),
            "models_used": ", ".join(showcase.models_used.values_list("slug", flat=True)),
            "publish": showcase.status == ShowcaseStatus.PUBLISHED,
        }
    else:
        initial = {"organization": organizations.first(), "datasets": request.GET.get("dataset", "")}
    form = ShowcaseForm(
        request.POST or None,
        request.FILES or None,
        organizations=organizations,
        user=request.user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("publish")
        data["status"] = form.status
        organization = data.pop("organization")
        try:
            if showcase is None:
                throttle.check(request.user, "showcase")
                showcase = services.showcase_create(actor=request.user, organization=organization, **data)
            else:
                showcase = services.showcase_update(showcase=showcase, actor=request.user, **data)
        except throttle.RateLimited as exc:
            return _too_many(request, exc)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The showcase is saved."))
            return redirect(showcase)
    return render(request, "demand/showcase_form.html", {"form": form, "showcase": showcase})


@login_required
def showcase_create(request):
    return _showcase_form_page(request)


@login_required
def showcase_edit(request, slug):
    showcase = get_object_or_404(Showcase.objects.editable_by(request.user), slug=slug)
    return _showcase_form_page(request, showcase)


@login_required
@require_POST
@refusal_as_message
def showcase_feature(request, slug):
    showcase = get_object_or_404(Showcase.objects.visible_to(request.user), slug=slug)
    try:
        services.showcase_feature(
            showcase=showcase, actor=request.user, featured=request.POST.get("featured") != "0"
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(showcase)


@login_required
@require_POST
def showcase_delete(request, slug):
    showcase = get_object_or_404(Showcase.objects.editable_by(request.user), slug=slug)
    services.showcase_delete(showcase=showcase, actor=request.user)
    messages.success(request, _("The showcase is deleted."))
    return redirect("demand:showcase_list")
