"""Sitemaps list only what anonymous visitors may see."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap

from accounts.models import Organization

from .models import Dataset


class DatasetSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Dataset.objects.visible_to(AnonymousUser()).only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class OrganizationSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Organization.objects.visible_to(AnonymousUser()).only("slug").order_by("pk")
