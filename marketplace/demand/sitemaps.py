"""Sitemaps of data requests and showcases: only what anonymous visitors may see."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap

from .models import DataRequest, Showcase


class DataRequestSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return DataRequest.objects.visible_to(AnonymousUser()).only("pk", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class ShowcaseSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Showcase.objects.visible_to(AnonymousUser()).only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"data-requests": DataRequestSitemap, "showcases": ShowcaseSitemap}
