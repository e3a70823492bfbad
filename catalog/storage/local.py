"""Files in a local folder (the embedded default)."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

from catalog.storage.interfaces import StoredFile

KEY_PATTERN = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
CHUNK = 1024 * 1024


class LocalFileStore:
    """A :class:`~catalog.storage.interfaces.FileStore` in a folder of this machine."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        if not KEY_PATTERN.match(key) or ".." in key.split("/"):
            raise ValueError(f"invalid storage key: {key!r}")
        return self.root / key

    def save(self, key: str, stream: BinaryIO) -> StoredFile:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        # Write to a temporary file in the same folder, then rename: readers never see
        # half a file, and a failed upload leaves nothing behind.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as temporary:
            try:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    temporary.write(chunk)
                    size += len(chunk)
            except BaseException:
                os.unlink(temporary.name)
                raise
        os.replace(temporary.name, path)
        return StoredFile(key, size, digest.hexdigest())

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def iter_bytes(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        with self.open(key) as handle:
            while chunk := handle.read(chunk_size):
                yield chunk

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def local_path(self, key: str) -> str | None:
        return str(self._path(key))
