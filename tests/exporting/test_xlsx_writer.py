"""The export's own workbook writer (zhicheng.exporting.xlsx), read back by openpyxl as a
spreadsheet program would: every kind of cell, the header, the frozen row, widths, and text
that must come back exactly as it went in."""
import io
from datetime import date, datetime, time
from decimal import Decimal

from openpyxl import load_workbook

from zhicheng.exporting.services import Column, write_xlsx

COLUMNS = [Column("姓名", 10), Column("说明", 30), Column("数", 8), Column("日期", 12), Column("时间", 20),
           Column("是否", 6)]


def _book(rows, title="汇总表", read_only=False):
    out = io.BytesIO()
    n = write_xlsx(out, title, COLUMNS, rows)
    out.seek(0)
    return n, load_workbook(out, read_only=read_only)


def test_cells_come_back_with_their_types_and_text_unchanged():
    rows = [
        ["王小明", "  前后有空格  ", 12, date(1986, 5, 20), datetime(2026, 3, 1, 9, 30, 15), True],
        ["李&<晓>红", "_x0041_ 不是转义", Decimal("3.50"), None, None, False],
        ["", "=1+1", 2.25, date(1900, 3, 1), datetime(2026, 12, 31, 23, 59, 59), None],
        ["赵\x07六", "第一行\r\n第二行\t制表", -7, None, None, None],
    ]
    n, wb = _book(rows)
    ws = wb.active
    assert n == 4 and ws.title == "汇总表"
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=1)]
    assert got[0] == [c.header for c in COLUMNS]
    assert got[1] == ["王小明", "  前后有空格  ", 12, datetime(1986, 5, 20), datetime(2026, 3, 1, 9, 30, 15), True]
    assert got[2] == ["李&<晓>红", "_x0041_ 不是转义", 3.5, None, None, False]
    assert got[3] == [None, "=1+1", 2.25, datetime(1900, 3, 1), datetime(2026, 12, 31, 23, 59, 59), None]
    assert got[4] == ["赵六", "第一行\r\n第二行\t制表", -7, None, None, None]   # the bell character dropped
    assert ws["B4"].data_type == "s" and ws["B4"].quotePrefix          # a formula stays text
    assert not ws["B2"].quotePrefix
    assert ws["D2"].number_format == "yyyy-mm-dd" and ws["E2"].number_format == "yyyy-mm-dd h:mm:ss"
    assert ws["A1"].font.b and not ws["A2"].font.b
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= 30


def test_dimension_and_row_count_for_a_streaming_reader():
    n, wb = _book(([f"人{i}", str(i), i, None, None, None] for i in range(2500)), read_only=True)
    ws = wb.active
    assert n == 2500 and ws.max_row == 2501 and ws.max_column == len(COLUMNS)
    last = list(ws.iter_rows(min_row=2501, values_only=True))[0]
    assert last[:3] == ("人2499", "2499", 2499)


def test_sheet_title_is_made_valid_and_an_empty_export_has_its_header():
    n, wb = _book([], title="2026/导出:汇总表[全部]*?")
    assert n == 0 and wb.active.title == "2026导出汇总表全部"
    assert [c.value for c in wb.active[1]] == [c.header for c in COLUMNS]


def test_a_time_of_day_is_written_as_a_time():
    out = io.BytesIO()
    write_xlsx(out, "t", [Column("时刻", 10)], [[time(8, 30)]])
    out.seek(0)
    assert load_workbook(out).active["A2"].value in (time(8, 30), datetime(1899, 12, 30, 8, 30))
