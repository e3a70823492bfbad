"""What a file is, judged by its content rather than its name: format, encoding and
delimiter."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

import charset_normalizer
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from ingest.errors import RefusedFile
from ingest.transcode import CP932_AFTER_BOM

SAMPLE_BYTES = 1 << 20
DELIMITERS = (",", "\t", ";", "|")
# The ISO-2022-JP variants Python reads, narrowest first: the first that reads a file names it.
ISO2022_JP_CODECS = ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_2004",
                     "iso2022_jp_3")
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": lazy_gettext("UTF-8 (with BOM)"),
                   "cp932": "Shift_JIS", CP932_AFTER_BOM: lazy_gettext("Shift_JIS (after a UTF-8 BOM)"),
                   "euc_jp": "EUC-JP", "utf-16": "UTF-16", "utf-16-le": "UTF-16LE",
                   "utf-16-be": "UTF-16BE", **{name: "ISO-2022-JP" for name in ISO2022_JP_CODECS}}
# A JIS character set designation (ESC $ B, ESC ( J, ESC ( I ...): 7-bit ISO-2022-JP text.
_JIS_ESCAPE = re.compile(rb"\x1b(\$[@B]|\$\([DOPQ]|\([BIJ])")


class SourceFormat(StrEnum):
    CSV = "csv"  # any delimited text (comma, tab, semicolon, pipe)
    XLSX = "xlsx"
    XLS = "xls"
    JSON = "json"
    GEOJSON = "geojson"
    PARQUET = "parquet"


@dataclass(frozen=True)
class Detected:
    format: SourceFormat
    encoding: str = ""  # Python codec name, for text formats
    delimiter: str = ""

    @property
    def encoding_label(self) -> str:
        return encoding_label(self.encoding)


def encoding_label(encoding: str) -> str:
    """The name people know ``encoding`` (a Python codec name) by, for messages."""
    return str(ENCODING_LABELS.get(encoding, encoding))


_IMAGES = ((b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"),
           (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"))


def detect(path: str) -> Detected:
    """Detect the format of the file at ``path``; raise :class:`RefusedFile` with a
    Japanese explanation when it is no table (HTML, PDF, an image, a word document...)."""
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
        complete = not handle.read(1)
    if not sample.strip():
        raise RefusedFile(_("The file is empty."), "empty")
    if sample.startswith(b"PK\x03\x04"):
        return Detected(_zip_format(path))
    if sample.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Detected(SourceFormat.XLS)
    if sample.startswith(b"PAR1"):
        return Detected(SourceFormat.PARQUET)
    if sample.startswith(b"%PDF"):
        raise RefusedFile(_("This file is a PDF document, not a table. Upload the data as "
                            "CSV or Excel instead (the PDF can stay as a separate resource)."),
                          "pdf")
    for magic, name in _IMAGES:
        if sample.startswith(magic) or (sample[:4] == b"RIFF" and sample[8:12] == b"WEBP"):
            raise RefusedFile(_("This file is an image (%(kind)s), not a table. Upload the "
                                "data as CSV or Excel.", kind=name if sample[:4] != b"RIFF"
                                else "WebP"), "image")
    encoding = detect_encoding(sample, complete)
    text = _decode_sample(sample, encoding)
    return _text_format(text, encoding)


def _zip_format(path: str) -> SourceFormat:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise RefusedFile(_("The file looks like a ZIP archive but cannot be opened."),
                          "zip") from None
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return SourceFormat.XLSX
    if "content.xml" in names and "mimetype" in names:
        raise RefusedFile(_("OpenDocument spreadsheets (.ods) are not supported yet. Save the "
                            "sheet as CSV or xlsx."), "ods")
    if any(name.startswith("word/") for name in names):
        raise RefusedFile(_("This file is a Word document, not a table."), "docx")
    raise RefusedFile(_("This file is a ZIP archive. Upload each table inside it as its own "
                        "resource."), "zip")


def _text_format(text: str, encoding: str) -> Detected:
    head = text.lstrip("\ufeff \t\r\n")
    lowered = head[:4096].lower()
    if lowered.startswith(("<!doctype html", "<html")) or (
        lowered.startswith("<") and ("<html" in lowered or "<body" in lowered or "<table" in lowered)
    ):
        raise RefusedFile(_("This file is a web page (HTML), not a CSV or spreadsheet, even "
                            "though its name may say so. Download the data file itself from "
                            "the site and upload that."), "html")
    if lowered.startswith("<?xml") or lowered.startswith("<"):
        raise RefusedFile(_("This file is XML, which cannot be read as a table. Upload CSV, "
                            "Excel or JSON."), "xml")
    if _looks_binary(head[:4096]):
        raise RefusedFile(_("This file is binary data of an unknown kind, not a table."),
                          "binary")
    if head.startswith(("{", "[")):
        return Detected(SourceFormat.GEOJSON if is_geojson(head) else SourceFormat.JSON, encoding)
    return Detected(SourceFormat.CSV, encoding, detect_delimiter(text))


# A JSON string, or a bracket, brace, colon or comma; numbers and literals are skipped.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')


def is_geojson(text: str) -> bool:
    """Whether JSON ``text`` (the start of a file, perhaps cut short) is GeoJSON by its
    structure: a top-level object whose ``type`` is ``FeatureCollection`` or ``Feature``,
    or a top-level list whose first item is a Feature. A word "Feature" elsewhere (a
    value in a record, a nested collection) does not count."""
    import json

    listed = text.startswith("[")
    target = 2 if listed else 1  # the depth of the object whose "type" decides
    stack: list[str] = []
    expect_key, key = False, None
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "{[":
            stack.append(token)
            if len(stack) == target:
                if token != "{":
                    return False
                expect_key = True
            continue
        if token in "}]":
            if stack:
                stack.pop()
            if len(stack) < target:
                return False  # the object ended without a type, or the list had no object
            continue
        if listed and len(stack) == 1:
            return False  # a first item that is no object
        if len(stack) != target:
            continue
        if token == ",":
            expect_key = True
        elif token != ":":
            try:
                value = json.loads(token)
            except ValueError:
                return False
            if expect_key:
                key, expect_key = value, False
            elif key == "type":
                return value == "Feature" or (value == "FeatureCollection" and not listed)
    return False


def detect_encoding(sample: bytes, complete: bool = True) -> str:
    """A Python codec for ``sample``: a BOM's encoding first (Shift_JIS behind a UTF-8 BOM
    is :data:`~ingest.transcode.CP932_AFTER_BOM`); UTF-16 without BOM by its NUL bytes;
    ISO-2022-JP by its escape sequences; UTF-8; otherwise the Japanese legacy encodings,
    Shift_JIS read as its superset CP932."""
    if sample.startswith(codecs.BOM_UTF8):
        return _after_utf8_bom(sample[len(codecs.BOM_UTF8):], complete)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return utf16
    # Before UTF-8: ISO-2022-JP is 7-bit, so it is valid UTF-8 (ASCII) too.
    if sample.isascii() and _JIS_ESCAPE.search(sample):
        return next((name for name in ISO2022_JP_CODECS if _decodes(sample, name, complete)),
                    ISO2022_JP_CODECS[0])
    if _decodes(sample, "utf-8", complete):
        return "utf-8"
    return _legacy_encoding(sample)


def _legacy_encoding(sample: bytes) -> str:
    guess = charset_normalizer.from_bytes(
        sample[:262144], cp_isolation=["cp932", "shift_jis", "euc_jp", "iso2022_jp"]
    ).best()
    name = (guess.encoding if guess else "cp932").lower().replace("-", "_")
    if name in ("shift_jis", "cp932", "sjis", "ms932", "shift_jis_2004", "shift_jisx0213"):
        return "cp932"
    return name


def _after_utf8_bom(body: bytes, complete: bool) -> str:
    """``utf-8-sig``, unless the text behind the BOM is Shift_JIS: some tools put a BOM
    in front of whatever they write. Only a text whose first non-ASCII character already
    breaks UTF-8 counts, so that one bad byte deep in a UTF-8 file is reported by its line
    rather than the whole file read as Shift_JIS; and EUC-JP, which CP932 would read
    without an error as other characters, is told apart by the legacy guess."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(body, final=complete)
        return "utf-8-sig"
    except UnicodeDecodeError as error:
        if body[:error.start].isascii() and _legacy_encoding(body) == "cp932" \
                and _decodes(body, "cp932", complete):
            return CP932_AFTER_BOM
        return "utf-8-sig"


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``sample`` reads as UTF-16 text without a BOM.
    Every table has ASCII characters (delimiters, digits, line ends), whose high byte is
    NUL; Japanese characters seldom have a NUL byte at all. So in UTF-16 one side of the
    byte pairs holds many NULs and the other few, which no 8-bit text shows."""
    head = sample[:4096]
    head = head[:len(head) - len(head) % 2]
    units = len(head) // 2
    if units < 2 or b"\x00" not in head:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    for name, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high * 20 >= units and low * 4 <= high:
            try:
                text = codecs.getincrementaldecoder(name)().decode(head, final=False)
            except UnicodeDecodeError:
                continue
            # A table has line breaks and delimiters. Binary data with the same NUL pattern
            # (arrays of small numbers) reads as control characters and unassigned code
            # points, and 8-bit text with a stray NUL as CJK characters without either.
            if ("\n" in text or "\r" in text) and any(d in text for d in DELIMITERS) \
                    and not any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text) \
                    and sum(1 for c in text if unicodedata.category(c) == "Cn") * 100 <= len(text):
                return name
    return None


def _decodes(data: bytes, encoding: str, complete: bool) -> bool:
    """Whether ``data`` is valid ``encoding``; when not ``complete`` (a sample cut from a
    longer file) a character cut short at the end does not count."""
    try:
        codecs.getincrementaldecoder(encoding)().decode(data, final=complete)
        return True
    except UnicodeDecodeError:
        return False


def _decode_sample(sample: bytes, encoding: str) -> str:
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)


def _looks_binary(head: str) -> bool:
    """Whether the start of a decoded file is binary data. A few NUL bytes are not enough:
    some systems write NUL-only cells, which are read as empty wherever they are in the
    file (see ``ing_trim`` in :mod:`ingest.types`), or pad a file's end with NULs. Binary
    data has other control characters too, or NULs in a quarter of its bytes (UTF-16 or
    UTF-32 read as 8-bit text). A head without NUL is text, as it always was here."""
    body = head.rstrip("\x00")
    nuls = body.count("\x00")
    if not nuls:
        return False
    controls = sum(1 for c in body if c < " " and c not in "\x00\t\r\n\f\x1a")
    return nuls * 4 > len(body) or controls * 100 > len(body)


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most consistent number of
    fields (more than one)."""
    lines = [line for line in text.splitlines()[:200] if line.strip()][:100]
    if len(lines) > 1:
        lines = lines[:-1]  # the last line of a sample may be cut short
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        widths = [len(row) for row in csv.reader(io.StringIO("\n".join(lines)),
                                                 delimiter=delimiter)]
        widths = [width for width in widths if width > 1]
        if not widths:
            continue
        width, frequency = Counter(widths).most_common(1)[0]
        score = frequency * 1000 + width
        if score > best_score:
            best, best_score = delimiter, score
    return best
