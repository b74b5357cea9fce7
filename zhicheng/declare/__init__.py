"""高中级申报信息管理 for departments: 录入 on behalf of an applicant, 组合排序, 定制打印 / 导出 with the
office's own column sets (the 客户端's 打印模板设计), 打印评审简表 / 打印资格审查表, 打印空白表格, and
the 申报数据 workbook's 导入 / 导出."""
