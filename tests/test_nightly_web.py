"""`reportmine nightly` against a real web site served on 127.0.0.1.

The site lists PDFs on a page and serves a 404, a redirect, a response slower
than the fetch time limit, an HTML error page named .pdf, non-ASCII names,
and files that change between runs; it honours ETag / Last-Modified so a
second run can be checked to download nothing.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Iterator
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reportmine.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PDF_A, PDF_B, PDF_C = (CORPUS / f"{n}.pdf" for n in ("carnbury", "ferrisham", "wyndcombe"))
LAST_MODIFIED = 1_700_000_000.0
ERROR_PAGE = b"<!DOCTYPE html><html><head><title>Error</title></head><body>Busy</body></html>"


class Site:
    """Files by URL path, redirects and slow paths; remembers every answer it gave."""

    def __init__(self, validators: str = "etag") -> None:
        self.files: dict[str, bytes] = {}
        self.redirects: dict[str, str] = {}
        self.slow: dict[str, float] = {}
        self.validators = validators
        self.served: list[tuple[str, int]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.site = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def page(self, path: str, hrefs: list[str]) -> str:
        links = "".join(f'<li><a href="{h}">{h}</a></li>' for h in hrefs)
        self.files[path] = f"<html><body><ul>{links}</ul></body></html>".encode()
        return self.url + path

    def statuses(self, suffix: str = ".pdf") -> list[int]:
        return [status for path, status in self.served if path.endswith(suffix)]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        site: Site = self.server.site  # type: ignore[attr-defined]
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        time.sleep(site.slow.get(path, 0))
        try:
            status = self._answer(site, path)
        except (BrokenPipeError, ConnectionResetError):
            status = 0  # the client gave up waiting
        site.served.append((path, status))

    def _answer(self, site: Site, path: str) -> int:
        if path in site.redirects:
            self._send(302, {"Location": site.redirects[path]})
            return 302
        body = site.files.get(path)
        if body is None:
            self._send(404, {}, b"<html><body>Not found</body></html>")
            return 404
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if site.validators == "etag":
            headers = {"ETag": etag}
            fresh = self.headers.get("If-None-Match") == etag
        else:
            headers = {"Last-Modified": formatdate(LAST_MODIFIED, usegmt=True)}
            since = self.headers.get("If-Modified-Since")
            fresh = since is not None and parsedate_to_datetime(since).timestamp() >= LAST_MODIFIED
        if fresh:
            self._send(304, headers)
            return 304
        kind = "application/pdf" if path.endswith(".pdf") else "text/html"
        self._send(200, {**headers, "Content-Type": kind}, body)
        return 200

    def _send(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _serve(site: Site) -> Iterator[Site]:
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    yield from _serve(Site())


def nightly(db: Path, *sources: str, extra: tuple[str, ...] = ()) -> int:
    args = ["--db", str(db), "nightly", "--quiet", "--model", "keyword", "--fetch-timeout", "1"]
    for source in sources:
        args += ["--source", source]
    return main([*args, *extra])


def summary(capsys) -> str:
    return capsys.readouterr().out.splitlines()[0]


def rows(db: Path, sql: str) -> list[tuple]:
    return sqlite3.connect(db).execute(sql).fetchall()


def test_page_of_links_ingests_pdfs_and_records_every_failure(site, tmp_path, capsys):
    site.files["/files/a.pdf"] = PDF_A.read_bytes()
    site.files["/files/moved-here.pdf"] = PDF_B.read_bytes()
    site.files["/files/error.pdf"] = ERROR_PAGE
    site.files["/files/slow.pdf"] = PDF_C.read_bytes()
    site.slow["/files/slow.pdf"] = 3.0
    site.redirects["/files/old-name.pdf"] = "/files/moved-here.pdf"
    page = site.page("/reports/", ["../files/a.pdf", "/files/old-name.pdf", "/files/missing.pdf",
                                   "/files/error.pdf", "/files/slow.pdf", "about.html"])
    report = tmp_path / "summary.json"
    assert nightly(tmp_path / "rm.db", page, extra=("--summary", str(report))) == 0
    assert summary(capsys) == ("run 1 completed: 2 new, 0 updated, 0 duplicate, 0 unchanged, "
                               "1 quarantined, 2 failed")
    events = {e["location"].rsplit("/", 1)[1]: e for e in json.loads(report.read_text())["events"]}
    assert events["error.pdf"]["reason"] == "not a PDF (HTML page)"
    assert events["missing.pdf"]["reason"] == "HTTP 404 Not Found"
    assert events["slow.pdf"]["reason"] == "timed out after 1 s"
    assert events["old-name.pdf"]["outcome"] == "new"
    assert sorted(rows(tmp_path / "rm.db", "SELECT file_name, status FROM reports")) == [
        ("a.pdf", "ok"), ("error.pdf", "quarantined"), ("old-name.pdf", "ok")]


@pytest.mark.parametrize("validators", ["etag", "last-modified"])
def test_second_run_downloads_nothing_unchanged(validators, tmp_path, capsys):
    for site in _serve(Site(validators)):
        site.files["/a.pdf"] = PDF_A.read_bytes()
        site.files["/b.pdf"] = PDF_B.read_bytes()
        page = site.page("/", ["a.pdf", "b.pdf"])
        nightly(tmp_path / "rm.db", page)
        assert site.statuses() == [200, 200]
        assert summary(capsys).startswith("run 1 completed: 2 new")
        assert nightly(tmp_path / "rm.db", page) == 0
        assert site.statuses() == [200, 200, 304, 304]
        assert summary(capsys) == ("run 2 completed: 0 new, 0 updated, 0 duplicate, "
                                   "2 unchanged, 0 quarantined, 0 failed")


def test_changed_file_at_same_url_is_new_version_superseding_the_old(site, tmp_path, capsys):
    site.files["/report.pdf"] = PDF_A.read_bytes()
    db = tmp_path / "rm.db"
    nightly(db, site.url + "/report.pdf")
    site.files["/report.pdf"] = PDF_B.read_bytes()
    assert nightly(db, site.url + "/report.pdf") == 0
    assert "run 2 completed: 0 new, 1 updated" in capsys.readouterr().out
    old_id = hashlib.sha256(PDF_A.read_bytes()).hexdigest()[:16]
    new_id = hashlib.sha256(PDF_B.read_bytes()).hexdigest()[:16]
    assert dict(rows(db, "SELECT report_id, superseded_by FROM reports")) == {
        old_id: new_id, new_id: None}
    assert rows(db, "SELECT report_id FROM current_reports") == [(new_id,)]


def test_same_bytes_at_another_url_is_another_location_of_one_report(site, tmp_path, capsys):
    site.files["/a.pdf"] = PDF_A.read_bytes()
    site.files["/mirror/copy of a.pdf"] = PDF_A.read_bytes()
    db = tmp_path / "rm.db"
    assert nightly(db, site.page("/", ["a.pdf", "mirror/copy%20of%20a.pdf"])) == 0
    assert "1 new, 0 updated, 1 duplicate" in summary(capsys)
    assert rows(db, "SELECT count(*) FROM reports") == [(1,)]
    assert sorted(path for (path,) in rows(db, "SELECT path FROM locations")) == [
        site.url + "/a.pdf", site.url + "/mirror/copy%20of%20a.pdf"]


def test_non_ascii_url_keeps_its_decoded_file_name(site, tmp_path, capsys):
    site.files["/rapports/Ærø–résumé.pdf"] = PDF_A.read_bytes()
    href = urllib.parse.quote("rapports/Ærø–résumé.pdf")
    assert nightly(tmp_path / "rm.db", site.page("/", [href])) == 0
    assert rows(tmp_path / "rm.db", "SELECT file_name FROM reports") == [("Ærø–résumé.pdf",)]


def test_url_list_file_fetches_each_url_and_flags_lines_that_are_not_urls(site, tmp_path,
                                                                          capsys):
    site.files["/a.pdf"] = PDF_A.read_bytes()
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# nightly sources\n{site.url}/a.pdf\n\nftp://example.org/b.pdf\n")
    assert nightly(tmp_path / "rm.db", str(listing)) == 0
    out = capsys.readouterr().out
    assert "1 new" in out and "1 failed" in out
    assert "failed ftp://example.org/b.pdf: not an http(s) URL" in out


def test_unreachable_listing_page_is_a_failure_of_that_source_only(site, tmp_path, capsys):
    site.files["/a.pdf"] = PDF_A.read_bytes()
    assert nightly(tmp_path / "rm.db", site.url + "/gone/", site.url + "/a.pdf") == 0
    out = capsys.readouterr().out
    assert "1 new" in out and "cannot read listing page: HTTP 404 Not Found" in out


def test_file_larger_than_the_limit_is_not_downloaded(site, tmp_path, capsys):
    site.files["/big.pdf"] = b"%PDF-1.4\n" + b"0" * (2 * 2**20)
    assert nightly(tmp_path / "rm.db", site.url + "/big.pdf", extra=("--max-size", "1")) == 0
    assert "failed big.pdf: too large" in capsys.readouterr().out
