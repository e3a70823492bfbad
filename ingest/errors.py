"""Why an ingest stopped, in words for the people who uploaded the file."""

from __future__ import annotations

import csv
import errno

import duckdb
from flask_babel import gettext as _


class IngestError(Exception):
    """The file cannot be made into a table; ``message`` says why, in Japanese.
    ``detected`` names the format it was read as, when known."""

    def __init__(self, message: str, detected: str = ""):
        super().__init__(message)
        self.message = message
        self.detected = detected


class RefusedFile(IngestError):
    """The content is not a table at all (HTML, PDF, an image...), whatever its name says.
    ``detected`` names what it is."""

    def __init__(self, message: str, detected: str):
        super().__init__(message, detected)


def explain(error: BaseException) -> str:
    """What an unforeseen failure of an ingest means for the uploader, in Japanese: the
    kind of trouble and what to try. Never the error's own text, which is English and
    may name files on the server (the full error goes to the server log)."""
    if isinstance(error, (duckdb.OutOfMemoryException, MemoryError)):
        return _("The file needs more memory than an ingest may use (very many columns or "
                 "very long cells?). Split the table into smaller files, or ask the "
                 "administrator to raise the memory limit.")
    if (isinstance(error, OSError) and error.errno == errno.ENOSPC) or (
            isinstance(error, duckdb.IOException) and "space" in str(error).lower()):
        return _("The server ran out of working space while reading the file. Try again "
                 "later; if it happens again, tell the administrator.")
    if isinstance(error, (duckdb.InvalidInputException, duckdb.ConversionException,
                          duckdb.NotImplementedException, csv.Error, UnicodeError)):
        return _("The content of the file could not be read as a table: it may be damaged, "
                 "or written in a way this catalog does not read. Save it again as CSV "
                 "(UTF-8) or Excel and upload it.")
    return _("An unexpected error stopped the ingest. The administrator can find the "
             "details in the server log.")
