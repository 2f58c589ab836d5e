"""Demo usage: a synthetic year of events so the usage dashboards have something to show.

Called by `catalog.demo.load_demo` (the last of its DEMO_EXTENSIONS, inside its transaction). The year
ends at `now` and is drawn from a seeded `random.Random`, so the same `now` gives the same events:

- views, downloads and API calls of the demo's published datasets, twins and twin models: busier on
  weekdays and in office hours, quieter in summer and at Christmas, growing over the year, with a
  Zipf-like popularity across datasets; by users of the companies, the research institute and the other
  cities (a few stable visitors each), by the publisher's own staff, and by anonymous visitors (whose
  visitor changes every day, as the recorder's does);
- API calls per endpoint group (datasets, ckan, dcat, twins …), with the demo users' API tokens if
  there are any (else token 0);
- searches, among them queries that find nothing, typed by several visitors (unmet demand);
- publications of the published demo datasets (at their publication date when it lies in the year;
  the demo backdates them further, so most are spread over the year instead);
- access requests, decided hours to days later (`value` = seconds to decision; the recent ones still
  pending), agreements on approval, subscriptions started and some ended;
- weekly harvest runs and monthly quality runs per city.

**Idempotent**: every synthetic event carries a visitor starting with `demo` (`MARKER`) — a real
visitor is 16 hex digits, and "m" and "o" are not hex, so no real event is ever taken for a synthetic
one. Loading again deletes the previous synthetic events first and rolls up the days both years cover,
so the number of events stays the same.

The rollup runs in a commit hook of load_demo's transaction (at once, in the same command; a test that
loads the demo without running commit hooks skips it). Loading the demo also publishes its datasets
through the catalogue's services, whose hooks record one "published" event per dataset at the moment
of loading (once the transaction commits). Those would show as a spike of publications on the day of
loading on top of the synthetic ones; the same commit hook first removes them (only "published"
events of the demo's datasets recorded during this load), and the rollup also takes in the rest of
today's real events (the demo's own requests, agreement and subscription)."""

import datetime
import hashlib
import logging
import math
import random
import time

from django.db import transaction
from django.utils import timezone

from . import recorder, rollups
from .choices import EventKind, ObjectType
from .models import Event

logger = logging.getLogger(__name__)

MARKER = "demo"
SEED = 2026
DAYS = 365
BATCH = 2000

# Per day at the end of the year, on a weekday, for the whole demo (before growth and seasons).
VIEWS_PER_DAY = 60
TWIN_VIEWS_PER_DAY = 8
DOWNLOAD_SHARE = 0.22  # of a day's views
API_CALLS_PER_DAY = 40
SEARCHES_PER_DAY = 14
ANONYMOUS_SHARE = 0.5  # of views and downloads
OWN_STAFF_SHARE = 0.08  # of signed-in views: the publisher's own people

WEEKDAY = (1.0, 1.05, 1.05, 1.0, 0.85, 0.4, 0.3)  # Monday … Sunday
MONTH = {
    1: 0.95,
    2: 1.0,
    3: 1.05,
    4: 1.0,
    5: 1.0,
    6: 0.9,
    7: 0.7,
    8: 0.75,
    9: 1.05,
    10: 1.05,
    11: 1.0,
    12: 0.8,
}
# Hours of the day (local time): office hours dominate, a little at night (scripts, other time zones).
HOURS = [1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 18, 16, 12, 15, 17, 16, 13, 9, 6, 5, 4, 3, 2, 1]

API_GROUPS = [  # (endpoint group, weight, object type it names or "")
    ("datasets", 38, ObjectType.DATASET),
    ("ckan", 20, ObjectType.DATASET),
    ("dcat", 10, ObjectType.DATASET),
    ("distributions", 6, ""),
    ("twins", 10, ObjectType.TWIN),
    ("twin-models", 6, ObjectType.MODEL),
    ("organizations", 4, ""),
    ("metrics", 2, ""),
    ("access-requests", 2, ""),
    ("downloads", 2, ""),
]
SEARCHES = [  # (query, relative frequency, filters or "")
    ("air quality", 10, ""),
    ("gtfs", 9, "format=GTFS"),
    ("flood risk", 8, "theme=ENVI"),
    ("3d city model", 8, ""),
    ("traffic", 7, ""),
    ("solar potential", 6, ""),
    ("energy buildings", 6, "theme=ENER"),
    ("noise", 5, ""),
    ("evacuation", 3, ""),
    ("port cargo", 4, ""),
    ("heat", 4, ""),
    ("", 6, "theme=TRAN"),
]
ZERO_RESULT_SEARCHES = [  # unmet demand: what people look for and the demo does not have
    ("parking occupancy vilnius", 6),
    ("noise map gdansk", 5),
    ("bike sharing turku", 4),
    ("tree inventory wroclaw", 3),
    ("pedestrian counts vilnius", 3),
    ("district heating turku", 2),
    ("real-time flood sensors gdansk", 2),
    ("lidar point cloud wroclaw", 1),
]
HARVEST_STATUSES = [("succeeded", 16), ("failed", 1)]


def load_metrics_demo(*, organisations, editors, now) -> None:
    """Replace the synthetic year of events ending at `now` and roll up its days (see the module)."""
    from accounts.models import ApiToken
    from catalog.choices import AccessRights, DatasetStatus
    from catalog.models import Dataset
    from marketplace.models import AccessPolicy
    from twins.choices import PublicationStatus
    from twins.models import CityTwin, TwinModel

    orgs = sorted(organisations.values(), key=lambda o: o.slug)
    org_ids = [o.pk for o in orgs]
    datasets = list(
        Dataset.objects.filter(publisher_id__in=org_ids, status=DatasetStatus.PUBLISHED)
        .order_by("slug")
        .values_list("pk", "slug", "publisher_id", "published_at", "access_rights")
    )
    twins = list(
        CityTwin.objects.filter(owner_id__in=org_ids, status=PublicationStatus.PUBLISHED)
        .order_by("slug")
        .values_list("pk", "owner_id")
    )
    models = list(
        TwinModel.objects.filter(publisher_id__in=org_ids, status=PublicationStatus.PUBLISHED)
        .order_by("pk")
        .values_list("pk", "publisher_id")
    )
    with_policy = set(
        AccessPolicy.objects.filter(dataset_id__in=[d[0] for d in datasets])
        .exclude(kind="open")
        .values_list("dataset_id", flat=True)
    )
    tokens: dict[int, int] = {}
    for organization_id, token_id in (
        ApiToken.objects.filter(user__memberships__organization_id__in=org_ids, revoked_at__isnull=True)
        .order_by("pk")
        .values_list("user__memberships__organization_id", "pk")
    ):
        tokens.setdefault(organization_id, token_id)

    old_days = set(
        Event.objects.filter(visitor__startswith=MARKER).order_by().values_list("day", flat=True).distinct()
    )
    Event.objects.filter(visitor__startswith=MARKER).delete()
    days = set(old_days)
    if datasets:
        clock = time.perf_counter()
        year = _Year(
            now=now,
            orgs=orgs,
            datasets=datasets,
            twins=twins,
            models=models,
            requestable={d[0] for d in datasets if d[4] != AccessRights.PUBLIC or d[0] in with_policy},
            tokens=tokens,
        )
        rows = year.events()
        drawn = time.perf_counter()
        _insert(rows)
        days |= {row["day"] for row in rows}
        logger.info(
            "metrics demo: %d synthetic events drawn in %.2f s, written in %.2f s",
            len(rows), drawn - clock, time.perf_counter() - drawn,
        )  # fmt: skip
    since = now - datetime.timedelta(minutes=10)
    demo_ids = list(Dataset.objects.filter(publisher_id__in=org_ids).values_list("pk", flat=True))
    transaction.on_commit(lambda: _after_commit(days=days, dataset_ids=demo_ids, since=since))


def _insert(rows: list[dict]) -> None:
    """Write the events in batches: plain parameter rows through `executemany` (the values adapted by the
    backend as the ORM would) — a third of the time of `bulk_create` for tens of thousands of rows."""
    from django.db import connection

    fields = [Event._meta.get_field(name) for name in recorder.FIELDS]
    table = connection.ops.quote_name(Event._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 — names from the model
    adapt_at, adapt_day = connection.ops.adapt_datetimefield_value, connection.ops.adapt_datefield_value
    names = recorder.FIELDS[2:]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql,
                [
                    (adapt_at(row["at"]), adapt_day(row["day"]), *(row[name] for name in names))
                    for row in rows[start : start + BATCH]
                ],
            )


def _pending_days() -> set:
    from .models import RollupState

    state = RollupState.objects.filter(pk=1).first()
    last = state.last_event_id if state else 0
    return set(Event.objects.filter(id__gt=last).order_by().values_list("day", flat=True).distinct())


def _after_commit(*, days: set, dataset_ids: list[int], since) -> None:
    """Once the demo is committed: remove the "published" events its own loading recorded (see the
    module), then roll up the synthetic year's days, the previous synthetic year's, and whatever real
    events are new. After the commit, so a test that loads the demo without running commit hooks
    does not pay for the rollup of a year."""
    try:
        recorder.flush()
        Event.objects.filter(
            kind=EventKind.PUBLISHED,
            object_type=ObjectType.DATASET,
            object_id__in=dataset_ids,
            at__gte=since,
            visitor="",
        ).delete()
        started = time.perf_counter()
        result = rollups.rollup(days=days | _pending_days())
        logger.info(
            "metrics demo: %d days rolled up in %.2f s", result["days"], time.perf_counter() - started
        )
        _quality_history()
    except Exception:  # noqa: BLE001 — the demo is loaded; its usage figures are a nicety
        logger.exception("metrics demo: could not roll up the synthetic year")


def _quality_history(weeks: int = 52) -> int:
    """A year of weekly quality scores behind each subject's latest real one (the demo's quality run
    scores today only), rising towards it as metadata improved: the dashboards' quality trend. Only
    missing weeks are written (a real snapshot is never replaced), so loading twice changes nothing."""
    from catalog.quality.models import QualitySnapshot

    latest: dict[str, QualitySnapshot] = {}
    for snapshot in QualitySnapshot.objects.exclude(score=None).order_by("subject_key", "date"):
        latest[snapshot.subject_key] = snapshot
    rng = random.Random(SEED)
    created = []
    for key, snapshot in sorted(latest.items()):
        taken = set(QualitySnapshot.objects.filter(subject_key=key).values_list("date", flat=True))
        for week in range(1, weeks + 1):
            day = snapshot.date - datetime.timedelta(weeks=week)
            if day in taken:
                continue
            share = 1 - 0.18 * week / weeks + rng.uniform(-0.015, 0.015)  # ~18 % lower a year ago
            created.append(
                QualitySnapshot(
                    kind=snapshot.kind,
                    organization_id=snapshot.organization_id,
                    programme_id=snapshot.programme_id,
                    subject_key=key,
                    date=day,
                    datasets=snapshot.datasets,
                    score=round(min(snapshot.score * share, snapshot.score), 1),
                    band=snapshot.band,
                    bands=snapshot.bands,
                    dimensions=snapshot.dimensions,
                    indicators=snapshot.indicators,
                    links_broken=snapshot.links_broken,
                    overdue=snapshot.overdue,
                )
            )
    QualitySnapshot.objects.bulk_create(created, batch_size=1000)
    return len(created)


def _visitor(*parts) -> str:
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=6).hexdigest()
    return MARKER + digest  # 4 + 12 characters


class _Year:
    """The draw: one instance per load, everything from one seeded generator."""

    def __init__(self, *, now, orgs, datasets, twins, models, requestable, tokens) -> None:
        self.rng = random.Random(SEED)
        self.now = now
        self.today = timezone.localdate(now)
        self.first = self.today - datetime.timedelta(days=DAYS - 1)
        self.orgs = orgs
        self.datasets = datasets
        self.tokens = tokens
        self.rows: list[dict] = []
        rng = self.rng
        # Zipf-like popularity: a shuffled ranking, weight 1 / rank^1.1.
        ranked = list(datasets)
        rng.shuffle(ranked)
        self.dataset_pool = [(d[0], d[2]) for d in ranked]
        self.dataset_weights = _cumulative([1 / (rank + 1) ** 1.1 for rank in range(len(ranked))])
        objects = [(ObjectType.TWIN, pk, owner) for pk, owner in twins]
        objects += [(ObjectType.MODEL, pk, publisher) for pk, publisher in models]
        rng.shuffle(objects)
        self.twin_pool = objects
        self.twin_weights = _cumulative([1 / (rank + 1) for rank in range(len(objects))])
        self.published_at = {d[0]: d[3] for d in datasets}
        self.requestable = sorted(requestable | self._top_per_publisher(ranked))
        # Consumers: companies and research institutes use most, other cities a little.
        self.consumers = [o.pk for o in orgs]
        self.consumer_weights = _cumulative([6 if o.kind in ("company", "research") else 1 for o in orgs])
        self.people = {o.pk: [_visitor("user", o.slug, n) for n in range(rng.randint(3, 8))] for o in orgs}

    @staticmethod
    def _top_per_publisher(ranked) -> set:
        """Each city's most popular dataset is also asked for (a higher quota, the full resolution)."""
        top: dict[int, int] = {}
        for pk, _slug, publisher, _published, _rights in ranked:
            top.setdefault(publisher, pk)
        return set(top.values())

    # --- Drawing -----------------------------------------------------------------------------------

    def _level(self, day: datetime.date) -> float:
        """Growth over the year (from 40 % to 100 %), weekday and season."""
        progress = (day - self.first).days / (DAYS - 1)
        return (0.4 + 0.6 * progress**1.3) * WEEKDAY[day.weekday()] * MONTH[day.month]

    def _count(self, mean: float) -> int:
        """About `mean` (Poisson-like noise; a normal approximation above 30)."""
        if mean <= 0:
            return 0
        if mean > 30:
            return max(0, round(self.rng.gauss(mean, math.sqrt(mean))))
        limit, k, p = math.exp(-mean), 0, self.rng.random()
        while p > limit:
            k += 1
            p *= self.rng.random()
        return k

    def _at(self, day: datetime.date, *, office: bool = False) -> datetime.datetime | None:
        hours = HOURS if not office else [0] * 8 + HOURS[8:18] + [0] * 6
        hour = self.rng.choices(range(24), weights=hours)[0]
        moment = datetime.datetime.combine(
            day, datetime.time(hour, self.rng.randrange(60), self.rng.randrange(60))
        )
        at = timezone.make_aware(moment)
        return at if at <= self.now else None

    def _who(self, day: datetime.date, publisher: int, *, anonymous_share: float) -> tuple[int, str]:
        """(consumer organisation, visitor) of one use."""
        rng = self.rng
        if rng.random() < anonymous_share:
            return 0, _visitor("anon", day.isoformat(), rng.randrange(80))
        if publisher and rng.random() < OWN_STAFF_SHARE:
            consumer = publisher
        else:
            consumer = rng.choices(self.consumers, cum_weights=self.consumer_weights)[0]
            if consumer == publisher:
                consumer = rng.choices(self.consumers, cum_weights=self.consumer_weights)[0]
        return consumer, rng.choice(self.people[consumer])

    def _dataset(self, day: datetime.date) -> tuple[int, int] | None:
        pk, publisher = self.rng.choices(self.dataset_pool, cum_weights=self.dataset_weights)[0]
        published = self.published_at.get(pk)
        if published is not None and timezone.localdate(published) > day:
            return None  # not yet published that day
        return pk, publisher

    def _add(self, kind, at, **fields) -> None:
        if at is None:
            return
        row = {
            "at": at,
            "day": timezone.localdate(at),
            "kind": str(kind),
            "object_type": "",
            "object_id": 0,
            "publisher_id": 0,
            "consumer_id": 0,
            "visitor": MARKER,
            "token_id": 0,
            "channel": "",
            "query": "",
            "filters": "",
            "results": None,
            "value": None,
        }
        row.update(fields)
        self.rows.append(row)

    # --- The year ------------------------------------------------------------------------------------

    def events(self) -> list[dict]:
        for offset in range(DAYS):
            day = self.first + datetime.timedelta(days=offset)
            level = self._level(day)
            self._uses(day, level)
            self._api_calls(day, level)
            self._searches(day, level)
            self._requests(day, level)
            self._runs(day)
        self._publications()
        return self.rows

    def _uses(self, day, level) -> None:
        rng = self.rng
        for _ in range(self._count(VIEWS_PER_DAY * level)):
            picked = self._dataset(day)
            if picked is None:
                continue
            pk, publisher = picked
            consumer, visitor = self._who(day, publisher, anonymous_share=ANONYMOUS_SHARE)
            at = self._at(day)
            fields = {"object_type": ObjectType.DATASET, "object_id": pk, "publisher_id": publisher,
                      "consumer_id": consumer, "visitor": visitor}  # fmt: skip
            self._add(EventKind.VIEW, at, **fields)
            if rng.random() < DOWNLOAD_SHARE:
                if consumer == 0:
                    channel = "anonymous"
                else:
                    channel = rng.choices(["session", "token", "signed"], weights=[7, 2, 1])[0]
                self._add(EventKind.DOWNLOAD, at, channel=channel, **fields)
        if not self.twin_pool:
            return
        for _ in range(self._count(TWIN_VIEWS_PER_DAY * level)):
            object_type, pk, publisher = rng.choices(self.twin_pool, cum_weights=self.twin_weights)[0]
            consumer, visitor = self._who(day, publisher, anonymous_share=0.4)
            at = self._at(day)
            fields = {"object_type": object_type, "object_id": pk, "publisher_id": publisher,
                      "consumer_id": consumer, "visitor": visitor}  # fmt: skip
            self._add(EventKind.VIEW, at, **fields)
            if object_type == ObjectType.MODEL and rng.random() < 0.2:
                self._add(EventKind.DOWNLOAD, at, channel="session" if consumer else "anonymous", **fields)

    def _api_calls(self, day, level) -> None:
        rng = self.rng
        groups = [g for g in API_GROUPS if g[2] not in (ObjectType.TWIN, ObjectType.MODEL) or self.twin_pool]
        weights = _cumulative([g[1] for g in groups])
        # Scripts call in bursts: a caller makes several calls in a row.
        calls = self._count(API_CALLS_PER_DAY * level)
        while calls > 0:
            burst = min(calls, rng.randint(1, 6))
            calls -= burst
            consumer = rng.choices(self.consumers, cum_weights=self.consumer_weights)[0]
            anonymous = rng.random() < 0.35
            visitor = (
                _visitor("anon", day.isoformat(), rng.randrange(80))
                if anonymous
                else rng.choice(self.people[consumer])
            )
            token = 0 if anonymous else self.tokens.get(consumer, 0)
            at = self._at(day)
            if at is None:
                continue
            for n in range(burst):
                channel, _weight, object_type = rng.choices(groups, cum_weights=weights)[0]
                fields = {"channel": channel, "visitor": visitor, "token_id": token,
                          "consumer_id": 0 if anonymous else consumer}  # fmt: skip
                if object_type == ObjectType.DATASET and rng.random() < 0.75:
                    picked = self._dataset(day)
                    if picked is not None:
                        fields.update(object_type=object_type, object_id=picked[0], publisher_id=picked[1])
                elif object_type and rng.random() < 0.75:
                    wanted = [o for o in self.twin_pool if o[0] == object_type] or self.twin_pool
                    kind, pk, publisher = rng.choice(wanted)
                    fields.update(object_type=kind, object_id=pk, publisher_id=publisher)
                self._add(
                    EventKind.API_CALL, at + datetime.timedelta(seconds=n * rng.randint(1, 20)), **fields
                )

    def _searches(self, day, level) -> None:
        rng = self.rng
        queries = _cumulative([s[1] for s in SEARCHES])
        for _ in range(self._count(SEARCHES_PER_DAY * level)):
            query, _weight, filters = rng.choices(SEARCHES, cum_weights=queries)[0]
            consumer, visitor = self._who(day, 0, anonymous_share=0.6)
            channel = rng.choices(["ui", "api", "ckan"], weights=[8, 1, 1])[0]
            self._add(EventKind.SEARCH, self._at(day), query=query, filters=filters,
                      results=rng.randint(2, 14), channel=channel, visitor=visitor,
                      consumer_id=consumer)  # fmt: skip
        # Unmet demand: about one search a day finds nothing.
        for query, weight in ZERO_RESULT_SEARCHES:
            for _ in range(self._count(weight * 0.12 * level)):
                consumer, visitor = self._who(day, 0, anonymous_share=0.5)
                self._add(EventKind.SEARCH, self._at(day), query=query, results=0, channel="ui",
                          visitor=visitor, consumer_id=consumer)  # fmt: skip

    def _requests(self, day, level) -> None:
        """Access requests (about five a week at the end of the year) and what became of them."""
        rng = self.rng
        for _ in range(self._count(0.9 * level)):
            pk = rng.choice(self.requestable)
            publisher = next(p for d, p in self.dataset_pool if d == pk)
            consumer = rng.choices(self.consumers, cum_weights=self.consumer_weights)[0]
            if consumer == publisher:
                continue
            visitor = rng.choice(self.people[consumer])
            created = self._at(day, office=True)
            if created is None:
                continue
            fields = {"object_type": ObjectType.DATASET, "object_id": pk, "publisher_id": publisher,
                      "consumer_id": consumer, "visitor": visitor}  # fmt: skip
            self._add(EventKind.REQUEST_CREATED, created, **fields)
            # Decided hours to days later: a median of about a day and a half, some take weeks.
            seconds = min(rng.lognormvariate(math.log(36 * 3600), 1.0), 30 * 86400)
            decided = created + datetime.timedelta(seconds=seconds)
            if decided > self.now:
                continue  # still waiting
            approved = rng.random() < 0.78
            kind = EventKind.REQUEST_APPROVED if approved else EventKind.REQUEST_REJECTED
            self._add(kind, decided, value=round(seconds, 1), **fields)
            if not approved:
                continue
            self._add(EventKind.AGREEMENT, decided, channel="approval", **fields)
            if rng.random() < 0.7:
                started = decided + datetime.timedelta(hours=rng.uniform(0.2, 72))
                self._subscription(started, fields)
        # Subscriptions to open datasets' updates (no request needed).
        for _ in range(self._count(0.08 * level)):
            picked = self._dataset(day)
            if picked is None:
                continue
            consumer = rng.choices(self.consumers, cum_weights=self.consumer_weights)[0]
            if consumer == picked[1]:
                continue
            fields = {"object_type": ObjectType.DATASET, "object_id": picked[0], "publisher_id": picked[1],
                      "consumer_id": consumer, "visitor": rng.choice(self.people[consumer])}  # fmt: skip
            if rng.random() < 0.3:
                self._add(EventKind.AGREEMENT, self._at(day, office=True), channel="licence", **fields)
            self._subscription(self._at(day), fields)

    def _subscription(self, started, fields) -> None:
        if started is None or started > self.now:
            return
        self._add(EventKind.SUBSCRIPTION_STARTED, started, **fields)
        if self.rng.random() < 0.25:
            ended = started + datetime.timedelta(days=self.rng.uniform(20, 200))
            if ended <= self.now:
                self._add(EventKind.SUBSCRIPTION_ENDED, ended, **fields)

    def _runs(self, day) -> None:
        """Each city harvests weekly (on its own weekday) and scores its quality on the 1st."""
        rng = self.rng
        for index, organization in enumerate(self.orgs):
            if organization.kind != "municipality":
                continue
            if day.weekday() == index % 5:
                status = rng.choices(
                    [s for s, _w in HARVEST_STATUSES], weights=[w for _s, w in HARVEST_STATUSES]
                )
                self._add(EventKind.HARVEST_RUN, self._at(day, office=True), publisher_id=organization.pk,
                          channel=status[0], value=float(rng.randint(3, 40)))  # fmt: skip
            if day.day == 1:
                self._add(EventKind.QUALITY_RUN, self._at(day, office=True), publisher_id=organization.pk,
                          channel="succeeded", value=float(rng.randint(4, 12)))  # fmt: skip

    def _publications(self) -> None:
        """Each published dataset once: at its publication when in the year, else spread over it (the
        demo backdates publications by more than a year; the portal's year still shows a steady flow)."""
        rng = self.rng
        for pk, _slug, publisher, published, _rights in self.datasets:
            if published is not None and self.first <= timezone.localdate(published) <= self.today:
                at = published
            else:
                offset = int(DAYS * rng.random() ** 0.8)  # a little more towards the end
                day = self.first + datetime.timedelta(days=min(offset, DAYS - 1))
                while day.weekday() > 4:
                    day -= datetime.timedelta(days=1)
                at = self._at(max(day, self.first), office=True) or self.now
            self._add(EventKind.PUBLISHED, at, object_type=ObjectType.DATASET, object_id=pk,
                      publisher_id=publisher)  # fmt: skip


def _cumulative(weights) -> list[float]:
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result
