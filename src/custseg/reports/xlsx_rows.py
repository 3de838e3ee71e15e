"""Long xlsx sheets written a batch of rows at a time, in columnar form (no Python per cell).

xlsxwriter writes the workbook (sheets, header rows, formats, widths, frozen panes, filters,
print settings) as it always does, but without the data rows; their XML is built a batch at a
time by DuckDB from whole columns, compressed as it comes (raw deflate, one stream per sheet)
and spliced into each sheet's ``<sheetData>`` when the file is assembled. The cells are the
ones xlsxwriter writes in ``constant_memory`` mode, cell by cell: the same references, formats,
numbers (``%.16G``) and text, except that text repeated within a batch is kept once in the
shared string table (``t="s"``) instead of inline (``t="inlineStr"``); a reader sees the same
value either way.

Text is always written as text, never a formula (see :mod:`custseg.spreadsheet`): a cell is a
number only when its column is numeric. Text is escaped as xlsxwriter escapes it (``&``, ``<``,
``>``; control characters as ``_xHHHH_``; leading or trailing white space preserved), and
unlike xlsxwriter's ``constant_memory`` mode, text that looks like rich-text XML (``<r>…</r>``)
is escaped too, not written as markup.
"""

from __future__ import annotations

import os
import re
import struct
import tempfile
import zlib
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal
from zipfile import ZipFile

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.xmlwriter import XMLwriter

from custseg.spreadsheet import new_workbook

Kind = Literal["text", "number"]

LEVEL = 1
"""zlib level of the sheets' data rows (the bulk of the file): fast, about a tenth of the XML."""

SHARED_SHARE = 4
"""A column's text in a batch goes to the shared string table when its distinct values are at
most one in this many of the batch's rows (names, ids and other unique text stay inline)."""

_SPACE = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""The characters Python's ``\\s`` matches (xlsxwriter preserves text that starts or ends with
one): tested against ``re`` in the tests."""

_SPECIAL = r"[\x00-\x08\x0b-\x1f\x{fffe}\x{ffff}]|_x[0-9a-fA-F]{4}_"
"""Text xlsxwriter escapes as ``_xHHHH_`` (a control character, a non-character, or text that
looks escaped), as a regular expression of the engine (RE2)."""

_PRESERVE = "^[{0}]|[{0}]$".format("".join(f"\\x{{{ord(c):x}}}" for c in _SPACE))
"""RE2: text that starts or ends with white space (written with ``xml:space="preserve"``)."""

_SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
_SHARED_STRINGS_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)


def escape_text(value: str) -> tuple[str, bool]:
    """``value`` as the text of a ``<t>`` element and whether it needs ``xml:space="preserve"``
    (xlsxwriter's rules: control characters as ``_xHHHH_``, then ``&``, ``<``, ``>``)."""
    escaped = XMLwriter._escape_control_characters(value)  # noqa: SLF001 - xlsxwriter's own
    preserve = bool(escaped) and (escaped[0] in _SPACE or escaped[-1] in _SPACE)
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped, preserve


@dataclass
class _SheetData:
    """The data rows of one sheet: raw deflate in a temporary file, with its CRC and sizes."""

    file: BinaryIO
    compressor: Any = field(default_factory=lambda: zlib.compressobj(LEVEL, zlib.DEFLATED, -15))
    crc: int = 0
    size: int = 0
    last_row: int = 0
    last_column: int = 0

    def write(self, data: memoryview | bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self.file.write(self.compressor.compress(data))

    def finish(self) -> None:
        self.file.write(self.compressor.flush(zlib.Z_SYNC_FLUSH))
        self.file.flush()


class ColumnarBook:
    """An xlsx file whose sheets' data rows are written from columns (see the module doc).

    Use :attr:`book` (an xlsxwriter workbook) for everything but the data rows: add sheets,
    write their header rows (row 0), set widths, panes and filters. Write the rows below the
    header with :meth:`write_rows`, in order, and call :meth:`close` once.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._dir = tempfile.TemporaryDirectory(prefix="custseg-xlsx-")
        self._skeleton = Path(self._dir.name) / "skeleton.xlsx"
        self.book: Workbook = new_workbook(self._skeleton, constant_memory=True)
        self._sheets: dict[int, _SheetData] = {}
        self._strings: dict[str, int] = {}
        self._references = 0
        self._con: Any = None
        # Rows are deflated in a thread of their own (zlib lets go of the GIL) while the next
        # batch is built; one batch at a time, in order.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="custseg-xlsx")
        self._pending: Future[None] | None = None

    def write_header(self, sheet: Worksheet, values: Sequence[str], cell_format: Format) -> None:
        """Write row 0 of ``sheet`` (its header) with xlsxwriter."""
        sheet.write_row(0, 0, values, cell_format)
        cell_format._get_xf_index()  # noqa: SLF001 - formats are numbered in order of use

    def write_rows(
        self,
        sheet: Worksheet,
        first_row: int,
        columns: Sequence[pd.Series],
        kinds: Sequence[Kind],
        formats: Sequence[tuple[Format, Format]],
        flags: np.ndarray | None = None,
    ) -> None:
        """Write the rows of ``columns`` from sheet row ``first_row`` on (0-based, below row 0).

        ``kinds[j]`` says whether column ``j`` holds numbers (missing: a blank cell) or text
        (``None`` or ``""``: a blank cell); ``formats[j]`` is the cell format of column ``j``
        in a row whose flag is off and on (``flags``, one per row; all off when ``None``).
        """
        rows = len(columns[0]) if columns else 0
        if not rows:
            return
        data = self._sheets.get(sheet.index)
        if data is None:
            data = self._sheets[sheet.index] = _SheetData(
                open(Path(self._dir.name) / f"sheet{sheet.index}.deflate", "wb")  # noqa: SIM115
            )
        if first_row != data.last_row + 1 or first_row < 1:
            raise ValueError(
                f"rows of sheet {sheet.name!r} must come in order below its header: got row "
                f"{first_row} after row {data.last_row}"
            )
        on = np.zeros(rows, dtype=bool) if flags is None else np.asarray(flags, dtype=bool)
        table: dict[str, Any] = {
            "rn": pa.array(np.arange(first_row + 1, first_row + rows + 1, dtype=np.int64)),
            "f": pa.array(on),
        }
        # xlsxwriter numbers formats in order of first use, row by row: keep its order
        for flag in dict.fromkeys([bool(on[0]), not on[0]] if 0 < on.sum() < rows else [bool(on[0])]):
            for pair in formats:
                pair[int(flag)]._get_xf_index()  # noqa: SLF001
        cells = [
            self._column(table, j, values, kind, self._style(*pair, on))
            for j, (values, kind, pair) in enumerate(zip(columns, kinds, formats, strict=True))
        ]
        sql = "SELECT concat('<row r=\"', rn, '\">', " + ", ".join(cells) + ", '</row>') FROM t"
        con = self._connection()
        con.register("t", pa.table(table))
        try:
            result = con.execute(sql).to_arrow_table().column(0).combine_chunks()
        finally:
            con.unregister("t")
        self._wait()
        self._pending = self._pool.submit(data.write, _string_bytes(result))
        data.last_row = first_row + rows - 1
        data.last_column = max(data.last_column, len(columns) - 1)

    def _style(self, off: Format, on: Format, flags: np.ndarray) -> str:
        """SQL giving a column's format index per row."""
        if not flags.any():
            return f"'{off._get_xf_index()}'"  # noqa: SLF001
        if flags.all():
            return f"'{on._get_xf_index()}'"  # noqa: SLF001
        return f"if(f, '{on._get_xf_index()}', '{off._get_xf_index()}')"  # noqa: SLF001

    def _column(
        self, table: dict[str, Any], j: int, values: pd.Series, kind: Kind, style: str
    ) -> str:
        """Put column ``j`` into ``table``; return the SQL of its cells."""
        ref = f"'<c r=\"{xl_col_to_name(j)}', rn, '\" s=\"', {style}"
        blank = f"concat({ref}, '\"/>')"
        if kind == "number":
            numbers = pd.to_numeric(values).astype("float64").to_numpy(na_value=np.nan)
            finite = np.isfinite(numbers) | np.isnan(numbers)
            if not finite.all():
                raise ValueError(f"column {j}: an infinite number cannot be written to xlsx")
            table[f"n{j}"] = pa.array(numbers, from_pandas=True)
            number = f"concat({ref}, '\"><v>', printf('%.16G', n{j}), '</v></c>')"
            return f"CASE WHEN n{j} IS NULL THEN {blank} ELSE {number} END"
        text = pa.array(values.astype(object), type=pa.string(), from_pandas=True)
        encoded = text.dictionary_encode()
        uniques = encoded.dictionary.to_pylist()
        if len(uniques) * SHARED_SHARE <= len(text):
            index = np.array([self._shared(v) for v in uniques] + [-1], dtype=np.int64)
            codes = encoded.indices.fill_null(len(uniques)).to_numpy(zero_copy_only=False)
            shared = index[codes]
            self._references += int((shared >= 0).sum())
            table[f"k{j}"] = pa.array(shared, mask=shared < 0)
            cell = f"concat({ref}, '\" t=\"s\"><v>', k{j}, '</v></c>')"
            return f"CASE WHEN k{j} IS NULL THEN {blank} ELSE {cell} END"
        if pc.any(pc.match_substring_regex(text, _SPECIAL)).as_py():
            # rare (control characters, "_xHHHH_"): xlsxwriter's rules, value by value
            pairs = [escape_text(v) if v is not None else (None, False) for v in text.to_pylist()]
            table[f"t{j}"] = pa.array([p[0] for p in pairs], type=pa.string())
            table[f"p{j}"] = pa.array([p[1] for p in pairs], type=pa.bool_())
            value, preserve = f"t{j}", f"p{j}"
        else:
            table[f"t{j}"] = text
            value = f"replace(replace(replace(t{j}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
            preserve = f"regexp_matches(t{j}, '{_PRESERVE}')"
        cell = (
            f"concat({ref}, '\" t=\"inlineStr\"><is><t', "
            f"if({preserve}, ' xml:space=\"preserve\"', ''), '>', {value}, '</t></is></c>')"
        )
        return f"CASE WHEN t{j} IS NULL OR t{j} = '' THEN {blank} ELSE {cell} END"

    def _shared(self, value: str) -> int:
        """The index of ``value`` in the shared string table; -1 for blank text."""
        if value == "":
            return -1
        found = self._strings.get(value)
        if found is None:
            found = self._strings[value] = len(self._strings)
        return found

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def _connection(self) -> Any:
        if self._con is None:
            import duckdb

            self._con = duckdb.connect()
            self._con.execute("SET preserve_insertion_order = true")
        return self._con

    def close(self) -> None:
        """Write the file: xlsxwriter's workbook with the data rows spliced into its sheets."""
        try:
            self._wait()
            for data in self._sheets.values():
                data.finish()
            self.book.close()
            self._assemble()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            for data in self._sheets.values():
                data.file.close()
            if self._con is not None:
                self._con.close()
            self._dir.cleanup()

    def _assemble(self) -> None:
        by_name = {f"xl/worksheets/sheet{i + 1}.xml": d for i, d in self._sheets.items()}
        with ZipFile(self._skeleton) as skeleton, open(self.path, "wb") as out:
            writer = _ZipWriter(out)
            for name in skeleton.namelist():
                content = skeleton.read(name)
                if name in by_name:
                    self._write_sheet(writer, name, content, by_name[name])
                    continue
                if self._strings and name == "[Content_Types].xml":
                    content = _with_shared_strings_type(content)
                elif self._strings and name == "xl/_rels/workbook.xml.rels":
                    content = _with_shared_strings_rel(content)
                writer.add(name, content)
                if self._strings and name == "xl/workbook.xml":
                    writer.add("xl/sharedStrings.xml", self._shared_strings_xml())
            writer.close()

    def _write_sheet(self, writer: _ZipWriter, name: str, content: bytes, data: _SheetData) -> None:
        if b"</sheetData>" not in content:  # no header row: xlsxwriter wrote <sheetData/>
            content = content.replace(b"<sheetData/>", b"<sheetData></sheetData>", 1)
        cut = content.index(b"</sheetData>")
        head, tail = content[:cut], content[cut:]
        last = f"{xl_col_to_name(data.last_column)}{data.last_row + 1}".encode()
        head = re.sub(rb'<dimension ref="A1(:[A-Z]+[0-9]+)?"/>',
                      b'<dimension ref="A1:' + last + b'"/>', head, count=1)
        data.file.close()
        with open(data.file.name, "rb") as rows:
            writer.add_spliced(name, head, rows, data.crc, data.size, tail)

    def _shared_strings_xml(self) -> bytes:
        parts = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{self._references}" uniqueCount="{len(self._strings)}">'
        ]
        for value in self._strings:
            escaped, preserve = escape_text(value)
            space = ' xml:space="preserve"' if preserve else ""
            parts.append(f"<si><t{space}>{escaped}</t></si>")
        parts.append("</sst>")
        return "".join(parts).encode("utf-8")


def _string_bytes(strings: pa.Array) -> memoryview:
    """The UTF-8 bytes of all values of a string array, one after another (no copy)."""
    if strings.null_count:
        raise ValueError("a row of cells came out empty")
    wide = pa.types.is_large_string(strings.type)
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64 if wide else np.int32)
    start, end = offsets[strings.offset], offsets[strings.offset + len(strings)]
    return memoryview(strings.buffers()[2])[int(start) : int(end)]


def _with_shared_strings_type(content: bytes) -> bytes:
    override = (
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SHARED_STRINGS_TYPE}"/>'
    ).encode()
    return content.replace(b"</Types>", override + b"</Types>", 1)


def _with_shared_strings_rel(content: bytes) -> bytes:
    taken = [int(n) for n in re.findall(rb'Id="rId(\d+)"', content)]
    rel = (
        f'<Relationship Id="rId{max(taken, default=0) + 1}" Type="{_SHARED_STRINGS_REL}" '
        'Target="sharedStrings.xml"/>'
    ).encode()
    return content.replace(b"</Relationships>", rel + b"</Relationships>", 1)


_CRC32_POLY = 0xEDB88320
"""CRC-32's generator polynomial, bit-reversed: bit 31 stands for x^0, bit 0 for x^31."""


def _times_mod_poly(a: int, b: int) -> int:
    """The product of two polynomials over GF(2) modulo CRC-32's, both bit-reversed."""
    product = 0
    for bit in range(31, -1, -1):  # a's coefficient of x^(31 - bit), lowest power first
        if (a >> bit) & 1:
            product ^= b
        b = (b >> 1) ^ _CRC32_POLY if b & 1 else b >> 1  # b times x
    return product


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of ``a + b`` from ``crc32(a)``, ``crc32(b)`` and ``len(b)``.

    A CRC is the message's remainder modulo the polynomial (the initial and final inversions
    cancel out between the two parts), so appending ``length2`` bytes multiplies ``a``'s CRC
    by ``x`` to the power ``8 * length2`` before ``b``'s is added: the power by squaring, in
    about ``log2(length2)`` products, not a pass over the bytes.
    """
    if length2 <= 0:
        return crc1
    shift, power = 1 << 31, 1 << 23  # x^0 and x^8: one byte
    while length2:
        if length2 & 1:
            shift = _times_mod_poly(shift, power)
        power = _times_mod_poly(power, power)
        length2 >>= 1
    return _times_mod_poly(shift, crc1) ^ crc2


_DOS_TIME, _DOS_DATE = 0, (1980 - 1980) << 9 | 1 << 5 | 31
"""Entries dated 31 January 1980, as xlsxwriter dates them."""

_ZIP64_LIMIT = 0xFFFFFFFF
"""What the classic fields of a zip file say when the value is in a Zip64 field."""

ZIP64_AT = _ZIP64_LIMIT
"""Sizes and offsets from this one on are kept in Zip64 fields (lower in a test)."""


class _ZipWriter:
    """A zip file written entry by entry (deflate; Zip64 where sizes or offsets need it)."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._entries: list[tuple[bytes, int, int, int, int]] = []

    def add(self, name: str, content: bytes) -> None:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = compressor.compress(content) + compressor.flush()
        self._entry(name, zlib.crc32(content), len(content), [packed])

    def add_spliced(
        self, name: str, head: bytes, rows: BinaryIO, crc: int, size: int, tail: bytes
    ) -> None:
        """An entry of ``head``, then rows (raw deflate ending in a sync flush), then ``tail``."""
        first = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed_head = first.compress(head) + first.flush(zlib.Z_SYNC_FLUSH)
        last = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed_tail = last.compress(tail) + last.flush()
        total = crc32_combine(crc32_combine(zlib.crc32(head), crc, size), zlib.crc32(tail),
                              len(tail))
        self._entry(name, total, len(head) + size + len(tail), [packed_head, rows, packed_tail])

    def _entry(self, name: str, crc: int, size: int, parts: list[Any]) -> None:
        encoded = name.encode("utf-8")
        packed = sum(_length(p) for p in parts)
        offset = self._out.tell()
        zip64 = size >= ZIP64_AT or packed >= ZIP64_AT
        extra = struct.pack("<HHQQ", 1, 16, size, packed) if zip64 else b""
        self._out.write(struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 45 if zip64 else 20, 0, 8, _DOS_TIME, _DOS_DATE, crc,
            _ZIP64_LIMIT if zip64 else packed, _ZIP64_LIMIT if zip64 else size, len(encoded),
            len(extra),
        ))
        self._out.write(encoded + extra)
        for part in parts:
            if isinstance(part, bytes):
                self._out.write(part)
            else:
                part.seek(0)
                while chunk := part.read(1 << 22):
                    self._out.write(chunk)
        self._entries.append((encoded, crc, size, packed, offset))

    def close(self) -> None:
        start = self._out.tell()
        for encoded, crc, size, packed, offset in self._entries:
            values: list[int] = []
            large = size >= ZIP64_AT or packed >= ZIP64_AT
            if large:
                values += [size, packed]
            far = offset >= ZIP64_AT
            if far:
                values.append(offset)
            extra = struct.pack(f"<HH{len(values)}Q", 1, 8 * len(values), *values) if values else b""
            zip64 = bool(values)
            self._out.write(struct.pack(
                "<IHHHHHHIIIHHHHHII", 0x02014B50, 45 if zip64 else 20, 45 if zip64 else 20, 0, 8,
                _DOS_TIME, _DOS_DATE, crc, _ZIP64_LIMIT if large else packed,
                _ZIP64_LIMIT if large else size, len(encoded), len(extra), 0, 0, 0, 0,
                _ZIP64_LIMIT if far else offset,
            ))
            self._out.write(encoded + extra)
        end = self._out.tell()
        count, length = len(self._entries), end - start
        beyond = start >= ZIP64_AT or length >= ZIP64_AT or count >= 0xFFFF
        if beyond:
            self._out.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count,
                                        count, length, start))
            self._out.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
        self._out.write(struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF if beyond else count,
            0xFFFF if beyond else count, _ZIP64_LIMIT if beyond else length,
            _ZIP64_LIMIT if beyond else start, 0,
        ))


def _length(part: Any) -> int:
    if isinstance(part, bytes):
        return len(part)
    return os.fstat(part.fileno()).st_size
