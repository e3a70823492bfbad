"""Files in an S3 bucket (AWS, MinIO or any S3-compatible server)."""

from __future__ import annotations

import hashlib
from typing import BinaryIO, Iterator
from urllib.parse import urlparse

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from catalog.storage.interfaces import StoredFile
from catalog.storage.local import KEY_PATTERN

CHUNK = 1024 * 1024
# Multipart uploads in 16 MB parts, one at a time: a 2 GB upload streams through with
# flat memory.
TRANSFER = TransferConfig(multipart_threshold=16 * CHUNK, multipart_chunksize=16 * CHUNK,
                          max_concurrency=1, use_threads=False)


class _Hashing:
    """A read-only stream that hashes and counts what passes through it."""

    def __init__(self, stream: BinaryIO):
        self.stream, self.digest, self.size = stream, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


class S3FileStore:
    """A :class:`~catalog.storage.interfaces.FileStore` on S3. Objects appear only when
    their (multipart) upload completes, so readers never see half a file."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str = "", client=None):
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url or None)

    @classmethod
    def from_url(cls, url: str, endpoint_url: str = "") -> "S3FileStore":
        """``s3://bucket/prefix``; ``endpoint_url`` for S3-compatible servers."""
        parsed = urlparse(url)
        return cls(parsed.netloc, parsed.path, endpoint_url)

    def _key(self, key: str) -> str:
        if not KEY_PATTERN.match(key) or ".." in key.split("/"):
            raise ValueError(f"invalid storage key: {key!r}")
        return f"{self.prefix}/{key}" if self.prefix else key

    def save(self, key: str, stream: BinaryIO) -> StoredFile:
        hashing = _Hashing(stream)
        self.client.upload_fileobj(hashing, self.bucket, self._key(key), Config=TRANSFER)
        return StoredFile(key, hashing.size, hashing.digest.hexdigest())

    def open(self, key: str) -> BinaryIO:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as error:
            raise _not_found(error, key) from None

    def iter_bytes(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        body = self.open(key)
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except ClientError as error:
            if _status(error) == 404:
                return False
            raise

    def size(self, key: str) -> int:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key))["ContentLength"]
        except ClientError as error:
            raise _not_found(error, key) from None

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def local_path(self, key: str) -> str | None:
        return None


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def _not_found(error: ClientError, key: str) -> Exception:
    if _status(error) == 404 or error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
        return FileNotFoundError(key)
    return error
