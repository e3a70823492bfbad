"""Requests the server makes on a user's behalf (fetching link resources, harvesting):
they reach the public internet only, unless ``CATALOG_LINK_FETCH_ALLOW_PRIVATE`` says
the internal network is fair game too. Otherwise anyone who may add a link or a harvest
source could make the server read its own loopback services or the office network and
show them the answer in a job log."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask_babel import gettext as _


class RefusedAddress(Exception):
    """The URL may not be fetched; ``message`` says why (in the user's language)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_fetchable(url: str, allow_private: bool) -> None:
    """Raise :class:`RefusedAddress` unless ``url`` is http(s) and (when private
    addresses are not allowed) every address its host resolves to is a public one.

    Checked before each request and each redirect; a host that does not resolve is left
    to the request itself, which fails (and may be retried) in the usual way."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedAddress(_("Only http and https links can be fetched."))
    if allow_private:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, None)}
    except (socket.gaierror, UnicodeError):
        return
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise RefusedAddress(_("Links to internal network addresses are not fetched."))
