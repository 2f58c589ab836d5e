"""Usage events and their daily rollups.

`Event` is the raw record, written in batches off the request path (recorder.py) and kept for
`METRICS_RETENTION_DAYS`. It holds no IP address and no user id: a visitor is a keyed hash (a user's is
stable, an anonymous visitor's changes every day), organisations are plain ids. Dashboards never read
events: the rollup task (rollups.py) turns each day's events into the tables below, which are kept.

Organisation, object and token columns are plain integers, 0 for "none" (not foreign keys): an event
outlives what it counted, and a unique key with 0 behaves the same on PostgreSQL and SQLite."""

from django.db import models

from .choices import EventKind, ObjectType


class Event(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField()
    day = models.DateField(help_text="The local date of `at` (the portal's time zone).")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    object_type = models.CharField(max_length=8, choices=ObjectType.choices, blank=True)
    object_id = models.PositiveBigIntegerField(default=0)
    publisher_id = models.PositiveIntegerField(default=0, help_text="The organisation whose object it is.")
    consumer_id = models.PositiveIntegerField(default=0, help_text="The organisation of the user acting.")
    visitor = models.CharField(max_length=16, blank=True, help_text="Keyed hash: user or anonymous visitor.")
    token_id = models.PositiveIntegerField(default=0)
    channel = models.CharField(max_length=20, blank=True, help_text="API endpoint group, download channel …")
    query = models.CharField(max_length=200, blank=True)
    filters = models.CharField(max_length=300, blank=True, help_text="A search's filters (query string).")
    results = models.IntegerField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True, help_text="Seconds from request to decision.")

    class Meta:
        indexes = [models.Index(fields=["day", "kind"], name="metrics_event_day_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id} at {self.at:%Y-%m-%d %H:%M}"


class OrganizationDay(models.Model):
    """Per day, kind and publisher: the totals, series and per-city rows of every dashboard."""

    day = models.DateField()
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    publisher_id = models.PositiveIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)
    value_sum = models.FloatField(default=0)
    # Decisions only: each decision's seconds from request (a median needs them; a day has few).
    values = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "publisher_id"], name="metrics_orgday_unique")
        ]
        indexes = [models.Index(fields=["publisher_id", "kind", "day"], name="metrics_orgday_pub")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} publisher {self.publisher_id}: {self.count}"


class ConsumerDay(models.Model):
    """Per day, kind, publisher, consumer organisation and channel: who uses whose data, and how."""

    day = models.DateField()
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    publisher_id = models.PositiveIntegerField(default=0)
    consumer_id = models.PositiveIntegerField(default=0)
    channel = models.CharField(max_length=20, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "kind", "publisher_id", "consumer_id", "channel"],
                name="metrics_consday_unique",
            )
        ]
        indexes = [models.Index(fields=["publisher_id", "day"], name="metrics_consday_pub")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.consumer_id} → {self.publisher_id}: {self.count}"


class ConsumerMonth(models.Model):
    """Per month and publisher: the organisations that used its data (viewed, downloaded, called,
    requested, agreed or subscribed; the publisher itself excluded) — "active consumer organisations"
    over a year reads twelve small sets instead of every ConsumerDay row."""

    month = models.DateField(help_text="The first day of the month.")
    publisher_id = models.PositiveIntegerField()
    consumer_id = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "publisher_id", "consumer_id"], name="metrics_consmonth_unique"
            )
        ]
        indexes = [models.Index(fields=["publisher_id", "month"], name="metrics_consmonth_pub")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.consumer_id} → {self.publisher_id}"


class Grain(models.TextChoices):
    DAY = "D", "day"
    MONTH = "M", "month"


class ObjectCount(models.Model):
    """Per day (and per month, for long ranges' top lists) and object: its views, downloads, calls.

    `visitors` are COUNTER's unique item requests: distinct visitors of the object per day (a month's
    is the sum of its days')."""

    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField(help_text="The day, or the first day of the month.")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    object_type = models.CharField(max_length=8, choices=ObjectType.choices)
    object_id = models.PositiveBigIntegerField()
    publisher_id = models.PositiveIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "day", "kind", "object_type", "object_id"], name="metrics_objcount_unique"
            )
        ]
        indexes = [
            models.Index(fields=["grain", "publisher_id", "kind", "day"], name="metrics_objcount_pub"),
            models.Index(fields=["object_type", "object_id", "grain", "day"], name="metrics_objcount_obj"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.object_type}:{self.object_id}: {self.count}"


class SearchDay(models.Model):
    """Per day and normalised query: how often it was searched, and whether it found nothing."""

    day = models.DateField()
    query = models.CharField(max_length=200)
    zero = models.BooleanField(help_text="The search found nothing.")
    count = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "query", "zero"], name="metrics_searchday_unique")
        ]
        # Partial: SQLite compares a boolean column bare (`WHERE "zero"`), which a (zero, day) index
        # would not serve.
        indexes = [models.Index(fields=["day"], condition=models.Q(zero=True), name="metrics_searchday_zero")]

    def __str__(self) -> str:
        return f"{self.day} “{self.query}”: {self.count}"


class TokenDay(models.Model):
    """Per day, API token and endpoint group: a token holder's own API use."""

    day = models.DateField()
    token_id = models.PositiveIntegerField()
    channel = models.CharField(max_length=20, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "token_id", "channel"], name="metrics_tokenday_unique")
        ]
        indexes = [models.Index(fields=["token_id", "day"], name="metrics_tokenday_token")]

    def __str__(self) -> str:
        return f"{self.day} token {self.token_id} {self.channel}: {self.count}"


class RollupState(models.Model):
    """The one row saying how far the rollups have come (the highest event id included)."""

    last_event_id = models.BigIntegerField(default=0)
    rolled_up_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"rolled up to event {self.last_event_id}"
