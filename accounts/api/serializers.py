"""Serializers of the accounts API (shapes only)."""

from rest_framework import serializers

from accounts.models import Organization


class BriefOrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["slug", "name", "kind"]


class OrganizationSerializer(serializers.ModelSerializer):
    dataset_count = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "slug",
            "name",
            "kind",
            "description",
            "city",
            "country",
            "website",
            "email",
            "uri",
            "dataset_count",
            "url",
        ]

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())
