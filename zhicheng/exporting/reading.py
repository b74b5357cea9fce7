"""Reading an uploaded .xlsx table (单位名录, 考试成绩): the first row names the columns; rows come
back with their row numbers so that a report can point at each one."""
from __future__ import annotations

from zhicheng.validators import ValidationError

MAX_ROWS = 20000


def read_xlsx_table(upload, header: tuple[str, ...]) -> list[tuple]:
    """(row number, value of each column of `header`) for every non-empty row of the first sheet."""
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
        it = wb.worksheets[0].iter_rows(values_only=True)
        found = [str(c or "").strip() for c in (next(it, None) or ())]
        try:
            cols = [found.index(name) for name in header]
        except ValueError:
            raise ValidationError(f"第1行应为表头：{'、'.join(header)}") from None
        rows = []
        for line, values in enumerate(it, start=2):
            values = list(values) + [None] * (max(cols) + 1 - len(values))
            picked = [values[i] for i in cols]
            if all(v is None or str(v).strip() == "" for v in picked):
                continue
            rows.append((line, *picked))
            if len(rows) > MAX_ROWS:
                raise ValidationError(f"一次最多导入{MAX_ROWS}行")
        return rows
    finally:
        wb.close()
