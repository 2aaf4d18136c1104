"""Where nightly runs look for reports, and the PDFs each source lists.

A source is a folder (searched recursively, skipping hidden files and
downloads in progress), a web page whose links to `*.pdf` are followed, the
URL of one PDF, or a text file with one URL per line (`#` starts a comment).
"""
from __future__ import annotations

import posixpath
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from reportmine.errors import ReportmineError
from reportmine.ingest import discover


@dataclass(frozen=True)
class Item:
    """One file to consider: where it lives (absolute path or URL) and its name."""

    location: str
    name: str

    @property
    def is_url(self) -> bool:
        return is_url(self.location)


@dataclass(frozen=True)
class Source:
    """A checked --source: kind is 'folder', 'pdf', 'page' or 'url-list'."""

    kind: str
    value: str


def is_url(text: str) -> bool:
    return urllib.parse.urlsplit(text).scheme.lower() in ("http", "https")


def classify(raw: str) -> Source:
    """Decide what a --source is, failing now if a local one does not exist."""
    if is_url(raw):
        path = urllib.parse.urlsplit(raw).path
        return Source("pdf" if path.lower().endswith(".pdf") else "page", raw)
    path = Path(raw)
    if path.is_dir():
        return Source("folder", str(path.resolve()))
    if path.is_file():
        kind = "pdf" if path.suffix.lower() == ".pdf" else "url-list"
        return Source(kind, str(path.resolve()))
    raise ReportmineError(f"no such source: {raw} (not a folder, a file or an http(s) URL)")


def folder_items(folder: str) -> list[Item]:
    return [Item(str(p.resolve()), p.name) for p in discover([folder])]


def url_item(url: str) -> Item:
    """A URL named after the last segment of its path, percent-decoded."""
    segment = posixpath.basename(urllib.parse.urlsplit(url).path)
    return Item(url, urllib.parse.unquote(segment) or url)


def url_list_items(path: str) -> tuple[list[Item], list[str]]:
    """The URLs of a text file, and the lines that are not URLs."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ReportmineError(f"cannot read URL list {path}: {e}") from e
    items, bad = [], []
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if is_url(line):
            items.append(url_item(line))
        else:
            bad.append(line)
    return items, bad


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def page_items(html: str, base_url: str) -> list[Item]:
    """Links to PDFs on a page, absolute, each once, in page order."""
    parser = _Links()
    parser.feed(html)
    seen: dict[str, None] = {}
    for href in parser.hrefs:
        url = urllib.parse.urljoin(base_url, href.strip()).split("#", 1)[0]
        if is_url(url) and urllib.parse.urlsplit(url).path.lower().endswith(".pdf"):
            seen[url] = None
    return [url_item(url) for url in seen]
