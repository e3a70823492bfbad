"""What a file is, judged by its content rather than its name: format, encoding and
delimiter."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

import charset_normalizer
from flask_babel import gettext as _

from ingest.errors import RefusedFile

SAMPLE_BYTES = 1 << 20
DELIMITERS = (",", "\t", ";", "|")
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "cp932": "Shift_JIS (CP932)",
                   "euc_jp": "EUC-JP", "utf-16": "UTF-16", "iso2022_jp": "ISO-2022-JP"}


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
        return ENCODING_LABELS.get(self.encoding, self.encoding)


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
    if "\x00" in head[:4096]:
        raise RefusedFile(_("This file is binary data of an unknown kind, not a table."),
                          "binary")
    if head.startswith(("{", "[")):
        is_geo = '"FeatureCollection"' in head[:65536] or '"Feature"' in head[:65536]
        return Detected(SourceFormat.GEOJSON if is_geo else SourceFormat.JSON, encoding)
    return Detected(SourceFormat.CSV, encoding, detect_delimiter(text))


def detect_encoding(sample: bytes, complete: bool = True) -> str:
    """A Python codec for ``sample``: UTF-8 (with or without BOM) first; otherwise the
    Japanese legacy encodings, Shift_JIS read as its superset CP932."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    guess = charset_normalizer.from_bytes(
        sample[:262144], cp_isolation=["cp932", "shift_jis", "euc_jp", "iso2022_jp"]
    ).best()
    name = (guess.encoding if guess else "cp932").lower().replace("-", "_")
    if name in ("shift_jis", "cp932", "sjis", "ms932", "shift_jis_2004", "shift_jisx0213"):
        return "cp932"
    return name


def _decode_sample(sample: bytes, encoding: str) -> str:
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)


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
