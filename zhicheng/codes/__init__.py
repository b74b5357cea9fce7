"""Codes (代码): the dictionaries kept by the root office (字典管理), each department's 单位字典,
导出基本代码 / 接收更新代码 (every dictionary to and from one workbook, with a diff before it is
applied) and 接收原系统数据 for units."""
