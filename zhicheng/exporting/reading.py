"""Reading an uploaded .xlsx table (单位名录, 考试成绩, 人员基本信息): the first row names the columns;
rows come back with their row numbers so that a report can point at each one."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from zhicheng.validators import ValidationError

MAX_ROWS = 20000


@contextmanager
def _sheet_rows(upload) -> Iterator[Iterator[tuple]]:
    """The rows (cell values) of the first sheet of an uploaded .xlsx, or ValidationError."""
    if upload is None or not upload.filename:
        raise ValidationError("请选择要导入的Excel文件（.xlsx）")
    head = upload.stream.read(4)
    upload.stream.seek(0)
    if head != b"PK\x03\x04":
        raise ValidationError("文件不是Excel（.xlsx）格式")
    try:
        from openpyxl import load_workbook  # about 10 MB with lxml: imported by an import, not at start-up
        wb = load_workbook(upload.stream, read_only=True, data_only=True)
    except Exception:
        raise ValidationError("无法读取该Excel文件，请确认是.xlsx格式") from None
    try:
        yield wb.worksheets[0].iter_rows(values_only=True)
    finally:
        wb.close()


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def read_xlsx_table(upload, header: tuple[str, ...]) -> list[tuple]:
    """(row number, value of each column of `header`) for every non-empty row of the first sheet."""
    with _sheet_rows(upload) as it:
        found = [str(c or "").strip() for c in (next(it, None) or ())]
        try:
            cols = [found.index(name) for name in header]
        except ValueError:
            raise ValidationError(f"第1行应为表头：{'、'.join(header)}") from None
        rows = []
        for line, values in enumerate(it, start=2):
            values = list(values) + [None] * (max(cols) + 1 - len(values))
            picked = [values[i] for i in cols]
            if all(_blank(v) for v in picked):
                continue
            rows.append((line, *picked))
            if len(rows) > MAX_ROWS:
                raise ValidationError(f"一次最多导入{MAX_ROWS}行")
        return rows


def read_xlsx_records(upload, columns: Sequence[tuple[str, str, tuple[str, ...], bool]]) -> list[tuple[int, dict]]:
    """(row number, {key: value}) for every non-empty row of the first sheet. `columns` are
    (key, header, other headers accepted, required): a column may stand anywhere and an optional one
    may be missing (its key is then absent from the rows)."""
    with _sheet_rows(upload) as it:
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
