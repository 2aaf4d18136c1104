"""HTTP downloads for nightly runs: conditional, bounded in time and size.

Only the standard library is used. A URL fetched before is requested with its
ETag / Last-Modified validators, so an unchanged file costs one 304 and no
body. Redirects are followed (urllib allows a handful, never a loop).
"""
from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message

from reportmine import __version__

USER_AGENT = f"reportmine/{__version__} (nightly ingestion)"
_CHUNK = 1 << 16


class FetchError(Exception):
    """A download that failed; the message is the one-line reason."""


@dataclass(frozen=True)
class Validators:
    """What the server said about a URL last time, and which bytes it sent."""

    sha256: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Response:
    """A 200 with its body, or `not_modified` (a 304) with no body."""

    url: str  # after redirects
    not_modified: bool
    data: bytes = b""
    etag: str | None = None
    last_modified: str | None = None


def fetch(url: str, timeout: float, max_bytes: int,
          known: Validators | None = None) -> Response:
    """GET `url`; with `known`, ask for the body only if it changed.

    `timeout` bounds each network wait and the whole download."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if known is not None:
        if known.etag:
            request.add_header("If-None-Match", known.etag)
        if known.last_modified:
            request.add_header("If-Modified-Since", known.last_modified)
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            headers: Message = answer.headers
            length = headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"too large ({int(length):,} bytes > limit {max_bytes:,})")
            data = _read(answer, max_bytes, deadline, timeout)
            return Response(answer.geturl(), False, data, headers.get("ETag"),
                            headers.get("Last-Modified"))
    except urllib.error.HTTPError as e:
        if e.code == 304 and known is not None:
            return Response(e.geturl() or url, True)
        raise FetchError(f"HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, (TimeoutError, socket.timeout)):
            raise FetchError(f"timed out after {timeout:g} s") from None
        raise FetchError(f"cannot connect: {e.reason}") from None
    except (TimeoutError, socket.timeout):
        raise FetchError(f"timed out after {timeout:g} s") from None
    except (OSError, ValueError) as e:
        raise FetchError(f"download failed: {e}") from None


def _read(answer, max_bytes: int, deadline: float, timeout: float) -> bytes:
    parts: list[bytes] = []
    size = 0
    while chunk := answer.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"too large (more than {max_bytes:,} bytes)")
        if time.monotonic() > deadline:
            raise FetchError(f"timed out after {timeout:g} s")
        parts.append(chunk)
    return b"".join(parts)
