"""Requests the server makes on a user's behalf (fetching link resources, harvesting):
they reach the public internet only, unless ``CATALOG_LINK_FETCH_ALLOW_PRIVATE`` says
the internal network is fair game too. Otherwise anyone who may add a link or a harvest
source could make the server read its own loopback services or the office network and
show them the answer in a job log.

Two guards, both needed. :func:`check_fetchable` refuses a URL early, with a clear
message, before each request and each redirect. :func:`fetch_session` closes what that
check alone cannot: between the check and the connection the name is resolved again,
and a hostile DNS server can answer a public address the first time and 127.0.0.1 the
second (DNS rebinding). Its connections resolve the name once, check every address, and
open the socket to one of those very addresses. TLS still verifies the certificate
against the host name, and the Host header is unchanged, because only the opening of
the socket differs from plain ``requests``.

Proxies from the environment (``HTTP_PROXY``, ``HTTPS_PROXY``, ``NO_PROXY``) are still
honoured: a site that may reach the internet only through a proxy must keep working.
The connection to the proxy is not checked (the operator chose it, and it is usually on
the internal network), and the proxy, not this server, resolves the target's name: the
URL is checked by name as before, but against rebinding through a proxy only the proxy
can defend (an egress proxy that refuses internal addresses).
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from urllib.parse import urlsplit

import requests
from flask_babel import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import create_connection


class RefusedAddress(Exception):
    """The URL may not be fetched; ``message`` says why (in the user's language)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_fetchable(url: str, allow_private: bool) -> None:
    """Raise :class:`RefusedAddress` unless ``url`` is http(s) and (when private
    addresses are not allowed) every address its host resolves to is a public one.

    Checked before each request and each redirect; a host that does not resolve is left
    to the request itself, which fails (and may be retried) in the usual way. This check
    alone does not stop DNS rebinding: send the request with :func:`fetch_session`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedAddress(_("Only http and https links can be fetched."))
    if allow_private:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, None)}
    except (socket.gaierror, UnicodeError):
        return
    _refuse_internal(addresses)


def public_addresses(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, in the resolver's order, after checking that
    every one is public; raises :class:`RefusedAddress` if any is not, and
    :class:`socket.gaierror` if the name does not resolve.

    All of them, of both families, as :func:`check_fetchable` does: a name answering a
    public and an internal address must not have the connection fall back to the
    internal one (an address of a family this machine lacks just fails to connect)."""
    infos = socket.getaddrinfo(host.strip("[]"), port, 0, socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    _refuse_internal(addresses)
    return addresses


def fetch_session(allow_private: bool) -> requests.Session:
    """A ``requests`` session for fetching on a user's behalf. Unless ``allow_private``,
    every connection it opens goes to an address checked by :func:`public_addresses`
    at that moment, so a DNS answer that changes after :func:`check_fetchable` is
    refused rather than followed. Such a refusal is raised as :class:`RefusedAddress`
    from the request, not wrapped in a ``requests`` exception, so it is never retried."""
    session = requests.Session()
    if not allow_private:
        adapter = PublicOnlyAdapter()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
    return session


def _refuse_internal(addresses) -> None:
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise RefusedAddress(_("Links to internal network addresses are not fetched."))


class _CheckedConnect:
    """For urllib3 connections: open the socket to a checked address of the host,
    never to a second, unchecked lookup of its name. Everything after the socket
    (the Host header, TLS with SNI and certificate checks for ``self.host``) is
    urllib3's own."""

    def _new_conn(self) -> socket.socket:
        try:
            addresses = public_addresses(self.host, self.port)
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error
        failure: Exception | None = None
        for address in addresses:  # like create_connection: the next one if one fails
            try:
                sock = create_connection((address, self.port), self.timeout,
                                         source_address=self.source_address,
                                         socket_options=self.socket_options)
            except TimeoutError as error:
                failure = ConnectTimeoutError(self, f"Connection to {self.host} ({address}) "
                                                    f"timed out. (connect timeout={self.timeout})")
                failure.__cause__ = error
            except OSError as error:
                failure = NewConnectionError(self, f"Failed to establish a new connection "
                                                   f"to {address}: {error}")
                failure.__cause__ = error
            else:
                sys.audit("http.client.connect", self, self.host, self.port)
                return sock
        raise failure or NewConnectionError(self, f"{self.host} has no address")


class _CheckedHTTPConnection(_CheckedConnect, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedConnect, HTTPSConnection):
    pass


class _CheckedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """A ``requests`` transport whose direct connections reach public addresses only
    (see :func:`fetch_session`). Requests through a proxy use ``requests``' own proxy
    manager, untouched: the proxy resolves their names."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPConnectionPool, "https": _CheckedHTTPSConnectionPool}
