"""The one sheet of an export, streamed as SpreadsheetML: a bold header row, typed cells
(inline text, numbers, booleans, dates and times with their formats), a frozen first row and
the columns' widths.

Why not XlsxWriter: it spends about 10 µs on each cell (its per-cell call chain, bounds checks and
escaping), which puts the 100,000-row 汇总表 (2.1 million cells) over its 20-second budget;
here a row is one joined string, about a third of that. The workbook has only the parts Excel,
WPS and LibreOffice need (content types, relationships, workbook, styles, one worksheet) and is
read back by openpyxl in the tests: values, cell types, number formats, quotePrefix, the bold
header, the frozen row and the widths.

The rows are spooled to a file in the caller's temporary directory (nothing is held in
memory), then the worksheet part is deflated into the archive with its dimension in front."""
from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from openpyxl.utils import get_column_letter

#: Styles (cellXfs) of styles.xml, by position.
HEADER, DATE, DATETIME, QUOTED = 1, 2, 3, 4
TAB_SELECTED = ' tabSelected="1"'
_EPOCH = datetime(1899, 12, 30)
_EPOCH_DATE = _EPOCH.date()
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
#: Characters a workbook cannot hold (XML 1.0): dropped from text.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

def content_types(sheets: int) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  for i in range(1, sheets + 1))
        + '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '</Types>')


ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')


def workbook_rels(sheets: int) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{i}" '
                  'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                  f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, sheets + 1))
        + f'<Relationship Id="rId{sheets + 1}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>')


def workbook(names: Sequence[str]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<bookViews><workbookView/></bookViews><sheets>'
        + "".join(f'<sheet name="{_attr(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, 1))
        + '</sheets></workbook>')


def styles(date_format: str, datetime_format: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{_attr(date_format)}"/>'
        f'<numFmt numFmtId="165" formatCode="{_attr(datetime_format)}"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill>'
        '</fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="5">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
        'applyAlignment="1"><alignment horizontal="center"/></xf>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
        '</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '</styleSheet>')


def _text(value: str) -> str:
    # A carriage return is kept as a reference: XML readers turn a literal one into a line feed.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;")


def _width(characters: float) -> float:
    """A width in characters as Excel stores it: with its 5 pixels of padding (7-pixel digits)."""
    pixels = int(characters * 7 + 0.5) + 5
    return int(pixels / 7 * 256) / 256


def sheet_name(title: str) -> str:
    return _SHEET_NAME_BAD.sub("", title)[:31].strip("'") or "Sheet1"


class RowWriter:
    """Turns one row of values into a <row> element. `quote(text)` says whether a text cell is
    written with quotePrefix (text a spreadsheet would read as a formula)."""

    def __init__(self, ncols: int, quote: Callable[[str], bool]):
        self.letters = [get_column_letter(i + 1) for i in range(ncols)]
        self.quote = quote

    def row(self, n: int, values: Sequence[Any], style: int = 0) -> str:
        cells = []
        add = cells.append
        letters, quote, not_xml = self.letters, self.quote, NOT_XML.search
        s = f' s="{style}"' if style else ""
        for c, v in enumerate(values):
            if v is None:
                continue
            ref = f"{letters[c]}{n}"
            if isinstance(v, str):
                if not_xml(v):
                    v = NOT_XML.sub("", v)
                if not v:
                    continue
                space = ' xml:space="preserve"' if v[0].isspace() or v[-1].isspace() else ""
                cs = f' s="{QUOTED}"' if not style and quote(v) else s
                add(f'<c r="{ref}"{cs} t="inlineStr"><is><t{space}>{_text(v)}</t></is></c>')
            elif isinstance(v, bool):
                add(f'<c r="{ref}"{s} t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, (int, float, Decimal)):
                add(f'<c r="{ref}"{s}><v>{v}</v></c>')
            elif isinstance(v, datetime):
                delta = v.replace(tzinfo=None) - _EPOCH
                serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
                add(f'<c r="{ref}" s="{DATETIME}"><v>{serial!r}</v></c>')
            elif isinstance(v, date):
                add(f'<c r="{ref}" s="{DATE}"><v>{(v - _EPOCH_DATE).days}</v></c>')
            elif isinstance(v, time):
                add(f'<c r="{ref}" s="{DATETIME}"><v>{(v.hour * 3600 + v.minute * 60 + v.second) / 86400!r}</v></c>')
            else:
                raise TypeError(f"cannot write {type(v).__name__} to a workbook")
        return f'<row r="{n}">{"".join(cells)}</row>'


def unique_names(titles: Sequence[str]) -> list[str]:
    """Valid sheet names, distinct without regard to case (as Excel wants them)."""
    names: list[str] = []
    for title in titles:
        base = name = sheet_name(title)
        k = 2
        while name.lower() in (n.lower() for n in names):
            suffix = f"({k})"
            name, k = base[:31 - len(suffix)] + suffix, k + 1
        names.append(name)
    return names


def write_workbook(book_path: Path, spool_dir: Path,
                   sheets: Sequence[tuple[str, Sequence[str], Sequence[float], Iterable[Sequence[Any]]]],
                   quote: Callable[[str], bool], date_format: str, datetime_format: str,
                   progress: Callable[[int], None] | None = None, every: int = 2000) -> list[int]:
    """Write the workbook of `sheets` (title, headers, widths, rows) to `book_path`, one sheet after
    the other; each sheet's rows go through a spool file in `spool_dir`. Returns the row counts."""
    counts = []
    with zipfile.ZipFile(book_path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as book:
        for i, (_, headers, widths, rows) in enumerate(sheets, 1):
            counts.append(_write_sheet(book, f"xl/worksheets/sheet{i}.xml", spool_dir / f"sheet{i}-rows.xml",
                                       headers, widths, rows, quote, progress, every, selected=i == 1))
        book.writestr("[Content_Types].xml", content_types(len(sheets)))
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", workbook(unique_names([title for title, *_ in sheets])))
        book.writestr("xl/_rels/workbook.xml.rels", workbook_rels(len(sheets)))
        book.writestr("xl/styles.xml", styles(date_format, datetime_format))
    return counts


def _write_sheet(book: zipfile.ZipFile, part: str, spool_path: Path, headers: Sequence[str],
                 widths: Sequence[float], rows: Iterable[Sequence[Any]], quote: Callable[[str], bool],
                 progress: Callable[[int], None] | None, every: int, selected: bool) -> int:
    writer = RowWriter(max(len(headers), 1), quote)
    n = 0
    with open(spool_path, "w", encoding="utf-8", newline="") as spool:
        write = spool.write
        write(writer.row(1, list(headers), style=HEADER))
        for n, values in enumerate(rows, 1):
            write(writer.row(n + 1, values))
            if progress and n % every == 0:
                progress(n)
    last = f"{writer.letters[len(headers) - 1]}{n + 1}" if headers else "A1"
    cols = "".join(f'<col min="{i}" max="{i}" width="{_width(w)}" customWidth="1"/>'
                   for i, w in enumerate(widths, 1))
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<dimension ref="A1:{last}"/>'
            f'<sheetViews><sheetView{TAB_SELECTED if selected else ""} workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")
    tail = ('</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            '</worksheet>')
    with book.open(part, "w", force_zip64=True) as sheet, open(spool_path, "rb") as spooled:
        sheet.write(head.encode())
        shutil.copyfileobj(spooled, sheet, 1 << 20)
        sheet.write(tail.encode())
    spool_path.unlink()
    return n
