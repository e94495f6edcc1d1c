"""Owner-encrypted PDFs: open without a password, but refuse to be split, merged or changed.

Certified copies ("SAO Y") signed by a People's Committee often arrive so. The original is
stored untouched; the pages are worked on from a copy with the restrictions removed, so that a
page's own text layer can be cut out and the searchable PDF assembled. A file that needs a
password to open never gets here: triage quarantines it as ``EncryptedFile``.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf


def is_locked(path: Path) -> bool:
    """Whether the PDF carries encryption (owner restrictions) though it opens without password."""
    try:
        with pikepdf.open(path) as pdf:
            return bool(pdf.is_encrypted)
    except pikepdf.PdfError:
        return False  # unreadable here: rendering decides, page by page


def unlocked_copy(path: Path, dest: Path) -> Path:
    """The same document without its encryption, written to ``dest`` (streamed by qpdf)."""
    with pikepdf.open(path) as pdf:
        pdf.save(dest)  # pikepdf drops the encryption unless asked to keep it
    return dest
