"""Sitemaps of twins and models: only what anonymous visitors may see."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap

from .models import CityTwin, TwinModel


class CityTwinSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return CityTwin.objects.visible_to(AnonymousUser()).only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class TwinModelSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return TwinModel.objects.visible_to(AnonymousUser()).only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"twins": CityTwinSitemap, "twin-models": TwinModelSitemap}
