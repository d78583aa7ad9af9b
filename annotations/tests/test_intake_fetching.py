"""Fetching URLs for import, against a local server (never the internet): a page, a
redirect, a 404, a non-HTML answer, a 6 MB page, a slow server, and redirects to
127.0.0.1 and to 169.254.169.254 with the loopback setting off. Each refusal is a clear
message, and nothing is stored."""

from __future__ import annotations

import contextlib
import io
import shutil
import socket
import ssl
import subprocess
import time

import pytest
import urllib3.util.connection
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations.intake import fetching
from annotations.intake.fetching import FetchError, address_refusal, fetch_page, read_url
from annotations.models import Article, Sentence
from annotations.tests.intake_server import SLOW_SECONDS, IntakeServer

REUTERS = "reuters.com.parasite.html"
PUBLIC_IP = "93.184.215.14"  # a public address the fake DNS below gives "news.example"


@pytest.fixture(scope="module")
def server():
    with IntakeServer() as running:
        yield running


@pytest.fixture
def loopback_on(settings):
    settings.INTAKE_ALLOW_LOOPBACK = True
    settings.INTAKE_READ_TIMEOUT = 1
    settings.INTAKE_CONNECT_TIMEOUT = 1


@pytest.fixture
def loopback_off(settings):
    settings.INTAKE_ALLOW_LOOPBACK = False
    settings.INTAKE_READ_TIMEOUT = 1


@pytest.fixture
def public_name(monkeypatch, server):
    """news.example resolves to a public address (so the checks let it through) and a
    connection to that address reaches the local server: a stand-in for a public site
    whose redirects the test server decides. Records each resolution and connection."""
    seen = {"resolved": [], "connected": [], "rebind": False}
    real_getaddrinfo = socket.getaddrinfo
    real_connect = urllib3.util.connection.create_connection

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "news.example":
            seen["resolved"].append(host)
            # A rebinding DNS, when asked for: public on the first answer, then loopback.
            rebound = seen["rebind"] and len(seen["resolved"]) > 1
            address = "127.0.0.1" if rebound else PUBLIC_IP
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        seen["connected"].append(address[0])
        if address[0] == PUBLIC_IP:
            address = ("127.0.0.1", server.port)
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(fetching.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", create_connection)
    return seen


def _import(*urls):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.suppress(CommandError):
        call_command("import_articles", *urls, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_fetches_a_page(server, loopback_on):
    page = fetch_page(server.url(f"/pages/{REUTERS}"))
    assert page.charset == "utf-8" and page.redirects == 0
    assert b"Parasite" in page.body
    article = read_url(server.url(f"/pages/{REUTERS}"))
    assert article.title.startswith("'Parasite' scores historic upset")
    # The canonical address the page names, not the local one it was read from.
    assert article.url == "https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH"


def test_it_follows_redirects_and_reads_the_last_address(server, loopback_on):
    page = fetch_page(server.url(f"/redirect/3/{REUTERS}"))
    assert page.redirects == 3
    assert page.url == server.url(f"/pages/{REUTERS}")


def test_it_keeps_the_address_read_from_when_the_page_names_none(server, loopback_on):
    article = read_url(server.url("/redirect/1/dw.com.colonial.html"))
    # DW's page names its address in og:url; its text is what was served.
    assert article.url.startswith("https://www.dw.com/en/")


@pytest.mark.parametrize(
    "path, message",
    [
        (f"/redirect/6/{REUTERS}", "more than 5 redirects"),
        ("/missing", "the server answered 404 Not Found"),
        ("/data.json", "not an HTML page (content type application/json)"),
        ("/big", "over the 5,242,880-byte cap (stopped reading)"),
        ("/big-declared", "6,291,456 bytes, over the 5,242,880-byte cap"),
        ("/slow", "timed out"),
    ],
)
def test_it_refuses_what_is_not_a_page_with_a_clear_message(server, loopback_on, path, message):
    started = time.monotonic()
    with pytest.raises(FetchError, match=message.replace("(", r"\(").replace(")", r"\)")):
        fetch_page(server.url(path))
    assert time.monotonic() - started < SLOW_SECONDS


@pytest.mark.parametrize(
    "path, message",
    [
        (f"/redirect/6/{REUTERS}", "more than 5 redirects"),
        ("/missing", "404"),
        ("/data.json", "not an HTML page"),
        ("/big", "byte cap"),
        ("/slow", "timed out"),
    ],
)
def test_a_refused_url_stores_nothing(db, server, loopback_on, path, message):
    out, err = _import(server.url(path))
    assert message in err and "refused" in err
    assert "0 imported" in out
    assert not Article.objects.exists() and not Sentence.objects.exists()


def test_the_command_imports_urls_beside_files(db, server, loopback_on, tmp_path):
    (tmp_path / "note.txt").write_text("A plain headline\n\nA plain body sentence.")
    out, err = _import(server.url(f"/pages/{REUTERS}"), str(tmp_path))
    assert "2 imported" in out, err
    article = Article.objects.get(
        url="https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH"
    )
    assert article.byline == "Jill Serjeant" and article.outlet == "Reuters"
    assert article.source_name == server.url(f"/pages/{REUTERS}")


def test_it_refuses_loopback_unless_the_test_setting_allows_it(db, server, loopback_off):
    hits_before = len(server.hits)
    with pytest.raises(FetchError, match=r"refused: 127\.0\.0\.1 is a loopback address"):
        fetch_page(server.url(f"/pages/{REUTERS}"))
    # After DNS resolution: a name for a loopback address is refused the same way.
    with pytest.raises(FetchError, match=r"localhost \(127\.0\.0\.1\) is a loopback address"):
        fetch_page(f"http://localhost:{server.port}/pages/{REUTERS}")
    out, err = _import(server.url(f"/pages/{REUTERS}"))
    assert "loopback address" in err and not Article.objects.exists()
    # Refused before connecting: the server never saw a request.
    assert len(server.hits) == hits_before


@pytest.mark.parametrize(
    "target, message",
    [
        ("http://127.0.0.1:{port}/pages/" + REUTERS, "127.0.0.1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is the cloud metadata"),
        ("http://10.1.2.3/admin", "10.1.2.3 is a private address"),
        ("file:///etc/passwd", "only http and https addresses are fetched, not file:"),
    ],
)
def test_it_refuses_a_redirect_to_a_private_address(
    db, server, loopback_off, public_name, target, message
):
    target = target.format(port=server.port)
    hits_before = len(server.hits)
    with pytest.raises(FetchError, match=message.replace("(", r"\(")):
        fetch_page(f"http://news.example:{server.port}/to?url={target}")
    # Only the first hop reached the server; the page behind the redirect was not read.
    assert server.hits[hits_before:] == [f"/to?url={target}"]
    out, err = _import(f"http://news.example:{server.port}/to?url={target}")
    assert message.split(" is ")[-1] in err and not Article.objects.exists()


def test_it_connects_to_the_address_it_checked(server, loopback_off, public_name):
    """The name is resolved once per hop and the connection goes to that address: a DNS
    answer that turns to 127.0.0.1 after the check is never asked for."""
    public_name["rebind"] = True
    page = fetch_page(f"http://news.example:{server.port}/pages/{REUTERS}")
    assert b"Parasite" in page.body
    assert public_name["resolved"] == ["news.example"]
    assert public_name["connected"] == [PUBLIC_IP]


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://example.com/page.html", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("http://user:secret@example.com/", "user name or password"),
        ("http:///nohost", "no host name"),
        ("http://[::1]/", "loopback address"),
        ("http://[::ffff:127.0.0.1]/", "loopback address"),
        ("http://0.0.0.0/", "unspecified address"),
        ("http://224.0.0.1/", "multicast address"),
        ("http://100.64.0.1/", "reserved address"),
        ("http://169.254.1.1/", "link-local address"),
        ("http://192.168.0.1:8080/", "private address"),
        ("http://example.invalid/", "does not resolve"),
        ("http://exa mple.com:99999/", "not a valid URL"),
    ],
)
def test_it_refuses_addresses_it_must_not_fetch(loopback_off, url, message):
    with pytest.raises(FetchError, match=message):
        fetch_page(url)


@pytest.mark.parametrize(
    "address, why",
    [
        ("8.8.8.8", ""),
        ("2606:4700:4700::1111", ""),
        ("127.0.0.2", "a loopback address"),
        ("169.254.169.254", "the cloud metadata address"),
        ("fd00:ec2::254", "the cloud metadata address"),
        ("fe80::1", "a link-local address"),
        ("172.16.5.4", "a private address"),
        ("fc00::1", "a private address"),
        ("240.0.0.1", "a private address"),
        ("198.51.100.7", "a private address"),
    ],
)
def test_it_names_why_an_address_is_refused(address, why):
    assert address_refusal(address) == why


def test_the_loopback_setting_allows_loopback_only(settings):
    assert address_refusal("127.0.0.1", allow_loopback=True) == ""
    assert address_refusal("10.0.0.1", allow_loopback=True) == "a private address"
    assert address_refusal("169.254.169.254", allow_loopback=True) == (
        "the cloud metadata address"
    )


def _certificate(directory, name: str):
    """A self-signed certificate for `name` (openssl), and its key."""
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    openssl = shutil.which("openssl")
    assert openssl, "the https tests make their certificate with openssl"
    subprocess.run(  # noqa: S603 (fixed arguments)
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name}"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def https_news(tmp_path, monkeypatch):
    """news.example over https: the local server behind TLS with a certificate for
    news.example (trusted through SSL_CERT_FILE), reached through the public stand-in
    address as in public_name."""
    cert, key = _certificate(tmp_path, "news.example")
    running = IntakeServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    running.httpd.socket = context.wrap_socket(running.httpd.socket, server_side=True)
    real_getaddrinfo = socket.getaddrinfo
    real_connect = urllib3.util.connection.create_connection

    def getaddrinfo(host, port, *args, **kwargs):
        if host in {"news.example", "other.example"}:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_IP, port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        if address[0] == PUBLIC_IP:
            address = ("127.0.0.1", running.port)
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(fetching.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", create_connection)
    with running:
        yield cert


def test_it_fetches_https_from_the_checked_address_verifying_the_name(
    https_news, loopback_off, monkeypatch
):
    monkeypatch.setenv("SSL_CERT_FILE", str(https_news))
    page = fetch_page(f"https://news.example/pages/{REUTERS}")
    assert b"Parasite" in page.body and page.url == f"https://news.example/pages/{REUTERS}"
    # The same server under a name its certificate does not carry is refused.
    with pytest.raises(FetchError, match="secure connection failed"):
        fetch_page(f"https://other.example/pages/{REUTERS}")


def test_it_refuses_a_certificate_nobody_trusts(https_news, loopback_off):
    with pytest.raises(FetchError, match="secure connection failed"):
        fetch_page(f"https://news.example/pages/{REUTERS}")
