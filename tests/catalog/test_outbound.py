"""Fetching on a user's behalf reaches public addresses only, even when the DNS answer
changes between the check and the connection (DNS rebinding).

Name resolution is controlled by replacing ``socket.getaddrinfo`` (the standard
library's, which both our check and urllib3 call) with :class:`Resolver`, which answers
as a hostile DNS server with a zero TTL would: a public address to the first lookup,
127.0.0.1 to the next. A real DNS server on 127.0.0.1 would not be more real here: the
process resolves through the system's resolver, and pointing that at a test server means
editing /etc/resolv.conf for the whole (shared) machine. The servers fetched from are
real ones on 127.0.0.1. Where a test needs a *public* address to answer, :func:`routes`
plays the network's part (a NAT): a connection to ``PUBLIC`` reaches 127.0.0.1.
"""

from __future__ import annotations

import socket
import ssl
import threading

import pytest
import requests
import trustme
from werkzeug.serving import make_server

from catalog.config import Settings
from catalog.jobs.runner import JobError
from catalog.outbound import RefusedAddress, check_fetchable, fetch_session
from harvesters.http import Fetcher
from harvesters.interfaces import SourceError
from ingest import tasks

PUBLIC = "93.184.216.34"  # IANA's (example.com's) address: global; never really reached here
REFUSED = "Links to internal network addresses are not fetched."


class Resolver:
    """``socket.getaddrinfo`` with the answers for ``names`` under the test's control:
    each lookup takes the next answer, the last one repeating. Other names resolve as
    usual. ``lookups`` lists the controlled names in the order they were looked up."""

    def __init__(self, real):
        self.real, self.names, self.lookups = real, {}, []

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        answers = self.names.get(host)
        if answers is None:
            return self.real(host, port, family, type, proto, flags)
        self.lookups.append(host)
        addresses = answers.pop(0) if len(answers) > 1 else answers[0]
        result = []
        for address in addresses:
            v6 = ":" in address
            af = socket.AF_INET6 if v6 else socket.AF_INET
            sockaddr = (address, int(port or 0), 0, 0) if v6 else (address, int(port or 0))
            if family in (0, af):
                result.append((af, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr))
        if not result:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return result


@pytest.fixture
def dns(monkeypatch) -> Resolver:
    resolver = Resolver(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    return resolver


@pytest.fixture
def routes(monkeypatch) -> list[str]:
    """Connections to ``PUBLIC`` reach 127.0.0.1 instead; yields the addresses that
    sockets were asked to connect to."""
    connected, real_connect = [], socket.socket.connect

    def connect(sock, address):
        connected.append(address[0])
        return real_connect(sock, ("127.0.0.1", address[1]) if address[0] == PUBLIC else address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return connected


class Server:
    """A real HTTP(S) server on 127.0.0.1 answering a small CSV file, or a redirect for
    the paths in ``redirects``; records each request's path and Host header, and the TLS
    SNI name it was sent."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None):
        self.requests, self.sni, self.redirects = [], [], {}
        if ssl_context is not None:
            ssl_context.sni_callback = lambda _conn, name, _ctx: self.sni.append(name)
        self.server = make_server("127.0.0.1", 0, self, threaded=True, ssl_context=ssl_context)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def __call__(self, environ, start_response):
        self.requests.append((environ["PATH_INFO"], environ.get("HTTP_HOST")))
        if environ["PATH_INFO"] in self.redirects:
            start_response("302 Found", [("Location", self.redirects[environ["PATH_INFO"]])])
            return [b""]
        start_response("200 OK", [("Content-Type", "text/csv")])
        return [b"a,b\n1,2\n"]

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def server():
    running = Server()
    yield running
    running.stop()


def rebinding(dns: Resolver, name: str, then: list[str]) -> None:
    """``name`` answers ``PUBLIC`` to the first lookup (the check), ``then`` after."""
    dns.names[name] = [[PUBLIC], then]


def test_the_resolver_models_the_attack_on_plain_requests(dns, server):
    """Not our code: shows that the hole is real and that :class:`Resolver` opens it. The
    check passes, and plain ``requests`` then reads a server on 127.0.0.1."""
    rebinding(dns, "rebind.example", ["127.0.0.1"])
    url = f"http://rebind.example:{server.port}/secret"
    check_fetchable(url, allow_private=False)
    with requests.Session() as session:
        session.trust_env = False
        assert session.get(url, timeout=5).status_code == 200
    assert server.requests == [("/secret", f"rebind.example:{server.port}")]


@pytest.mark.parametrize("then", [
    pytest.param(["127.0.0.1"], id="loopback"), pytest.param(["169.254.169.254"], id="metadata"),
    pytest.param(["10.0.0.8"], id="private"), pytest.param([PUBLIC, "127.0.0.1"], id="mixed"),
    pytest.param(["::ffff:127.0.0.1"], id="v4-mapped"), pytest.param(["::1"], id="v6-loopback")])
def test_a_name_rebound_after_the_check_is_refused_at_connect(dns, server, routes, then):
    rebinding(dns, "rebind.example", then)
    url = f"http://rebind.example:{server.port}/secret"
    check_fetchable(url, allow_private=False)
    with fetch_session(allow_private=False) as session, pytest.raises(RefusedAddress) as refused:
        session.get(url, timeout=5)
    assert refused.value.message == REFUSED
    assert server.requests == [] and routes == []
    assert dns.lookups == ["rebind.example"] * 2


def test_the_connection_goes_to_the_address_checked_when_it_opens(dns, server, routes):
    dns.names["files.example"] = [[PUBLIC]]
    with fetch_session(allow_private=False) as session:
        response = session.get(f"http://files.example:{server.port}/data.csv", timeout=5)
        assert response.status_code == 200 and response.text == "a,b\n1,2\n"
        session.get(f"http://files.example:{server.port}/again.csv", timeout=5)
    # The test server closes each connection: one lookup, checked, then that address.
    assert dns.lookups == ["files.example"] * 2 and routes == [PUBLIC] * 2
    assert server.requests == [("/data.csv", f"files.example:{server.port}"),
                               ("/again.csv", f"files.example:{server.port}")]


def test_private_addresses_are_reached_when_allowed(dns, server):
    dns.names["intranet.example"] = [["127.0.0.1"]]
    with fetch_session(allow_private=True) as session:
        assert session.get(f"http://intranet.example:{server.port}/", timeout=5).ok
    assert server.requests == [("/", f"intranet.example:{server.port}")]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.mark.parametrize(("certified", "accepted"), [
    ("files.example", True), ("other.example", False), (PUBLIC, False)])
def test_tls_verifies_the_certificate_against_the_host_name(dns, routes, ca, tmp_path,
                                                            certified, accepted):
    """The socket goes to the checked IP, but SNI and the certificate check are for the
    name in the URL: a certificate for another name, or for the IP itself, is refused."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(certified).configure_cert(context)
    https = Server(context)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    dns.names["files.example"] = [[PUBLIC]]
    url = f"https://files.example:{https.port}/data.csv"
    try:
        with fetch_session(allow_private=False) as session:
            if accepted:
                assert session.get(url, timeout=5, verify=str(bundle)).status_code == 200
            else:
                with pytest.raises(requests.exceptions.SSLError):
                    session.get(url, timeout=5, verify=str(bundle))
    finally:
        https.stop()
    assert routes == [PUBLIC] and https.sni == ["files.example"]
    assert https.requests == ([("/data.csv", f"files.example:{https.port}")] if accepted else [])


def test_a_proxy_from_the_environment_is_still_used(dns, server, routes, monkeypatch):
    """Sites that reach the internet through a proxy keep working: the proxy (here on
    127.0.0.1, as proxies often are on the internal network) is not refused, and it
    resolves and fetches the public name itself."""
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    dns.names["files.example"] = [[PUBLIC]]
    url = "http://files.example/data.csv"
    check_fetchable(url, allow_private=False)
    with fetch_session(allow_private=False) as session:
        assert session.get(url, timeout=5).status_code == 200
    assert routes == ["127.0.0.1"] and server.requests == [("/data.csv", "files.example")]


# -- the two callers: harvesting and the ingest of link resources ------------------------

def refusal(caller: str, url: str, tmp_path) -> str:
    """Fetch ``url`` as the harvester or the ingest job does; returns the message it
    fails with (after checking, for the harvester, that a refusal is not retried)."""
    if caller == "harvest":
        fetcher = Fetcher(lambda: 30.0, retries=2, backoff=0.01, allow_private=False)
        with pytest.raises(SourceError) as error:
            fetcher.get_bytes(url)
        fetcher.close()
        assert fetcher.requests_made == url.count("/moved") + 1
        return str(error.value)
    with pytest.raises(JobError) as error:
        tasks.fetch(url, str(tmp_path), Settings.from_env({}))
    return str(error.value)


@pytest.mark.parametrize("caller", ["harvest", "ingest"])
def test_both_fetchers_refuse_a_name_rebound_after_the_check(dns, server, routes, tmp_path, caller):
    rebinding(dns, "rebind.example", ["127.0.0.1"])
    assert REFUSED in refusal(caller, f"http://rebind.example:{server.port}/secret.csv", tmp_path)
    assert server.requests == [] and routes == []
    assert dns.lookups == ["rebind.example"] * 2  # passed the check, refused at connect


@pytest.mark.parametrize("caller", ["harvest", "ingest"])
def test_both_fetchers_refuse_a_redirect_to_a_rebinding_name(dns, server, routes, tmp_path, caller):
    """A public site redirects to a name that passes the check, then rebinds."""
    dns.names["files.example"] = [[PUBLIC]]
    rebinding(dns, "rebind.example", ["127.0.0.1"])
    server.redirects["/moved"] = f"http://rebind.example:{server.port}/secret.csv"
    assert REFUSED in refusal(caller, f"http://files.example:{server.port}/moved", tmp_path)
    assert server.requests == [("/moved", f"files.example:{server.port}")] and routes == [PUBLIC]
    assert dns.lookups == ["files.example", "files.example", "rebind.example", "rebind.example"]
