"""Twin-model validation benchmark: ``python -m bench twins [--interfaces N] [--megabytes M] [--repeat R]``.

Generates a DTDL v3 bundle — a zip of one file per interface, ~10 MB for 1,000 interfaces by default —
with inheritance chains, components, relationships (some pointing outside the set), enums, objects and
long descriptions, and times:

* ``validate``: twins.validation.validate_upload on the zip (read, parse, validate, resolve, summarise);
* ``job``: the whole validation job as the Celery task runs it (twins.services.validation_run_execute:
  claim the run, read the stored file, validate, write the report and summary) in a throwaway database;
* the floor in the same run: unzip + ``json.loads`` of every member, nothing else.

Target (issue 8): the 10 MB bundle of 1,000 interfaces validates in under 10 s.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import time
import zipfile

TARGET_SECONDS = 10.0
NAMESPACE = "dtmi:bench:city"
PADDED_TEXTS = 25  # descriptions per interface that carry the padding (24 contents + the interface)


def make_interface(index: int, total: int, rng: random.Random, pad: int) -> dict:
    """One interface: ~40 contents, extends an earlier one (chains of depth ≤ 5), links to others."""
    contents = []
    for n in range(12):
        schema = rng.choice(["string", "double", "integer", "dateTime", "boolean"])
        contents.append(
            {
                "@type": "Property",
                "name": f"property{n}",
                "schema": schema,
                "writable": n % 2 == 0,
                "description": "x" * pad,
            }
        )
    for n in range(12):
        contents.append(
            {"@type": "Telemetry", "name": f"telemetry{n}", "schema": "double", "description": "y" * pad}
        )
    contents.append(
        {"@type": "Property", "name": "state", "schema": {"@type": "Enum", "valueSchema": "string",
         "enumValues": [{"name": f"s{k}", "enumValue": f"s{k}"} for k in range(6)]}}
    )  # fmt: skip
    contents.append(
        {"@type": "Telemetry", "name": "reading", "schema": {"@type": "Object", "fields": [
            {"name": f"f{k}", "schema": "double"} for k in range(6)]}}
    )  # fmt: skip
    contents.append({"@type": "Command", "name": "reset", "request": {"name": "mode", "schema": "string"}})
    for n in range(4):
        target = rng.randrange(total)
        contents.append(
            {"@type": "Relationship", "name": f"rel{n}", "target": f"{NAMESPACE}:Thing{target};1"}
        )
    if index % 50 == 0:
        contents.append({"@type": "Relationship", "name": "outside", "target": "dtmi:bench:external:Thing;1"})
    if index > 0:
        contents.append(
            {"@type": "Component", "name": "part", "schema": f"{NAMESPACE}:Thing{rng.randrange(index)};1"}
        )
    interface = {"@context": "dtmi:dtdl:context;3", "@id": f"{NAMESPACE}:Thing{index};1",
                 "@type": "Interface",
                 "displayName": f"Thing {index}", "description": "z" * pad, "contents": contents}  # fmt: skip
    if index % 5:  # chains of five: Thing0 ← Thing1 ← … ← Thing4, Thing5 ← …
        interface["extends"] = f"{NAMESPACE}:Thing{index - 1};1"
        for item in interface["contents"]:  # inherited names must not clash
            item["name"] = f"{item['name']}L{index % 5}"
    return interface


def make_bundle(interfaces: int, megabytes: float, seed: int = 1) -> bytes:
    """A zip of `interfaces` DTDL files whose uncompressed size is about `megabytes` MB."""
    rng = random.Random(seed)
    probe = len(json.dumps(make_interface(1, interfaces, random.Random(0), 0)))
    pad = max(0, int((megabytes * 1_000_000 / interfaces - probe) / PADDED_TEXTS))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(interfaces):
            archive.writestr(
                f"models/Thing{index}.json", json.dumps(make_interface(index, interfaces, rng, pad))
            )
    return buffer.getvalue()


def uncompressed_size(raw: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return sum(member.file_size for member in archive.infolist())


def floor(raw: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for member in archive.infolist():
            json.loads(archive.read(member))


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def run_job(raw: bytes) -> tuple[float, object]:
    """The validation job end to end in the throwaway database; returns (seconds, run)."""
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from accounts.choices import OrganizationKind, Role
    from accounts.models import Membership, Organization, User
    from twins import services

    call_command("migrate", verbosity=0)
    organisation = Organization.objects.create(
        slug="bench-city", name="Bench City", kind=OrganizationKind.MUNICIPALITY
    )
    user = User.objects.create_user("bench@example.org", password=None)
    Membership.objects.create(user=user, organization=organisation, role=Role.EDITOR)
    model = services.model_create(publisher=organisation, actor=user, title="Bench bundle", kind="dtdl")
    version = services.model_version_create(
        model=model, actor=user, version="1", file=ContentFile(raw, name="bundle.zip")
    )
    run = version.runs.get()
    started = time.perf_counter()
    run = services.validation_run_execute(run=run)
    return time.perf_counter() - started, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench twins", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--interfaces", type=int, default=1_000, help="interfaces in the bundle (default: 1000)"
    )
    parser.add_argument("--megabytes", type=float, default=10.0, help="uncompressed size in MB (default: 10)")
    parser.add_argument("--repeat", type=int, default=5, help="timed validations (default: 5)")
    parser.add_argument("--no-job", dest="job", action="store_false", help="skip the database-backed job run")
    args = parser.parse_args(argv)
    if args.interfaces < 1 or args.repeat < 1 or args.megabytes <= 0:
        parser.error("--interfaces and --repeat must be at least 1, --megabytes positive")

    from .environment import benchmark_environment

    with benchmark_environment("sqlite") as environment:
        from twins.validation import validate_upload

        print(f"Benchmark database: {environment.vendor} ({environment.location})")
        raw = make_bundle(args.interfaces, args.megabytes)
        size = uncompressed_size(raw)
        print(
            f"Bundle: {args.interfaces:,} interfaces, {size / 1e6:.1f} MB uncompressed, "
            f"{len(raw) / 1e6:.1f} MB zipped"
        )
        report = validate_upload(raw, "bundle.zip", "dtdl")
        counts = report.summary["counts"]
        print(
            f"Report: {report.outcome}, {report.counts['error']} errors, "
            f"{report.counts['warning']} warnings, "
            f"{report.counts['info']} notes (external references); {counts['interfaces']:,} interfaces, "
            f"{sum(v for k, v in counts.items() if k != 'interfaces'):,} contents"
        )
        if report.counts["error"]:
            print(
                "The generated bundle should be valid:",
                [i.message for i in report.errors[:5]],
                file=sys.stderr,
            )
            return 1
        floor_samples = timed(lambda: floor(raw), args.repeat)
        samples = timed(lambda: validate_upload(raw, "bundle.zip", "dtdl"), args.repeat)
        floor_median, median = statistics.median(floor_samples), statistics.median(samples)
        rows = [
            ("floor: unzip + json.loads", floor_median, max(floor_samples)),
            ("validate_upload", median, max(samples)),
        ]
        if args.job:
            job_seconds, run = run_job(raw)
            rows.append((f"validation job ({run.status}, {run.outcome})", job_seconds, job_seconds))
        print(f"\n{'case':<44}{'median s':>10}{'max s':>10}{'× floor':>10}")
        for name, med, worst in rows:
            print(f"{name:<44}{med:>10.2f}{worst:>10.2f}{med / floor_median:>10.1f}")
        slowest = max(row[1] for row in rows[1:])
        verdict = "PASS" if slowest < TARGET_SECONDS else "FAIL"
        print(
            f"\nTarget: {args.interfaces:,} interfaces / {size / 1e6:.0f} MB validated in "
            f"< {TARGET_SECONDS:.0f} s — {verdict} ({slowest:.2f} s)"
        )
        return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
