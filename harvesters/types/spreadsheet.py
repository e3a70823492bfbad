"""Reading a spreadsheet (Excel .xlsx or CSV in UTF-8 or Shift_JIS/CP932) into rows of
text, refusing clearly what is not one (an HTML page saved as .csv, an old .xls)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from flask_babel import gettext as _

from harvesters.interfaces import SourceError

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


def read_rows(body: bytes, sheet: str | None = None) -> list[list[str]]:
    """The rows of the first (or the named) sheet, every cell as stripped text."""
    if body.startswith(XLSX_MAGIC):
        return _xlsx_rows(body, sheet)
    if body.startswith(XLS_MAGIC):
        raise SourceError(_("Old Excel files (.xls) cannot be read: save the sheet as .xlsx "
                            "or CSV"))
    text = _decode(body)
    start = text.lstrip()[:200].lower()
    if start.startswith(("<!doctype html", "<html", "<?xml", "<head", "<body")):
        raise SourceError(_("This is a web page (HTML), not a spreadsheet: check the URL or "
                            "export the sheet as CSV or Excel"))
    dialect = "excel-tab" if "\t" in text.split("\n", 1)[0] else "excel"
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def _decode(body: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(_("The file is neither UTF-8 nor Shift_JIS text, nor an Excel file"))


def _xlsx_rows(body: bytes, sheet: str | None) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise SourceError(_("The Excel file cannot be read: %(error)s",
                            error=str(error)[:200] or type(error).__name__)) from None
    try:
        if sheet and sheet not in workbook.sheetnames:
            raise SourceError(_("The Excel file has no sheet named %(sheet)s (it has %(names)s)",
                                sheet=sheet, names=", ".join(workbook.sheetnames)))
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        return [[_cell_text(value) for value in row]
                for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
