"""The file store contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Iterator, Protocol


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str


class FileStore(Protocol):
    """Stores files by key. Implementations: ``LocalFileStore``, ``S3FileStore``.

    Keys are relative paths made of ``[A-Za-z0-9._-]`` segments joined by ``/``.
    """

    def save(self, key: str, stream: BinaryIO) -> StoredFile:
        """Write ``stream`` to ``key`` without holding it in memory; return size and SHA-256.
        The file appears whole or not at all."""

    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of ``key``. Raises ``FileNotFoundError`` if missing."""

    def iter_bytes(self, key: str, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
        """The content of ``key`` in chunks, for streaming responses."""

    def exists(self, key: str) -> bool:
        """Whether ``key`` holds a file."""

    def size(self, key: str) -> int:
        """Size of ``key`` in bytes. Raises ``FileNotFoundError`` if missing."""

    def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing key is not an error."""

    def local_path(self, key: str) -> str | None:
        """A path on this machine for engines that read files directly (DuckDB), or
        ``None`` when the store is remote and the caller must download first."""
