"""The metrics API's answers: a dashboard dict (selectors) as JSON — the same figures and tables the
pages and the CSV/JSON exports show. The serializers document the shape (OpenAPI) and convert dates."""

from rest_framework import serializers


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()
    previous_start = serializers.DateField(source="previous.start")
    previous_end = serializers.DateField(source="previous.end")
    grain = serializers.ChoiceField(
        choices=["day", "week", "month"],
        help_text="Series buckets: per day up to 62 days, per week (from Monday) up to 182, else per month.",
    )
    monthly = serializers.BooleanField(help_text="Series are per month (true when grain is month).")


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    previous = serializers.FloatField(allow_null=True, help_text="The previous period of the same length.")
    change = serializers.FloatField(
        allow_null=True, help_text="Change in per cent; null when not comparable."
    )


class SeriesSerializer(serializers.Serializer):
    buckets = serializers.ListField(child=serializers.DateField())
    publications = serializers.ListField(child=serializers.IntegerField(), required=False)
    views = serializers.ListField(child=serializers.IntegerField())
    downloads = serializers.ListField(child=serializers.IntegerField())
    api_calls = serializers.ListField(child=serializers.IntegerField())


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class TableSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.DictField())


class DashboardSerializer(serializers.Serializer):
    period = PeriodSerializer()
    compare = serializers.BooleanField()
    rolled_up_at = serializers.DateTimeField(allow_null=True, help_text="Figures include events up to here.")
    figures = FigureSerializer(many=True)
    series = SeriesSerializer(source="chart")
    previous_series = SeriesSerializer(source="previous_chart", allow_null=True)
    tables = serializers.SerializerMethodField()

    def get_tables(self, data) -> dict[str, dict]:
        return {name: table.as_dict() for name, table in data["tables"].items()}


class IndexEntrySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()


class IndexSerializer(serializers.Serializer):
    programmes = IndexEntrySerializer(many=True)
    organizations = IndexEntrySerializer(many=True)


class TokenUsageSerializer(serializers.Serializer):
    token = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    calls = serializers.IntegerField()
    groups = serializers.DictField(child=serializers.IntegerField(), help_text="Calls per endpoint group.")
