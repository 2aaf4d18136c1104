"""Small PDFs made on the fly for edge cases (test support only)."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas


def make_pdf(path: Path, pages: list[list[str]], *, encrypt: StandardEncryption | None = None,
             title: str | None = None, rotate: int = 0, pagesize=A4) -> Path:
    c = canvas.Canvas(str(path), pagesize=pagesize, encrypt=encrypt, invariant=1)
    if title:
        c.setTitle(title)
        c.setAuthor(title)
    for lines in pages:
        c.setPageRotation(rotate)
        c.setFont("Helvetica-Bold", 16)
        if lines:
            c.drawString(72, pagesize[1] - 72, lines[0])
        c.setFont("Helvetica", 11)
        for i, text in enumerate(lines[1:]):
            c.drawString(72, pagesize[1] - 110 - 16 * i, text)
        if not lines:
            c.rect(100, 100, 200, 200, fill=1)  # a drawing, no text
        c.showPage()
    c.save()
    return path


def user_password(password: str = "secret") -> StandardEncryption:
    return StandardEncryption(password, ownerPassword="owner", strength=128)


def owner_password_only() -> StandardEncryption:
    return StandardEncryption("", ownerPassword="owner", canPrint=0, canCopy=0, strength=128)
