"""HTTP for harvesters: retries with back-off, the job's time limit, size limits, and
errors staff can read.

Harvester types never call ``requests`` themselves: they use the run's :class:`Fetcher`,
so every request obeys the same retries and deadline.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urljoin, urlsplit

import requests
from flask_babel import gettext as _

from catalog.outbound import RefusedAddress, check_fetchable, fetch_session
from harvesters.interfaces import DownloadedFile, SourceError

log = logging.getLogger(__name__)

USER_AGENT = "fukuoka-data-catalog-harvester/1.0"
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_DOCUMENT_BYTES = 200 * 1024**2
CHUNK = 64 * 1024
MAX_REDIRECTS = 10


class DeadlineExceeded(Exception):
    """The job's time limit was reached."""


class HttpStatusError(SourceError):
    """The source answered with an HTTP error status (after any retries)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class Fetcher:
    """GET with retries and a deadline.

    ``remaining`` returns the seconds left before the job's time limit; every wait and
    every read stops there. ``auth_headers`` are sent only to ``auth_host`` so that a
    token for the source never leaks to another site a resource links to. Unless
    ``allow_private``, every URL and every redirect must lead to a public address, and
    every connection goes to an address checked when it is opened (:mod:`catalog.outbound`).
    """

    def __init__(
        self,
        remaining: Callable[[], float],
        *,
        retries: int = 3,
        backoff: float = 1.0,
        timeout: float = 60.0,
        auth_headers: dict[str, str] | None = None,
        auth_host: str = "",
        allow_private: bool = False,
    ):
        self.remaining = remaining
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.auth_headers = auth_headers or {}
        self.auth_host = auth_host
        self.allow_private = allow_private
        self.session = fetch_session(allow_private)
        self.session.headers["User-Agent"] = USER_AGENT
        self.requests_made = 0

    def close(self) -> None:
        self.session.close()

    def get_bytes(self, url: str, params: dict | None = None,
                  max_bytes: int = MAX_DOCUMENT_BYTES) -> tuple[bytes, str]:
        """The body and content type of ``url``; raises :class:`SourceError` once the
        retries are spent."""
        chunks: list[bytes] = []
        content_type = self._get(url, params, lambda response: chunks.extend(
            self._read(response, max_bytes)))
        return b"".join(chunks), content_type

    def get_json(self, url: str, params: dict | None = None) -> Any:
        """The JSON document at ``url``; garbage is a :class:`SourceError` that shows
        what came instead."""
        body, content_type = self.get_bytes(url, params)
        try:
            return json.loads(body.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            raise SourceError(_(
                "%(url)s did not return JSON (content type %(type)s, starting with: %(start)s)",
                url=_shown(url), type=content_type or "?", start=_start_of(body),
            )) from None

    def download(self, url: str, folder: Path, filename: str, max_bytes: int) -> DownloadedFile:
        """Copy ``url`` into ``folder``, with its sha256, size and type."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{hashlib.sha256(url.encode()).hexdigest()[:16]}-{filename}"


        def save(response: requests.Response) -> None:
            with path.open("wb") as handle:  # a retried download starts the file again
                for chunk in self._read(response, max_bytes):
                    handle.write(chunk)

        content_type = self._get(url, None, save)
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
        return DownloadedFile(path=path, filename=filename, sha256=digest.hexdigest(),
                              size=path.stat().st_size, mimetype=content_type)

    def _get(self, url: str, params: dict | None, consume: Callable) -> str:
        attempt = 0
        while True:
            wait = None
            try:
                response = self._send(url, params)
                with response:
                    if response.status_code in RETRY_STATUSES:
                        wait = _retry_after(response)
                        problem = _("HTTP %(status)s from %(url)s",
                                    status=response.status_code, url=_shown(url))
                    elif response.status_code >= 400:
                        raise HttpStatusError(_("HTTP %(status)s from %(url)s",
                                                status=response.status_code, url=_shown(url)),
                                              response.status_code)
                    else:
                        consume(response)
                        return response.headers.get("Content-Type", "")
            except (requests.ConnectionError, requests.Timeout) as error:
                problem = _("%(url)s could not be reached: %(error)s",
                            url=_shown(url), error=_short(error))
            attempt += 1
            if attempt > self.retries:
                raise SourceError(_("%(problem)s (after %(n)s attempts)",
                                    problem=problem, n=attempt))
            self._pause(wait if wait is not None else self.backoff * 2 ** (attempt - 1))
            log.info("retrying %s (attempt %s): %s", _shown(url), attempt + 1, problem)

    def _send(self, url: str, params: dict | None) -> requests.Response:
        remaining = self.remaining()
        if remaining <= 0:
            raise DeadlineExceeded()
        # Redirects are followed here, one by one, so that each target is checked.
        for _hop in range(MAX_REDIRECTS + 1):
            headers = self.auth_headers if urlsplit(url).netloc == self.auth_host else {}
            try:
                check_fetchable(url, self.allow_private)
                self.requests_made += 1
                response = self.session.get(url, params=params, headers=headers, stream=True,
                                            timeout=min(self.timeout, remaining),
                                            allow_redirects=False)
            except RefusedAddress as refused:  # by name, or at connect (DNS rebinding)
                raise SourceError(f"{_shown(url)}: {refused.message}") from None
            if not response.is_redirect:
                return response
            url, params = urljoin(response.url, response.headers["Location"]), None
            response.close()
        raise SourceError(_("%(url)s redirects too many times.", url=_shown(url)))

    def _read(self, response: requests.Response, max_bytes: int):
        """The body in chunks, stopping at the deadline or the size limit."""
        total = 0
        for chunk in response.iter_content(CHUNK):
            total += len(chunk)
            if total > max_bytes:
                raise SourceError(_("%(url)s is larger than %(n)s bytes",
                                    url=_shown(response.url), n=max_bytes))
            if self.remaining() <= 0:
                raise DeadlineExceeded()
            yield chunk

    def _pause(self, seconds: float) -> None:
        if seconds >= self.remaining():
            raise DeadlineExceeded()
        time.sleep(seconds)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


def _shown(url: str) -> str:
    """The URL without query string (which may hold an appId or token)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _short(error: Exception) -> str:
    return type(error).__name__


def _start_of(body: bytes) -> str:
    text = body[:80].decode("utf-8", "replace").replace("\n", " ").strip()
    return repr(text) if text else _("(nothing)")
