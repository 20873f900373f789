"""Where document contents live, outside the database: a local folder by default, or an
S3-compatible bucket (``ATENSI_DOCUMENTS_URL=s3://bucket/prefix``, ``ATENSI_S3_ENDPOINT_URL`` for a
server other than AWS; credentials from the usual AWS_* variables, read by boto3).

Keys are chosen by engine.casefile.documents (``cases/<case id>/<random>``), so every blob can be
traced back to its case, and a blob with no metadata row (``orphans``) can be found and removed.
"""
from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from engine.errors import Unavailable

log = logging.getLogger(__name__)

# A document row is in the shared database but its content is not in this server's store: with
# several hosts, one kept its documents in a folder of its own.
MISSING = ("the document's content is not in the document store this server uses: every host of an "
           "installation needs the same ATENSI_DOCUMENTS_URL (one shared bucket)")


class BlobStore(Protocol):
    def put(self, key: str, content: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...  # a missing key is not an error
    def keys(self, prefix: str = "") -> Iterator[str]: ...


class FolderStore:
    """Blobs as files under one folder, written whole (temporary file, then rename) or not at all."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"bad blob key {key!r}")
        return path

    def put(self, key: str, content: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            log.error("document content %s is not in the folder %s", key, self.root)
            raise Unavailable(MISSING) from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self, prefix: str = "") -> Iterator[str]:
        if not self.root.exists():
            return
        for path in sorted(self.root.rglob("*")):
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and not path.name.startswith(".upload-") and key.startswith(prefix):
                yield key


class S3Store:
    """Blobs as objects in an S3-compatible bucket, through boto3."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None):
        import boto3  # only installations that keep documents in a bucket load it

        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.client = boto3.client("s3", endpoint_url=endpoint_url)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, content: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=content)

    def get(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            log.error("document content %s is not in the bucket %s", self._key(key), self.bucket)
            raise Unavailable(MISSING) from None

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._key(prefix))
        cut = len(self.prefix) + 1 if self.prefix else 0
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][cut:]


def store_for(url: str, endpoint_url: str | None = None) -> BlobStore:
    """``s3://bucket/prefix`` is a bucket; anything else is a local folder."""
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        return S3Store(parsed.netloc, parsed.path, endpoint_url)
    return FolderStore(parsed.path if parsed.scheme == "file" else url)
