"""Fetch a web page for import without letting the server reach into our own network.

A URL typed by a moderator is fetched by the server, so it must not be a way to read
what only the server can reach (SSRF): the admin on localhost, a database on the private
network, the cloud's metadata service at 169.254.169.254. Every hop (the URL and every
redirect) is checked the same way: http or https only; the host name resolved once; every
address it resolves to must be public (not private, loopback, link-local, multicast,
reserved or unspecified); and the connection is made to the address that was checked, not
to the name again, so a DNS answer that changes between the check and the connection
(rebinding) cannot slip through. TLS still verifies the certificate for the name.

Limits: at most INTAKE_MAX_REDIRECTS redirects, connect and read timeouts plus an overall
deadline (a server dripping one byte a second never ends a read timeout), the size cap
counted while streaming (a missing or false Content-Length changes nothing), and HTML
content types only. Every refusal is a FetchError whose message says what and why.
urllib3 does the HTTP; it reads no proxy from the environment.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings

from annotations.importing import ArticleFileError, ParsedArticle, read_page_bytes

HTML_TYPES = {"text/html", "application/xhtml+xml"}
REDIRECTS = {301, 302, 303, 307, 308}
USER_AGENT = "Factcheck-article-import/1.0"
CHUNK = 64 * 1024


class FetchError(ArticleFileError):
    """The page was not fetched; the message names the URL and says why."""


@dataclass(frozen=True)
class FetchedPage:
    url: str  # where the page was finally read, after redirects
    requested: str
    body: bytes
    charset: str | None
    redirects: int


def is_url(value: str) -> bool:
    return "://" in value[:20]


def fetch_page(url: str, *, allow_loopback: bool | None = None) -> FetchedPage:
    """The HTML page at `url`, following at most INTAKE_MAX_REDIRECTS redirects, each hop
    checked (module docstring). Raises FetchError."""
    if allow_loopback is None:
        allow_loopback = settings.INTAKE_ALLOW_LOOPBACK
    max_redirects = settings.INTAKE_MAX_REDIRECTS
    deadline = (
        time.monotonic() + settings.INTAKE_CONNECT_TIMEOUT + 2 * settings.INTAKE_READ_TIMEOUT
    )
    current = url.strip()
    for hop in range(max_redirects + 1):
        target = _target(current, allow_loopback=allow_loopback)
        response = _request(target, current)
        try:
            if response.status in REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"{current}: redirect ({response.status}) with no address")
                if hop == max_redirects:
                    raise FetchError(
                        f"{url}: more than {max_redirects} redirects (the last to {location})"
                    )
                current = urljoin(current, location.strip())
                continue
            if response.status != 200:
                raise FetchError(
                    f"{current}: the server answered {response.status} "
                    f"{response.reason or ''}".rstrip()
                )
            content_type, charset = _content_type(response.headers.get("Content-Type", ""))
            if content_type not in HTML_TYPES:
                raise FetchError(
                    f"{current}: not an HTML page (content type "
                    f"{content_type or 'not given'}); only web pages are imported"
                )
            body = _read_capped(response, current, deadline)
        finally:
            response.release_conn()
            response.close()
        return FetchedPage(url=current, requested=url, body=body, charset=charset, redirects=hop)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # as written, for the Host header, SNI and the certificate
    address: str  # the checked address the connection goes to
    port: int
    path: str


def _target(url: str, *, allow_loopback: bool) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"{url}: not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise FetchError(f"{url}: only http and https addresses are fetched, not {scheme}:")
    host = parts.hostname
    if not host:
        raise FetchError(f"{url}: no host name in the address")
    if parts.username or parts.password:
        raise FetchError(f"{url}: addresses with a user name or password are not fetched")
    port = port or (443 if scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"{url}: the host name {host} does not resolve ({exc})") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise FetchError(f"{url}: the host name {host} does not resolve")
    for address in addresses:
        why = address_refusal(address, allow_loopback=allow_loopback)
        if why:
            named = host if host == address else f"{host} ({address})"
            raise FetchError(
                f"{url}: refused: {named} is {why}; only public addresses are fetched"
            )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return _Target(scheme=scheme, host=host, address=addresses[0], port=port, path=path)


def address_refusal(address: str, *, allow_loopback: bool = False) -> str:
    """Why an address may not be fetched ("a loopback address"), or "" when it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "" if allow_loopback else "a loopback address"
    if str(ip) == "169.254.169.254" or str(ip) == "fd00:ec2::254":
        return "the cloud metadata address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved address"
    return ""


def _request(target: _Target, url: str) -> urllib3.BaseHTTPResponse:
    timeout = urllib3.Timeout(
        connect=settings.INTAKE_CONNECT_TIMEOUT, read=settings.INTAKE_READ_TIMEOUT
    )
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    if ":" in target.host and target.port == default_port:
        host_header = f"[{target.host}]"
    kwargs = {"timeout": timeout, "retries": False, "maxsize": 1}
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            **kwargs,
        )
    else:
        pool = urllib3.HTTPConnectionPool(target.address, target.port, **kwargs)
    try:
        return pool.urlopen(
            "GET",
            target.path,
            headers={
                "Host": host_header,
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml;q=0.9",
                "Accept-Encoding": "identity",
            },
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
    except urllib3.exceptions.ConnectTimeoutError:
        raise FetchError(
            f"{url}: no connection within {settings.INTAKE_CONNECT_TIMEOUT} s (timed out)"
        ) from None
    except urllib3.exceptions.ReadTimeoutError:
        raise FetchError(
            f"{url}: the server sent nothing for {settings.INTAKE_READ_TIMEOUT} s (timed out)"
        ) from None
    except urllib3.exceptions.SSLError as exc:
        raise FetchError(f"{url}: the secure connection failed ({exc})") from None
    except urllib3.exceptions.HTTPError as exc:
        raise FetchError(f"{url}: the server could not be reached ({_reason(exc)})") from None


def _read_capped(response, url: str, deadline: float) -> bytes:
    cap = settings.INTAKE_PAGE_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap:
        raise FetchError(f"{url}: the page is {int(declared):,} bytes, over the {cap:,}-byte cap")
    chunks, size = [], 0
    try:
        for chunk in response.stream(CHUNK, decode_content=True):
            size += len(chunk)
            if size > cap:
                raise FetchError(f"{url}: the page is over the {cap:,}-byte cap (stopped reading)")
            if time.monotonic() > deadline:
                raise FetchError(f"{url}: the page took too long to arrive (timed out)")
            chunks.append(chunk)
    except urllib3.exceptions.ReadTimeoutError:
        raise FetchError(
            f"{url}: the server sent nothing for {settings.INTAKE_READ_TIMEOUT} s (timed out)"
        ) from None
    except urllib3.exceptions.HTTPError as exc:
        raise FetchError(f"{url}: the page could not be read ({_reason(exc)})") from None
    return b"".join(chunks)


def _content_type(header: str) -> tuple[str, str | None]:
    kind, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return kind.strip().lower(), charset


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None) or exc
    return str(reason).split(": ", 1)[-1][:200]


def read_url(url: str, *, allow_loopback: bool | None = None) -> ParsedArticle:
    """The article at `url`: fetched safely, then read like an uploaded page. The address
    the page names as canonical is kept, else the address it was read from."""
    page = fetch_page(url, allow_loopback=allow_loopback)
    return read_page_bytes(page.body, source_name=url[:300], url=page.url, charset=page.charset)
