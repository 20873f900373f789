"""A bundle in one zip file: its files deploy as if uploaded one by one; unsafe zips are refused."""
from __future__ import annotations

import io
import zipfile

import pytest

from engine.definitions import archives
from engine.definitions.parsing import parse_bundle
from engine.errors import DeployError
from tests.engine.test_dialects import dialect_files

pytestmark = pytest.mark.unit


def zipped(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def refusal(files: dict[str, bytes]) -> str:
    with pytest.raises(DeployError) as refused:
        parse_bundle(files)
    (problem,) = refused.value.problems
    assert problem.file == "bundle.zip"
    return problem.message


def test_a_zip_of_a_bpmn_and_its_dmn_in_folders_deploys_with_each_file_stored():
    files = dialect_files("drg_rujukan.bpmn", "drg_risiko.dmn")
    parsed = parse_bundle({"bundle.zip": zipped({"rujukan/drg_rujukan.bpmn": files["drg_rujukan.bpmn"],
                                                 "rujukan/keputusan/drg_risiko.dmn": files["drg_risiko.dmn"]})})
    assert parsed.process_key == "rujukanRisiko"
    assert sorted(parsed.files) == ["rujukan/drg_rujukan.bpmn", "rujukan/keputusan/drg_risiko.dmn"]


def test_folders_and_files_that_archivers_add_are_left_out():
    files = {"proses/": b"", "__MACOSX/proses/._x.bpmn": b"junk", ".DS_Store": b"junk",
             **dialect_files("flowable_cuti.bpmn20.xml")}
    assert sorted(archives.expand({"bundle.zip": zipped(files)})) == ["flowable_cuti.bpmn20.xml"]


@pytest.mark.parametrize("entry", ["../luar.bpmn", "/etc/passwd.bpmn", "a/../../luar.bpmn", "C:/luar.bpmn"])
def test_an_entry_that_climbs_out_of_the_archive_is_refused(entry):
    assert "points outside the archive" in refusal({"bundle.zip": zipped({entry: b"<x/>"})})


def test_a_zip_bomb_is_refused_before_it_is_expanded_in_full():
    bomb = zipped({"bom.bpmn": b"\0" * (archives.MAX_ENTRY_BYTES - 1)})
    assert len(bomb) < 20_000
    assert "zip bomb" in refusal({"bundle.zip": bomb})


def test_an_entry_larger_than_the_limit_is_refused_whatever_its_header_says():
    big = zipped({"besar.bpmn": bytes(range(256)) * (archives.MAX_ENTRY_BYTES // 256 + 1)}, zipfile.ZIP_STORED)
    assert "larger than" in refusal({"bundle.zip": big})


def test_too_many_entries_are_refused():
    many = zipped({f"f{n}.json": b"{}" for n in range(archives.MAX_ENTRIES + 1)})
    assert f"at most {archives.MAX_ENTRIES}" in refusal({"bundle.zip": many})


def test_a_zip_inside_the_zip_is_refused():
    assert "nested archives" in refusal({"bundle.zip": zipped({"dalam.zip": zipped({"a.bpmn": b"<x/>"})})})


def test_a_file_that_is_not_a_zip_is_refused_plainly():
    assert "not a readable zip file" in refusal({"bundle.zip": b"PK\x03\x04 not really"})
