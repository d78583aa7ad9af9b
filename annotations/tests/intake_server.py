"""A local web server for URL-import tests (and the bulk benchmark): serves the real pages
of ../shared/intake-pages and the hostile answers a fetch must refuse. Never the internet.

    /pages/<name>            the saved page, text/html
    /redirect/<n>/<name>     n redirects (302), then the page
    /to?url=<address>        one redirect to any address (127.0.0.1, 169.254.169.254 …)
    /missing                 404
    /data.json               application/json
    /big                     6 MB of HTML, streamed with no Content-Length
    /big-declared            6 MB of HTML with its Content-Length
    /slow                    answers after SLOW_SECONDS
    /copy/<n>/<name>         another article: the page with its addresses and text changed by n
    /variant/<n>/<name>      the page, its canonical link kept, its text changed by n
"""

from __future__ import annotations

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

PAGES_DIR = settings.BASE_DIR.parent / "shared" / "intake-pages"
SIX_MB = 6 * 1024 * 1024
SLOW_SECONDS = 3.0


def page_bytes(name: str) -> bytes:
    path = PAGES_DIR / Path(name).name
    assert path.is_file(), f"fixture page missing: {path} (the shared intake pages)"
    return path.read_bytes()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):  # noqa: N802 - the base class's name
        self.server.hits.append(self.path)
        parts = urlsplit(self.path)
        segments = [s for s in parts.path.split("/") if s]
        if segments[:1] == ["pages"] and len(segments) == 2:
            self._send(200, page_bytes(segments[1]))
        elif segments[:1] == ["copy"] and len(segments) == 3:
            # Another article: every address in the page (its canonical URL among them)
            # on a host of its own, and a word changed in every paragraph.
            number = segments[1]
            body = page_bytes(segments[2]).replace(b"https://", f"https://copy{number}.".encode())
            body = body.replace(b" the ", f" the {number} ".encode())
            self._send(200, body)
        elif segments[:1] == ["variant"] and len(segments) == 3:
            # One canonical address, a text that differs by n: the same article, changed.
            body = page_bytes(segments[2]).replace(b" the ", f" the {segments[1]} ".encode())
            self._send(200, body)
        elif segments[:1] == ["redirect"] and len(segments) == 3:
            left = int(segments[1])
            self._redirect(
                f"/redirect/{left - 1}/{segments[2]}" if left > 1 else f"/pages/{segments[2]}"
            )
        elif segments == ["to"]:
            self._redirect(parse_qs(parts.query)["url"][0])
        elif segments == ["data.json"]:
            self._send(200, b'{"title": "not a page"}', "application/json")
        elif segments == ["big"]:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<p>" + b"filler " * 9000 + b"</p>\n"
            sent = 0
            try:
                while sent < SIX_MB:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.server.big_sent.append(sent)
            self.close_connection = True
        elif segments == ["big-declared"]:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(SIX_MB))
            self.end_headers()
            self.close_connection = True
        elif segments == ["slow"]:
            time.sleep(SLOW_SECONDS)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send(200, page_bytes("reuters.com.parasite.html"))
        else:
            self._send(404, b"<html><body>Not found</body></html>")


class IntakeServer:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.hits = []
        self.httpd.big_sent = []
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def hits(self) -> list[str]:
        return self.httpd.hits

    def __enter__(self) -> IntakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
