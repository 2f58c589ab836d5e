"""NGSI-LD / Smart Data Models and CityJSON validation."""

import json

from twins.demo import air_quality_sdm, kalasatama_cityjson
from twins.ngsi import entity_form
from twins.validation import validate_upload

NORMALIZED = {
    "id": "urn:ngsi-ld:Streetlight:1",
    "type": "Streetlight",
    "status": {"type": "Property", "value": "ok"},
    "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [4.4, 51.9]}},
    "refGroup": {"type": "Relationship", "object": "urn:ngsi-ld:StreetlightGroup:7"},
}


def test_shape_detection():
    assert entity_form(NORMALIZED) == "normalized"
    assert entity_form({"id": "urn:x:1", "type": "T", "status": "ok"}) == "keyValues"
    assert (
        entity_form({"id": "urn:x:1", "type": "T", "status": "ok", "a": {"type": "Property", "value": 1}})
        == "mixed"
    )


def test_normalized_entities_validate_and_are_summarised():
    report = validate_upload(
        json.dumps([NORMALIZED, {**NORMALIZED, "id": "urn:ngsi-ld:Streetlight:2"}]).encode(),
        "e.json",
        "ngsi-ld",
    )
    assert report.counts["error"] == 0
    (streetlight,) = report.summary["entity_types"]
    assert streetlight["type"] == "Streetlight" and streetlight["count"] == 2
    assert dict(streetlight["attributes"]) == {
        "status": "Property",
        "location": "GeoProperty",
        "refGroup": "Relationship",
    }


def test_broken_entities_point_at_the_attribute():
    broken = {
        "id": "not a uri",
        "type": "Streetlight",
        "status": {"type": "Property"},
        "location": {"type": "GeoProperty", "value": {"type": "Circle"}},
        "refGroup": {"type": "Relationship", "object": 7},
    }
    report = validate_upload(json.dumps(broken).encode(), "e.json", "ngsi-ld")
    paths = {i.path: i.code for i in report.errors}
    assert paths == {
        "$.id": "id",
        "$.status": "attribute",
        "$.location.value": "geometry",
        "$.refGroup": "attribute",
    }


def test_smart_data_model_examples_against_their_schema():
    report = validate_upload(air_quality_sdm(), "aq.zip", "ngsi-ld")
    assert report.counts["error"] == 0, report.errors
    # The common-schema $ref is outside the upload: reported, never fetched.
    assert report.codes("warning") == ["schema_ref"]
    assert report.summary["forms"] == {"keyValues": 3, "normalized": 1}


def test_smart_data_model_schema_violation_has_file_and_path():
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(air_quality_sdm())) as archive:
        files = {name: json.loads(archive.read(name)) for name in archive.namelist()}
    files["examples/example.json"][1]["no2"] = -3
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, json.dumps(data))
    report = validate_upload(buffer.getvalue(), "aq.zip", "ngsi-ld")
    assert report.codes("error") == ["schema_validation"]
    assert report.errors[0].file == "examples/example.json"
    assert report.errors[0].path == "$[1].no2"


def test_cityjson_summary_and_footprints():
    report = validate_upload(json.dumps(kalasatama_cityjson()).encode(), "k.city.json", "cityjson")
    assert report.counts["error"] == 0, report.errors
    assert report.standard_version == "CityJSON 2.0"
    assert dict(report.summary["object_types"]) == {"Building": 12, "PlantCover": 1}
    assert len(report.summary["footprints"]) == 12
    assert report.summary["extent"][:2] == [25500400.0, 6675300.0]


def test_cityjson_errors():
    data = kalasatama_cityjson()
    del data["transform"]
    data["CityObjects"]["kalasatama-01"]["geometry"][0]["boundaries"][0][0][0][0] = 99999
    data["CityObjects"]["x"] = {"type": "Spaceship"}
    data["version"] = "0.9"
    report = validate_upload(json.dumps(data).encode(), "k.json", "cityjson")
    assert sorted(report.codes("error")) == ["object_type", "transform", "version", "vertex_index"]
    vertex = next(i for i in report.errors if i.code == "vertex_index")
    assert vertex.path == "$.CityObjects['kalasatama-01'].geometry[0].boundaries"
