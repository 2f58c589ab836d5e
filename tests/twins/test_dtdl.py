"""DTDL validation: the shared samples, hand-made broken variants, DTMI rules, zips."""

import copy
import io
import json
import zipfile
from pathlib import Path

import pytest

from twins.dtdl import dtmi_problem
from twins.validation import validate_upload

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "samples" / "dtdl"
BASE = {
    "@context": "dtmi:dtdl:context;3",
    "@id": "dtmi:example:port:Asset;1",
    "@type": "Interface",
    "contents": [{"@type": "Property", "name": "name", "schema": "string"}],
}
CRANE = {
    "@context": "dtmi:dtdl:context;3",
    "@id": "dtmi:example:port:Crane;1",
    "@type": "Interface",
    "extends": "dtmi:example:port:Asset;1",
    "contents": [
        {"@type": "Telemetry", "name": "hoistLoad", "schema": "double"},
        {"@type": "Relationship", "name": "servesBerth", "target": "dtmi:example:port:Berth;1"},
        {"@type": "Component", "name": "meter", "schema": "dtmi:example:energy:Meter;1"},
    ],
}


def _validate(documents, name="bundle.json"):
    return validate_upload(json.dumps(documents).encode(), name, "dtdl")


def _zip(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data if isinstance(data, bytes | str) else json.dumps(data))
    return buffer.getvalue()


@pytest.fixture
def samples_zip():
    if not SAMPLES.is_dir():
        pytest.skip(f"the shared DTDL samples are not at {SAMPLES}")
    return _zip({path.name: path.read_bytes() for path in sorted(SAMPLES.glob("*.json"))})


def test_shared_samples_validate_with_external_references_reported(samples_zip):
    report = validate_upload(samples_zip, "samples.zip", "dtdl")
    assert report.counts["error"] == 0, [i for i in report.issues if i.severity == "error"]
    assert report.outcome == "valid"
    external = {e["id"]: e["relations"] for e in report.summary["external"]}
    assert external == {
        "dtmi:digitaltwins:ngsi_ld:city:device;1": ["relationship"],
        "dtmi:digitaltwins:ngsi_ld:city:geoLocation;1": ["component"],
    }
    assert report.codes("info").count("external") == 2
    assert report.summary["counts"]["interfaces"] == 9
    assert report.standard_version == "DTDL v2"


def test_each_shared_sample_file_parses_alone():
    if not SAMPLES.is_dir():
        pytest.skip("no shared samples")
    for path in SAMPLES.glob("*.json"):
        report = validate_upload(path.read_bytes(), path.name, "dtdl")
        # Alone, a file's base interface is missing (dangling extends) but nothing else is wrong.
        assert set(report.codes("error")) <= {"dangling_extends"}, (path.name, report.errors)


def test_valid_set_with_inheritance_and_externals():
    report = _validate([BASE, CRANE])
    assert report.outcome == "valid"
    assert {e["id"] for e in report.summary["external"]} == {
        "dtmi:example:port:Berth;1",
        "dtmi:example:energy:Meter;1",
    }
    crane = next(i for i in report.summary["interfaces"] if i["id"] == CRANE["@id"])
    assert crane["extends"] == [BASE["@id"]]
    assert [c["name"] for c in crane["contents"]] == ["hoistLoad", "servesBerth", "meter"]


@pytest.mark.parametrize(
    ("dtmi", "ok"),
    [
        ("dtmi:example:port:Crane;1", True),
        ("dtmi:example:port:Crane;999999999", True),
        ("dtmi:example:port:Crane", False),  # an interface needs a version in v2
        ("dtmi:example:port:Crane;01", False),
        ("dtmi:example:port:Crane;1.2", False),  # minor versions need v3
        ("dtmi:example:port_:Crane;1", False),  # a segment may not end with "_"
        ("dtmi:9example:Crane;1", False),
        ("urn:example:Crane;1", False),
        ("dtmi:example::Crane;1", False),
    ],
)
def test_dtmi_rules_v2(dtmi, ok):
    assert (dtmi_problem(dtmi, dtdl_version=2, interface=True) is None) is ok


def test_dtmi_rules_v3_allow_minor_versions_and_long_ids():
    assert dtmi_problem("dtmi:example:port:Crane;1.2", dtdl_version=3, interface=True) is None
    long_id = "dtmi:" + ":".join(["segment"] * 20) + ";1"
    assert dtmi_problem(long_id, dtdl_version=3, interface=True) is None
    assert dtmi_problem(long_id, dtdl_version=2, interface=True) is not None  # > 128 characters


def test_bad_dtmi_points_at_the_id():
    broken = copy.deepcopy(CRANE)
    broken["@id"] = "dtmi:example:port:Crane;01"
    report = _validate([BASE, broken])
    assert report.codes("error") == ["dtmi"]
    assert report.errors[0].path == "$[1].@id"
    assert report.errors[0].file == "bundle.json"


def test_duplicate_id_is_an_error():
    report = _validate([BASE, CRANE, copy.deepcopy(BASE)])
    assert report.codes("error") == ["duplicate_id"]
    assert report.errors[0].path == "$[2].@id"


def test_dangling_extends_is_an_error():
    report = _validate([CRANE])
    assert report.codes("error") == ["dangling_extends"]
    assert report.errors[0].path == "$[0].extends"


def test_inheritance_cycle_is_an_error():
    a = {**copy.deepcopy(BASE), "extends": "dtmi:example:port:Crane;1"}
    report = _validate([a, CRANE])
    assert "cycle" in report.codes("error")
    assert "Asset;1" in report.errors[0].message and "Crane;1" in report.errors[0].message


def test_wrong_context_is_an_error():
    broken = {**copy.deepcopy(BASE), "@context": "dtmi:dtdl:context;1"}
    report = _validate([broken])
    assert report.codes("error") == ["context"]
    assert report.errors[0].path == "$[0].@context"
    missing = copy.deepcopy(BASE)
    del missing["@context"]
    assert _validate([missing]).codes("error") == ["context"]


def test_inherited_name_clash_and_bad_names_and_schemas():
    clash = copy.deepcopy(CRANE)
    clash["contents"].append({"@type": "Property", "name": "name", "schema": "string"})
    assert "duplicate_name" in _validate([BASE, clash]).codes("error")
    bad = copy.deepcopy(BASE)
    bad["contents"] = [
        {"@type": "Property", "name": "9lives", "schema": "string"},
        {"@type": "Property", "name": "level", "schema": "number"},
        {
            "@type": "Telemetry",
            "name": "state",
            "schema": {"@type": "Enum", "valueSchema": "string", "enumValues": []},
        },
        {"@type": "Gizmo", "name": "x"},
    ]
    report = _validate([bad])
    assert sorted(report.codes("error")) == ["content_type", "name", "schema", "schema"]
    assert {i.path for i in report.errors} >= {"$[0].contents[0].name", "$[0].contents[1].schema"}


def test_zip_of_many_files_reports_the_member_file():
    broken = copy.deepcopy(CRANE)
    broken["contents"][0]["schema"] = "float64"
    report = validate_upload(
        _zip({"models/Asset.json": BASE, "models/Crane.json": broken}), "port.zip", "dtdl"
    )
    assert report.codes("error") == ["schema"]
    assert report.errors[0].file == "models/Crane.json"
    assert report.errors[0].path == "$.contents[0].schema"


def test_zip_path_traversal_is_refused():
    report = validate_upload(
        _zip({"../evil.json": BASE, "/abs.json": BASE, "ok/Crane.json": CRANE}), "x.zip", "dtdl"
    )
    assert report.codes("error").count("zip_path") == 2
    assert "dangling_extends" in report.codes("error")  # Asset came only through the refused members


def test_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.json", b" " * 30_000_000)
    report = validate_upload(buffer.getvalue(), "bomb.zip", "dtdl")
    assert report.codes("error") == ["bundle"] or report.codes("error") == ["too_large"]


def test_not_json_is_reported():
    report = validate_upload(b"{not json", "x.json", "dtdl")
    assert report.codes("error") == ["json"]


def test_validate_model_command(tmp_path, capsys):
    from django.core.management import call_command

    good = tmp_path / "port.json"
    good.write_text(json.dumps([BASE, CRANE]))
    call_command("validate_model", str(good), "--kind", "dtdl")
    assert "valid: 0 errors" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([CRANE]))
    with pytest.raises(SystemExit) as exit_info:
        call_command("validate_model", str(bad), "--kind", "dtdl", "--json")
    assert exit_info.value.code == 1
    assert json.loads(capsys.readouterr().out)["issues"][0]["code"] == "dangling_extends"


def test_kinds_without_a_validator_are_stored_as_they_are():
    report = validate_upload(b"\x00binary FMU", "plant.fmu", "simulation")
    assert report.outcome == "valid" and report.codes("info") == ["no_validator"]


def test_v3_semantic_types_need_the_extension_context():
    semantic = copy.deepcopy(BASE)
    semantic["contents"].append(
        {"@type": ["Telemetry", "Temperature"], "name": "temp", "schema": "double", "unit": "degreeCelsius"}
    )
    assert _validate([semantic]).codes("warning") == ["extension"]
    semantic["@context"] = ["dtmi:dtdl:context;3", "dtmi:dtdl:extension:quantitativeTypes;1"]
    assert _validate([semantic]).codes("warning") == []
    v2 = {**copy.deepcopy(semantic), "@context": "dtmi:dtdl:context;2"}
    assert _validate([v2]).counts["warning"] == 0
