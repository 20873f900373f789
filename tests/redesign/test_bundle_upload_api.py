"""A BPMN with its DMN and forms uploaded as one zip, over HTTP."""
from __future__ import annotations

from io import BytesIO

from engine.definitions import archives
from tests.engine.test_archives import zipped
from tests.engine.test_dialects import dialect_files


def post_zip(api, path: str, raw: bytes):
    return api.as_("supervisor").post(path, data={"files": [(BytesIO(raw), "bundle.zip")]},
                                      content_type="multipart/form-data")


def test_a_zipped_bundle_deploys_as_one_upload(api):
    raw = zipped(dialect_files("drg_rujukan.bpmn", "drg_risiko.dmn"))
    response = post_zip(api, "/process-definitions", raw)
    assert response.status_code == 201, response.json
    assert response.json["key"] == "rujukanRisiko"


def test_a_zipped_bundle_validates(api):
    response = post_zip(api, "/process-definitions/validate/upload",
                        zipped(dialect_files("drg_rujukan.bpmn", "drg_risiko.dmn")))
    assert response.status_code == 200 and response.json["valid"] is True, response.json


def test_a_zip_bomb_is_a_400_naming_the_zip(api):
    response = post_zip(api, "/process-definitions", zipped({"bom.bpmn": b"\0" * (archives.MAX_ENTRY_BYTES - 1)}))
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert [(p["file"], "zip bomb" in p["message"]) for p in response.json["problems"]] == [("bundle.zip", True)]


def test_a_zip_entry_climbing_out_is_reported_by_validate_as_a_problem_of_the_zip(api):
    response = post_zip(api, "/process-definitions/validate/upload", zipped({"../../etc/x.bpmn": b"<x/>"}))
    assert response.status_code == 200 and response.json["valid"] is False
    assert "points outside the archive" in response.json["problems"][0]["message"]


def test_unpack_gives_the_editor_a_zips_files_as_text_with_their_kinds(api):
    raw = zipped({**dialect_files("drg_rujukan.bpmn", "drg_risiko.dmn"), "formulir/skor.json": b"{}",
                  "catatan.txt": b"ignored"})
    response = post_zip(api, "/process-definitions/unpack", raw)
    assert response.status_code == 200, response.json
    assert [(f["name"], f["kind"]) for f in response.json] == [
        ("drg_risiko.dmn", "dmn"), ("drg_rujukan.bpmn", "bpmn"), ("formulir/skor.json", "form")]
    assert "rujukanRisiko" in response.json[1]["text"]


def test_unpack_reads_xml_in_the_encoding_it_declares_and_declares_utf8_after(api):
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<definitions name="Prüfung"/>'.encode("iso-8859-1")
    response = api.as_("supervisor").post("/process-definitions/unpack", data={
        "files": [(BytesIO(latin), "pruefung.bpmn")]}, content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    assert response.json[0]["text"] == '<?xml version="1.0" encoding="UTF-8"?>\n<definitions name="Prüfung"/>'


def test_unpack_is_for_editors_only(api):
    response = api.as_("peksos").post("/process-definitions/unpack", data={
        "files": [(BytesIO(b"<x/>"), "a.bpmn")]}, content_type="multipart/form-data")
    assert response.status_code == 403
