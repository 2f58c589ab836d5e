"""Throttling per API token and plan (design.md §8): each token has its own bucket; a token whose user
holds an entitlement under a plan with an API rate gets the most generous of those rates."""

from rest_framework.throttling import SimpleRateThrottle


class TokenPlanRateThrottle(SimpleRateThrottle):
    scope = "token"

    def allow_request(self, request, view):
        token = request.auth
        if token is None or not hasattr(token, "has_scope"):
            return True  # sessions and anonymous callers have the user/anon throttles
        plan_rate = self._plan_rate(token.user)
        if plan_rate:
            self.rate = plan_rate
            self.num_requests, self.duration = self.parse_rate(plan_rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}

    @staticmethod
    def _plan_rate(user) -> str | None:
        from django.db.models import Q

        from .models import Entitlement
        from .querysets import org_ids

        rates = (
            Entitlement.objects.active()
            .filter(Q(user=user) | Q(organization_id__in=org_ids(user)))
            .exclude(plan__api_rate="")
            .filter(plan__isnull=False)
            .values_list("plan__api_rate", flat=True)
        )
        best, best_per_second = None, 0.0
        for rate in rates:
            try:
                count, seconds = SimpleRateThrottle.parse_rate(None, rate)
            except (ValueError, KeyError, IndexError):
                continue
            if count / seconds > best_per_second:
                best, best_per_second = rate, count / seconds
        return best
