"""Reading an uploaded .xlsx table (单位名录, 考试成绩, 人员基本信息, 基本代码): the first row names the
columns; rows come back with their row numbers so that a report can point at each one."""
from __future__ import annotations

from collections.abc import Sequence

from zhicheng.validators import ValidationError

MAX_ROWS = 20000


def open_workbook(upload):
    """The uploaded .xlsx as a read-only openpyxl workbook (close it after use), or a Chinese
    ValidationError when nothing was chosen or the file is not a readable .xlsx."""
    if upload is None or not upload.filename:
        raise ValidationError("请选择要导入的Excel文件（.xlsx）")
    head = upload.stream.read(4)
    upload.stream.seek(0)
    if head != b"PK\x03\x04":
        raise ValidationError("文件不是Excel（.xlsx）格式")
    try:
        from openpyxl import load_workbook  # about 10 MB with lxml: imported by an import, not at start-up
        return load_workbook(upload.stream, read_only=True, data_only=True)
    except Exception:
        raise ValidationError("无法读取该Excel文件，请确认是.xlsx格式") from None


def read_xlsx_table(upload, header: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[tuple]:
    """(row number, value of each column of `header`) for every non-empty row of the first sheet
    (the columns in `optional` may be missing)."""
    wb = open_workbook(upload)
    try:
        return sheet_rows(wb.worksheets[0], header, optional=optional)
    finally:
        wb.close()


def sheet_rows(sheet, header: tuple[str, ...], *, where: str = "", optional: tuple[str, ...] = ()) -> list[tuple]:
    """(row number, value of each column of `header`) for every non-empty row of `sheet`, whose
    first row names the columns (in any order, others ignored; those in `optional` may be
    missing, and read as None). `where` starts the messages."""
    it = sheet.iter_rows(values_only=True)
    found = [str(c if c is not None else "").strip() for c in (next(it, None) or ())]
    cols = [found.index(name) if name in found else None for name in header]
    if any(c is None and name not in optional for c, name in zip(cols, header)):
        required = [name for name in header if name not in optional]
        raise ValidationError(f"{where}第1行应为表头：{'、'.join(required)}")
    present = [c for c in cols if c is not None]
    rows = []
    for line, values in enumerate(it, start=2):
        values = list(values) + [None] * (max(present) + 1 - len(values))
        picked = [values[i] if i is not None else None for i in cols]
        if all(v is None or str(v).strip() == "" for v in picked):
            continue
        rows.append((line, *picked))
        if len(rows) > MAX_ROWS:
            raise ValidationError(f"{where}一次最多导入{MAX_ROWS}行")
    return rows


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def read_xlsx_records(upload, columns: Sequence[tuple[str, str, tuple[str, ...], bool]]) -> list[tuple[int, dict]]:
    """(row number, {key: value}) for every non-empty row of the first sheet. `columns` are
    (key, header, other headers accepted, required): a column may stand anywhere and an optional one
    may be missing (its key is then absent from the rows)."""
    wb = open_workbook(upload)
    try:
        it = wb.worksheets[0].iter_rows(values_only=True)
        found = [str(c or "").strip() for c in (next(it, None) or ())]
        positions: dict[str, int] = {}
        missing = []
        for key, header, aliases, required in columns:
            at = next((found.index(name) for name in (header, *aliases) if name in found), None)
            if at is not None:
                positions[key] = at
            elif required:
                missing.append(header)
        if missing:
            raise ValidationError(f"第1行表头缺少：{'、'.join(missing)}（表头应含：{'、'.join(c[1] for c in columns)}）")
        rows = []
        for line, values in enumerate(it, start=2):
            picked = {key: (values[i] if i < len(values) else None) for key, i in positions.items()}
            if all(_blank(v) for v in picked.values()):
                continue
            rows.append((line, picked))
            if len(rows) > MAX_ROWS:
                raise ValidationError(f"一次最多导入{MAX_ROWS}行")
        return rows
    finally:
        wb.close()
