"""Big Shift_JIS / EUC-JP / UTF-8-with-BOM files made UTF-8 (what DuckDB reads) on every
core.

DuckDB reads only UTF-8 here (its encodings extension is a download), and Python's
codecs hold the GIL, so a 500 MB Shift_JIS file takes ~3 s in one process. In these
encodings no byte of a multi-byte character is ``\\n``, so the file splits at newlines
into parts that other processes decode at the same time; the parts are then joined. A
byte that is not valid in the encoding is reported by its exact line. Files in other
encodings (UTF-16, ISO-2022-JP) stream through one decoder.

A file some tool gave a UTF-8 BOM but wrote in Shift_JIS is read with the codec
:data:`CP932_AFTER_BOM` (``cp932-sig``), registered here so that every reader of the
file (``open()``, JSON) can name it like any other Python codec.

CP932 parts go through the C library's ``iconv`` (glibc's decodes 2.5 times as fast as
Python's codec) when it decodes every CP932 character exactly as Python does, which is
checked once per process; a part it refuses (a bad byte, or one of the five single bytes
only Python maps) is decoded again by Python, so the text and the errors are Python's.

Run as ``python -m ingest.transcode SOURCE START END ENCODING TARGET`` for one part; it
prints ``ok`` or ``bad <offset>``. Only the standard library is imported, so a part
process starts in a few tens of milliseconds.
"""

from __future__ import annotations

import codecs
import functools
import os
import shutil
import subprocess
import sys
import threading

# A UTF-8 BOM in front of Shift_JIS (CP932) text: the BOM is skipped, the rest read as CP932.
CP932_AFTER_BOM = "cp932-sig"
# Encodings whose multi-byte characters never contain the byte "\n".
SPLITTABLE = {"cp932", "shift_jis", "euc_jp", "utf-8-sig", "utf-8", CP932_AFTER_BOM}
# Encodings whose text may start with a UTF-8 BOM that is not part of it.
_AFTER_BOM = {"utf-8-sig": "utf-8", CP932_AFTER_BOM: "cp932"}
CHUNK_BYTES = 1 << 22
PART_MIN_BYTES = 32 << 20  # below this a second process costs more than it saves
MAX_PARTS = 8


class BadBytes(Exception):
    """Bytes not valid in the encoding; ``line`` (1-based) is the line they are on."""

    def __init__(self, line: int):
        super().__init__(f"invalid bytes on line {line}")
        self.line = line


def to_utf8(source: str, encoding: str, target: str, parts: int | None = None) -> None:
    """Write ``source`` (in ``encoding``) to ``target`` as UTF-8 without BOM; encodings
    of :data:`SPLITTABLE` in ``parts`` processes (default: one per core, for big files).
    Raises :class:`BadBytes`."""
    if encoding not in SPLITTABLE:  # UTF-16, ISO-2022-JP: bytes of "\n" inside characters
        _serial_to_utf8(source, encoding, target)
        return
    size = os.path.getsize(source)
    start = 3 if encoding in _AFTER_BOM and _starts_with_bom(source) else 0
    codec = _AFTER_BOM.get(encoding, encoding)
    if parts is None:
        parts = max(1, min(os.cpu_count() or 1, MAX_PARTS, (size - start) // PART_MIN_BYTES))
    bounds = _split(source, start, size, parts)
    paths = [target] + [f"{target}.part{i}" for i in range(1, len(bounds))]
    workers = []
    try:
        iconv = _iconv_command() if codec == "cp932" else None
        if iconv:
            bad = _iconv_parts(iconv, source, bounds, paths)
        else:
            workers = [_start_part(source, begin, end, codec, path)
                       for (begin, end), path in zip(bounds[1:], paths[1:])]
            bad = [transcode_part(source, *bounds[0], codec, paths[0])]
            bad += [_finish_part(worker, source, begin, end, codec, path)
                    for worker, (begin, end), path in zip(workers, bounds[1:], paths[1:])]
        first_bad = next((offset for offset in bad if offset is not None), None)
        if first_bad is not None:
            raise BadBytes(_line_of(source, first_bad))
        out = os.open(target, os.O_WRONLY)  # not O_APPEND: the kernel copies into no such file
        try:
            os.lseek(out, 0, os.SEEK_END)
            for path in paths[1:]:
                _append(path, out)
        finally:
            os.close(out)
    finally:
        for worker in workers:
            if worker is not None and worker.poll() is None:
                worker.kill()
                worker.wait()
        for path in paths[1:]:
            if os.path.exists(path):
                os.remove(path)


def transcode_part(source: str, begin: int, end: int, codec: str, target: str) -> int | None:
    """Decode bytes ``[begin, end)`` of ``source`` and write them to ``target`` as UTF-8;
    the offset of the first invalid byte, or None. ``begin`` and ``end`` are line starts."""
    with open(source, "rb") as handle, open(target, "wb") as out:
        handle.seek(begin)
        position, left = begin, b""
        while True:
            read = handle.read(min(CHUNK_BYTES, end - position))
            data, position = left + read, handle.tell()
            last = position >= end or not read
            # Cut after the last newline so that no character is split between two
            # decodes; at the end of the part everything left is decoded.
            cut = len(data) if last else data.rfind(b"\n") + 1
            if cut == 0:  # one line longer than a chunk: read on
                left = data
                continue
            chunk, left = data[:cut], data[cut:]
            try:
                text = chunk.decode(codec)
            except UnicodeDecodeError as error:
                return position - len(data) + error.start
            out.write(chunk if codec == "utf-8" else text.encode("utf-8"))
            if last:
                return None


def _serial_to_utf8(source: str, encoding: str, target: str) -> None:
    """One stream through an incremental decoder; a bad byte is placed on the line its
    chunk starts on (its exact line cannot be told from the bytes)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    line, first = 1, True
    with open(source, "rb") as handle, open(target, "w", encoding="utf-8", newline="") as out:
        while chunk := handle.read(CHUNK_BYTES):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError:
                raise BadBytes(line) from None
            if first:
                text, first = text.removeprefix("\ufeff"), False
            line += text.count("\n")
            out.write(text)
        try:
            out.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError:
            raise BadBytes(line) from None


def _starts_with_bom(path: str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(3) == b"\xef\xbb\xbf"


def _split(source: str, start: int, size: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` byte ranges of about equal size, each starting at a line start."""
    cuts = [start]
    with open(source, "rb") as handle:
        for k in range(1, parts):
            handle.seek(max(cuts[-1], start + (size - start) * k // parts))
            handle.readline()  # on to the next line start
            if handle.tell() < size:
                cuts.append(handle.tell())
    cuts.append(size)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a] or [(start, size)]


def _start_part(source: str, begin: int, end: int, codec: str, target: str):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    try:
        return subprocess.Popen([sys.executable, "-m", "ingest.transcode", source, str(begin),
                                 str(end), codec, target], stdout=subprocess.PIPE, env=env)
    except OSError:
        return None  # no interpreter to start (an embedded Python): done here instead


def _finish_part(worker, source: str, begin: int, end: int, codec: str, target: str) -> int | None:
    if worker is not None:
        answer = worker.communicate()[0].decode().split()
        if worker.returncode == 0 and answer[:1] == ["ok"]:
            return None
        if worker.returncode == 0 and answer[:1] == ["bad"]:
            return int(answer[1])
    return transcode_part(source, begin, end, codec, target)  # no process, or it failed: here


# --- CP932 through iconv -------------------------------------------------------------


def _iconv_command() -> list[str] | None:
    """The iconv command for CP932 -> UTF-8, or None when there is no iconv or it does
    not decode CP932 as Python does."""
    found = shutil.which("iconv")
    return [found, "-f", "CP932", "-t", "UTF-8"] if found and _agrees_with_python(found) else None


def cp932_characters() -> list[tuple[bytes, str]]:
    """Every CP932 character as (bytes, text): single bytes, JIS X 0208, the NEC and IBM
    extensions and the user-defined area, as Python's codec decodes them (9,800)."""
    characters = []
    for lead in [None, *range(0x81, 0xA0), *range(0xE0, 0xFD)]:
        for trail in range(0x100):
            data = bytes([trail]) if lead is None else bytes([lead, trail])
            try:
                text = data.decode("cp932")
            except UnicodeDecodeError:
                continue
            if len(text) == 1:
                characters.append((data, text))
    return characters


@functools.lru_cache(maxsize=4)
def _agrees_with_python(iconv: str) -> bool:
    """Whether ``iconv`` decodes every CP932 character (but the line breaks and
    :data:`PYTHON_ONLY_BYTES`, one per line) to what Python's codec does. iconv
    implementations differ on a few (〜, ＼, NEC and IBM extensions, the user-defined
    area); glibc's and Python's agree on all."""
    characters = [(data, text) for data, text in cp932_characters()
                  if text not in "\r\n" and data not in PYTHON_ONLY_BYTES]
    try:
        done = subprocess.run([iconv, "-f", "CP932", "-t", "UTF-8"], capture_output=True,
                              input=b"\n".join(data for data, _text in characters), timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout == "\n".join(
        text for _data, text in characters).encode("utf-8")


# Single bytes Python's cp932 maps (to U+0080, U+F8F0..U+F8F3) and glibc's iconv refuses.
PYTHON_ONLY_BYTES = {b"\x80", b"\xa0", b"\xfd", b"\xfe", b"\xff"}


def _iconv_parts(iconv: list[str], source: str, bounds: list[tuple[int, int]],
                 paths: list[str]) -> list[int | None]:
    """Decode each part in its own iconv process, fed by the kernel; a part iconv refuses
    is decoded again by :func:`transcode_part`. The offset of each part's first bad byte."""
    processes: list[subprocess.Popen] = []
    feeders: list[threading.Thread] = []
    descriptor = os.open(source, os.O_RDONLY)
    try:
        for (begin, end), path in zip(bounds, paths):
            with open(path, "wb") as out:
                process = subprocess.Popen(iconv, stdin=subprocess.PIPE, stdout=out,
                                           stderr=subprocess.DEVNULL)
            processes.append(process)
            feeder = threading.Thread(target=_feed, args=(descriptor, begin, end, process.stdin),
                                      daemon=True)
            feeder.start()
            feeders.append(feeder)
        refused = []
        for process, feeder in zip(processes, feeders):
            feeder.join()
            refused.append(process.wait() != 0)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        os.close(descriptor)
    return [transcode_part(source, begin, end, "cp932", path) if refused_part else None
            for refused_part, (begin, end), path in zip(refused, bounds, paths)]


def _feed(descriptor: int, begin: int, end: int, pipe) -> None:
    """Write bytes ``[begin, end)`` of the open file ``descriptor`` into ``pipe``, then
    close it. Stops quietly when the reader has gone (iconv stops at a bad byte, and its
    exit status tells)."""
    offset = begin
    try:
        try:  # in the kernel, without passing the bytes through Python
            while offset < end:
                sent = os.sendfile(pipe.fileno(), descriptor, offset, min(end - offset, 1 << 24))
                if not sent:
                    break
                offset += sent
        except BrokenPipeError:
            raise
        except (AttributeError, OSError):  # no sendfile here: on from where it stopped
            while offset < end:
                data = os.pread(descriptor, min(end - offset, CHUNK_BYTES), offset)
                if not data:
                    break
                pipe.write(data)
                offset += len(data)
    except BrokenPipeError:
        pass
    finally:
        try:
            pipe.close()
        except BrokenPipeError:
            pass


def _line_of(source: str, offset: int) -> int:
    """The 1-based line of byte ``offset``."""
    lines = 1
    with open(source, "rb") as handle:
        while offset > 0:
            data = handle.read(min(CHUNK_BYTES, offset))
            lines += data.count(b"\n")
            offset -= len(data)
    return lines


def _append(path: str, out: int) -> None:
    """Append the file at ``path`` to the open descriptor ``out``."""
    with open(path, "rb", buffering=0) as part:
        try:  # in the kernel, without passing the bytes through Python
            while os.copy_file_range(part.fileno(), out, 1 << 30):
                pass
            return
        except (AttributeError, OSError):  # not Linux, or a file system that cannot
            pass
        while data := part.read(CHUNK_BYTES):  # on from where the kernel stopped, if it began
            view = memoryview(data)
            while view:
                view = view[os.write(out, view):]


# --- the cp932-sig codec ------------------------------------------------------------


class _Cp932AfterBomDecoder(codecs.IncrementalDecoder):
    """CP932 after an optional UTF-8 BOM, which is dropped (as ``utf-8-sig`` drops its own).
    The state's flag is 1 until the first bytes have been looked at."""

    def __init__(self, errors: str = "strict"):
        super().__init__(errors)
        self._cp932 = codecs.getincrementaldecoder("cp932")(errors)
        self._head: bytes | None = b""  # bytes kept until a BOM can be told; None after

    def decode(self, data: bytes, final: bool = False) -> str:
        if self._head is not None:
            data = self._head + bytes(data)
            if not final and len(data) < 3 and codecs.BOM_UTF8.startswith(data):
                self._head = data
                return ""
            data, self._head = data.removeprefix(codecs.BOM_UTF8), None
        return self._cp932.decode(data, final)

    def reset(self) -> None:
        self._cp932.reset()
        self._head = b""

    def getstate(self) -> tuple[bytes, int]:
        if self._head is not None:
            return self._head, 1
        return self._cp932.getstate()[0], 0

    def setstate(self, state: tuple[bytes, int]) -> None:
        pending, looking = state
        self._cp932.reset()
        if looking:
            self._head = pending
        else:
            self._head = None
            self._cp932.setstate((pending, 0))


def _decode_cp932_after_bom(data: bytes, errors: str = "strict") -> tuple[str, int]:
    return codecs.decode(bytes(data).removeprefix(codecs.BOM_UTF8), "cp932", errors), len(data)


def _find_codec(name: str) -> codecs.CodecInfo | None:
    if name != CP932_AFTER_BOM.replace("-", "_"):  # lookups come lower-cased, "-" as "_"
        return None
    cp932 = codecs.lookup("cp932")
    return codecs.CodecInfo(cp932.encode, _decode_cp932_after_bom, name=CP932_AFTER_BOM,
                            incrementalencoder=cp932.incrementalencoder,
                            incrementaldecoder=_Cp932AfterBomDecoder,
                            streamwriter=cp932.streamwriter)


codecs.register(_find_codec)


if __name__ == "__main__":
    source, begin, end, codec, target = sys.argv[1:6]
    bad = transcode_part(source, int(begin), int(end), codec, target)
    print("ok" if bad is None else f"bad {bad}")
