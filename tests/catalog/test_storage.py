"""One contract for every FileStore: a local folder, and S3 on a real S3-compatible
server (moto in server mode, on a free port of 127.0.0.1)."""

from __future__ import annotations

import hashlib
import io
import uuid

import boto3
import pytest

from catalog.storage import FileTooLarge, SizeLimitedStream, create_file_store
from catalog.storage.local import LocalFileStore
from catalog.storage.s3 import S3FileStore


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalFileStore(tmp_path / "files")
    endpoint = request.getfixturevalue("s3_server")
    bucket = f"catalog-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", endpoint_url=endpoint, region_name="ap-northeast-1").create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    return create_file_store(f"s3://{bucket}/prefix", endpoint)


class Chunked(io.RawIOBase):
    """A stream that yields ``total`` bytes in small reads and never holds them all."""

    def __init__(self, total: int):
        self.left, self.digest = total, hashlib.sha256()

    def readable(self):
        return True

    def read(self, size=-1):
        size = min(self.left, 65536 if size < 0 else size)
        self.left -= size
        chunk = bytes((i * 7) % 251 for i in range(size))
        self.digest.update(chunk)
        return chunk


class TestFileStoreContract:
    def test_save_reports_size_and_sha256_and_reads_back_byte_for_byte(self, store):
        content = "団体コード,人口\n401307,1612392\n".encode("cp932")
        stored = store.save("resources/r1/upload-a", io.BytesIO(content))
        assert (stored.size, stored.sha256) == (len(content), hashlib.sha256(content).hexdigest())
        with store.open("resources/r1/upload-a") as handle:
            assert handle.read() == content
        assert b"".join(store.iter_bytes("resources/r1/upload-a", 7)) == content
        assert store.exists("resources/r1/upload-a") and store.size("resources/r1/upload-a") == len(content)

    def test_large_upload_streams_through_in_parts(self, store):
        stream = Chunked(40 * 1024 * 1024 + 123)  # above S3's multipart threshold
        stored = store.save("datastore/r1/big.parquet", stream)
        assert stored.size == 40 * 1024 * 1024 + 123 and stored.sha256 == stream.digest.hexdigest()
        assert store.size("datastore/r1/big.parquet") == stored.size

    def test_missing_files(self, store):
        assert not store.exists("resources/none")
        with pytest.raises(FileNotFoundError):
            store.size("resources/none")
        with pytest.raises(FileNotFoundError):
            store.open("resources/none")
        store.delete("resources/none")  # deleting what is not there is fine

    def test_delete_and_replace(self, store):
        store.save("a/b", io.BytesIO(b"one"))
        store.save("a/b", io.BytesIO(b"two"))
        assert b"".join(store.iter_bytes("a/b")) == b"two"
        store.delete("a/b")
        assert not store.exists("a/b")

    def test_keys_cannot_escape(self, store):
        for key in ("../etc/passwd", "/abs", "a/../../b", "a b"):
            with pytest.raises(ValueError):
                store.save(key, io.BytesIO(b"x"))

    def test_a_stream_over_the_limit_stops_and_leaves_nothing(self, store):
        with pytest.raises(FileTooLarge):
            store.save("resources/r1/too-big", SizeLimitedStream(Chunked(3 * 65536), 65536))
        assert not store.exists("resources/r1/too-big")

    def test_local_path_only_for_local_files(self, store):
        store.save("k", io.BytesIO(b"x"))
        path = store.local_path("k")
        if isinstance(store, S3FileStore):
            assert path is None
        else:
            with open(path, "rb") as handle:
                assert handle.read() == b"x"
