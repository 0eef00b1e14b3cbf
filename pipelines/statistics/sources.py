"""Opening statistics files by what they contain, not by what they are called.

Real downloads lie about themselves: Eurostat's ``demo_r_pjanaggr3.tsv`` is gzip, the
ECB ships a zip holding one CSV, Rosstat mixes BIFF8 ``.xls`` and ``.xlsx``. Everything
here looks at magic bytes and at the first lines of text instead of file extensions.
"""

from __future__ import annotations

import codecs
import gzip
import zipfile
from dataclasses import dataclass
from pathlib import Path

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # BIFF8 .xls (and other MS Office files)

HEAD_BYTES = 64 * 1024
TEXT_ENCODINGS = ("utf-8", "cp1251")  # Rosstat/fedstat exports come in either


@dataclass(frozen=True)
class Source:
    """What a file holds, found from its bytes."""

    path: Path
    container: str
    """``text`` (possibly gzip-compressed), ``zip`` (one text member), ``xlsx`` or ``xls``."""
    compressed: bool = False
    member: str | None = None
    """For ``zip``: the member holding the data."""
    encoding: str | None = None
    head: str = ""
    """The first ~64 KB of text (decompressed, decoded); empty for spreadsheets."""

    def read_bytes(self) -> bytes:
        """The whole (decompressed) payload; for spreadsheets the file's bytes."""
        if self.container == "zip":
            with zipfile.ZipFile(self.path) as archive:
                return archive.read(self.member or "")
        data = self.path.read_bytes()
        return gzip.decompress(data) if self.compressed else data

    def read_text(self) -> str:
        data = self.read_bytes()
        return data.decode(self.encoding or "utf-8").removeprefix("\ufeff")

    def first_line(self) -> str:
        return self.head.split("\n", 1)[0].rstrip("\r")


def open_source(path: Path | str) -> Source:
    """Sniff ``path``: compression, container and the head of its text."""
    path = Path(path)
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(OLE2_MAGIC):
        return Source(path, "xls")
    if magic.startswith(ZIP_MAGIC):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return Source(path, "xlsx")
            members = [n for n in names if not n.endswith("/")]
            if len(members) != 1:
                return Source(path, "zip", member=None)
            with archive.open(members[0]) as handle:
                raw = handle.read(HEAD_BYTES)
        encoding, head = _decode_head(raw)
        return Source(path, "zip", member=members[0], encoding=encoding, head=head)
    compressed = magic.startswith(GZIP_MAGIC)
    opener = gzip.open if compressed else open
    with opener(path, "rb") as handle:
        raw = handle.read(HEAD_BYTES)
    encoding, head = _decode_head(raw)
    return Source(path, "text", compressed=compressed, encoding=encoding, head=head)


def _decode_head(raw: bytes) -> tuple[str | None, str]:
    """Decode the head of a text file; ``(None, "")`` when it is not text."""
    if b"\x00" in raw[:4096]:
        return None, ""
    for encoding in TEXT_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            text = decoder.decode(raw, final=len(raw) < HEAD_BYTES)
        except UnicodeDecodeError:
            continue
        return encoding, text.removeprefix("\ufeff")
    return None, ""

