"""Why an ingest stopped, in words for the people who uploaded the file."""

from __future__ import annotations


class IngestError(Exception):
    """The file cannot be made into a table; ``message`` says why, in Japanese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RefusedFile(IngestError):
    """The content is not a table at all (HTML, PDF, an image...), whatever its name says.
    ``detected`` names what it is."""

    def __init__(self, message: str, detected: str):
        super().__init__(message)
        self.detected = detected
