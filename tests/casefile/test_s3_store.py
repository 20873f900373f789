"""Documents in an S3-compatible bucket: a real S3 server (moto's, from PyPI) on loopback, in its own process."""
from __future__ import annotations

import socket
import subprocess
import sys
import time

import boto3
import pytest

from engine.casefile import CaseFile
from engine.casefile.blobs import S3Store, store_for
from engine.config import Settings
from engine.errors import UnsupportedType
from tests.casefile import samples

BUCKET = "atensi-dokumen"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):  # until it listens (not a timing assertion: it fails only if it never does)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert server.poll() is None, "the S3 server stopped"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def bucket(s3_server, monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "uji", "AWS_SECRET_ACCESS_KEY": "rahasia-uji",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_server)
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_the_documents_url_chooses_a_bucket_or_a_folder(s3_server, bucket, tmp_path):
    chosen = store_for(f"s3://{BUCKET}/atensi", s3_server)
    assert isinstance(chosen, S3Store) and (chosen.bucket, chosen.prefix) == (BUCKET, "atensi")
    assert store_for(str(tmp_path)).root == tmp_path


def test_a_document_goes_to_the_bucket_and_comes_back_and_a_refused_one_leaves_nothing(
        s3_server, bucket, session_factory, runtime, staff, deployed):
    from tests.case_driver import registration

    settings = Settings(documents_url=f"s3://{BUCKET}/atensi", s3_endpoint_url=s3_server)
    casefile = CaseFile.build(session_factory, settings)
    case_id = runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))
    document = casefile.documents.upload(case_id, "hasil_tes_urine", "urine.png", samples.png(), staff.actor("peksos"))
    keys = [item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"atensi/{document.storage_key}"]
    assert casefile.documents.download(case_id, document.id, staff.actor("konselor")).content == samples.png()
    with pytest.raises(UnsupportedType):
        casefile.documents.upload(case_id, "hasil_tes_urine", "urine.png", samples.HTML, staff.actor("peksos"))
    casefile.documents.store.put(f"cases/{case_id}/orphan", samples.PDF)
    assert casefile.documents.orphans() == [f"cases/{case_id}/orphan"]
    casefile.documents.store.delete(f"cases/{case_id}/orphan")
    assert len(bucket.list_objects_v2(Bucket=BUCKET)["Contents"]) == 1


def test_a_key_missing_from_the_bucket_is_unavailable_naming_the_setting(s3_server, bucket):
    from engine.errors import Unavailable

    with pytest.raises(Unavailable, match="ATENSI_DOCUMENTS_URL"):
        S3Store(BUCKET, "atensi", s3_server).get("cases/1/not-there")
