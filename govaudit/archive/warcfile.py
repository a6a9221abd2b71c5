"""A run's WARC files: `<evidence dir>/<run id>/govaudit-<time>-<serial>-<host>-<pid>.warc.gz`.

Each record is its own gzip member (what every WARC reader and replay tool expects: a record can be read
at its offset alone). A file is rotated once it passes the size limit; each file starts with a warcinfo
record naming the run. Records are built with warcio and serialised uncompressed, then compressed here at
a configurable level (warcio's own gzip writer always uses level 9, several times slower)."""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
import zlib
from pathlib import Path
from typing import Any

from warcio.warcwriter import WARCWriter

SOFTWARE = "govaudit (warcio)"


def gzip_member(data: bytes, level: int) -> bytes:
    comp = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return comp.compress(data) + comp.flush()


class WarcFiles:
    """Append records to the run's current WARC file; rotate past `max_bytes`."""

    def __init__(self, evidence_dir: Path | str, run_id: str, *, max_bytes: int, level: int = 6,
                 info: dict[str, Any] | None = None) -> None:
        self.root = Path(evidence_dir)
        self.run_id = run_id
        self.folder = self.root / run_id
        self.max_bytes = max(int(max_bytes), 1)
        self.level = level
        self.info = dict(info or {})
        self.builder = WARCWriter(io.BytesIO(), gzip=False)  # builds records; never writes to its own buffer
        self._fh: Any = None
        self._name = ""
        self._size = 0
        self._serial = 0
        self.files: list[str] = []  # relative paths of the files this process wrote
        self.bytes_written = 0

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        host = socket.gethostname().replace("-", "").replace(".", "")[:40] or "host"
        while True:
            self._serial += 1
            name = f"govaudit-{stamp}-{self._serial:05d}-{host}-{os.getpid()}.warc.gz"
            if not (self.folder / name).exists():
                break
        self._fh = (self.folder / name).open("xb")  # kept open across records; closed by close()
        self._name = f"{self.run_id}/{name}"
        self._size = 0
        self.files.append(self._name)
        info = {"software": SOFTWARE, "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                "isPartOf": self.run_id, **self.info}
        self._append(self.builder.create_warcinfo_record(name, info))

    def _serialise(self, record: Any) -> bytes:
        buf = io.BytesIO()
        self.builder._write_warc_record(buf, record)  # warcio's serialiser (digests, lengths), uncompressed
        return buf.getvalue()

    def _append(self, record: Any) -> tuple[str, int, int]:
        member = gzip_member(self._serialise(record), self.level)
        offset = self._size
        self._fh.write(member)
        self._size += len(member)
        self.bytes_written += len(member)
        return self._name, offset, len(member)

    def write(self, records: list[Any]) -> list[tuple[str, int, int]]:
        """Write records (one fetch: kept in one file) and return (file, offset, length) of each."""
        if self._fh is None or self._size >= self.max_bytes:
            self.close()
            self._open()
        out = [self._append(r) for r in records]
        self._fh.flush()
        return out

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
